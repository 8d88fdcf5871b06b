/** A server's log as a test reads it back: a pino logger whose JSON lines are kept, parsed. */
import { Writable } from "node:stream";
import { pino, type Logger } from "pino";

export interface LogLines {
  /** The logger to give the server (or a part of it). */
  log: Logger;
  /** Every line it wrote so far, parsed, in order. */
  lines: Record<string, unknown>[];
}

/** A logger at `level` whose lines are kept in `lines`. */
export function logLines(level: string): LogLines {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split("\n")) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level }, sink), lines };
}
