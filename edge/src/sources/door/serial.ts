import { existsSync } from "node:fs";
import { errorMessage, type Logger } from "../../log.js";

/** The part of `serialport` this driver uses (typed here: the package is optional). */
interface SerialPortLike {
  open(cb: (err: Error | null) => void): void;
  close(cb?: (err: Error | null) => void): void;
  write(data: string, cb?: (err: Error | null | undefined) => void): boolean;
  on(event: "data", cb: (chunk: Buffer) => void): this;
  on(event: "error", cb: (err: Error) => void): this;
  on(event: "close", cb: () => void): this;
  readonly isOpen: boolean;
}
interface SerialportModule {
  SerialPort: new (opts: { path: string; baudRate: number; autoOpen: boolean }) => SerialPortLike;
}

/** The longest line a counter may send, in bytes: past it, what it sent is dropped up to its next line ending. */
export const MAX_LINE_BYTES = 4096;

/**
 * Splits a byte stream into lines (`\n`) holding at most `maxBytes` of one line: a counter that never
 * sends a line ending (a wrong baud rate, `\r` alone, a binary protocol) would otherwise grow the
 * buffer without limit. A line past `maxBytes` is dropped, to its line ending, and `onOverlong` told
 * (once per line); what follows its line ending is read as usual.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  /** Inside a line that went past the limit: drop up to its line ending. */
  private dropping = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onOverlong: () => void,
    private readonly maxBytes = MAX_LINE_BYTES,
  ) {}

  /** Bytes held of the line not ended yet (at most `maxBytes`). */
  get buffered(): number {
    return this.size;
  }

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const end = chunk.indexOf(0x0a, start);
      const piece = chunk.subarray(start, end === -1 ? chunk.length : end);
      if (!this.dropping) {
        if (this.size + piece.length > this.maxBytes) {
          this.parts = [];
          this.size = 0;
          this.dropping = true;
          this.onOverlong();
        } else if (piece.length > 0) {
          this.parts.push(piece);
          this.size += piece.length;
        }
      }
      if (end === -1) return;
      if (this.dropping) this.dropping = false;
      else {
        const line = Buffer.concat(this.parts, this.size).toString("utf8");
        this.parts = [];
        this.size = 0;
        this.onLine(line);
      }
      start = end + 1;
    }
  }
}

/** Load the optional `serialport` package, or fail with what to do. */
export async function loadSerialport(): Promise<SerialportModule> {
  const name = "serialport";
  try {
    return (await import(name)) as SerialportModule;
  } catch (err) {
    throw new Error(
      `the serial input needs the optional package "serialport", which is missing or did not build here (${errorMessage(err)}); ` +
        `install it with \`npm install -w edge serialport\`, or use input "http"`,
      { cause: err },
    );
  }
}

export interface SerialLinesOptions {
  path: string;
  baudRate: number;
  /** Every line received, without its line ending. */
  onLine: (line: string) => void;
  /** A line went past {@link MAX_LINE_BYTES} without a line ending: dropped (to its line ending). */
  onOverlong: () => void;
  /** The port failed or closed on its own (unplugged): the source fails and is restarted. */
  onError: (err: Error) => void;
  /** Write `command` every `everyMs` (devices that answer only when asked). */
  poll?: { command: string; everyMs: number } | undefined;
  /** No line for this long: the device is taken for gone (`onError`). */
  silenceMs?: number | undefined;
  log: Logger;
}

/** An open serial line reader; `close` releases the port. */
export interface SerialLines {
  close(): Promise<void>;
}

/** Open a serial device and read it line by line (`\n`, a trailing `\r` is trimmed by the caller). */
export async function openSerialLines(opts: SerialLinesOptions): Promise<SerialLines> {
  const { SerialPort } = await loadSerialport();
  const port = new SerialPort({ path: opts.path, baudRate: opts.baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) =>
    port.open((err) => (err ? reject(new Error(`cannot open ${opts.path}: ${err.message} (is the device plugged in, and may this user read it? e.g. the dialout group)`)) : resolve())),
  );
  let closing = false;
  let lastLine = Date.now();
  const lines = new LineSplitter((line) => {
    lastLine = Date.now();
    opts.onLine(line.replace(/\r$/, ""));
  }, opts.onOverlong);
  port.on("data", (chunk: Buffer) => lines.push(chunk));
  // A watchdog: a USB adapter pulled out removes its device node, and some drivers (and pseudo
  // terminals) never report the hang-up; a device that should talk and stays silent is gone too.
  const watchdog = setInterval(() => {
    if (closing) return;
    if (!existsSync(opts.path)) opts.onError(new Error(`serial ${opts.path} is gone (unplugged?)`));
    else if (opts.silenceMs !== undefined && Date.now() - lastLine > opts.silenceMs) opts.onError(new Error(`serial ${opts.path}: no line for ${opts.silenceMs} ms (serial.silenceMs); reopening`));
  }, 1000);
  port.on("error", (err) => {
    if (!closing) opts.onError(new Error(`serial ${opts.path}: ${err.message}`));
  });
  port.on("close", () => {
    if (!closing) opts.onError(new Error(`serial ${opts.path} closed (unplugged?)`));
  });
  const timer = opts.poll
    ? setInterval(() => {
        port.write(opts.poll!.command, (err) => {
          if (err) opts.log.warn({ error: err.message }, "poll command not written");
        });
      }, opts.poll.everyMs)
    : null;
  opts.log.info({ baudRate: opts.baudRate }, `reading ${opts.path}`);
  return {
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        clearInterval(watchdog);
        if (timer) clearInterval(timer);
        if (!port.isOpen) return resolve();
        port.close(() => resolve());
      }),
  };
}
