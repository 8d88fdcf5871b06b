/**
 * Annotated debug frames, written only to a local directory and only when `debugDir` is set:
 * boxes with track ids, foot points, the counting line. Binary PPM (P6), readable by ffmpeg,
 * GIMP and most viewers (`ffmpeg -i f.ppm f.png`). They are images of the people in the shop:
 * only the newest `debugKeep` stay on disk ({@link DebugFrames}).
 */
import { mkdir, readdir, unlink, writeFile } from "node:fs/promises";
import path from "node:path";

type RGB = readonly [number, number, number];
const PALETTE: RGB[] = [
  [230, 25, 75],
  [60, 180, 75],
  [255, 225, 25],
  [0, 130, 200],
  [245, 130, 48],
  [145, 30, 180],
  [70, 240, 240],
  [240, 50, 230],
];

export function colourOf(id: number): RGB {
  return PALETTE[id % PALETTE.length]!;
}

export class Canvas {
  readonly data: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
    source: Uint8Array,
  ) {
    this.data = Uint8Array.from(source);
  }
  pixel(x: number, y: number, c: RGB): void {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 3;
    this.data[i] = c[0];
    this.data[i + 1] = c[1];
    this.data[i + 2] = c[2];
  }
  line(a: readonly [number, number], b: readonly [number, number], c: RGB, thick = 1): void {
    const n = Math.max(1, Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1])));
    for (let k = 0; k <= n; k++) {
      const x = a[0] + ((b[0] - a[0]) * k) / n,
        y = a[1] + ((b[1] - a[1]) * k) / n;
      for (let dx = 0; dx < thick; dx++) for (let dy = 0; dy < thick; dy++) this.pixel(x + dx, y + dy, c);
    }
  }
  rect(b: readonly [number, number, number, number], c: RGB, thick = 2): void {
    this.line([b[0], b[1]], [b[2], b[1]], c, thick);
    this.line([b[2], b[1]], [b[2], b[3]], c, thick);
    this.line([b[2], b[3]], [b[0], b[3]], c, thick);
    this.line([b[0], b[3]], [b[0], b[1]], c, thick);
  }
  dot(p: readonly [number, number], c: RGB, r = 3): void {
    for (let dx = -r; dx <= r; dx++) for (let dy = -r; dy <= r; dy++) if (dx * dx + dy * dy <= r * r) this.pixel(p[0] + dx, p[1] + dy, c);
  }
  /** A track id as a row of small squares (one per decimal digit's value + 1): legible without fonts. */
  tag(p: readonly [number, number], id: number, c: RGB): void {
    const digits = String(id).split("").map(Number);
    let x = p[0];
    for (const d of digits) {
      for (let k = 0; k <= d; k++) this.rect([x, p[1] - 6 - 4 * k, x + 3, p[1] - 3 - 4 * k], c, 1);
      x += 5;
    }
  }
  ppm(): Buffer {
    return Buffer.concat([Buffer.from(`P6\n${this.width} ${this.height}\n255\n`), Buffer.from(this.data.buffer, this.data.byteOffset, this.data.byteLength)]);
  }
}

export async function writeDebugFrame(dir: string, name: string, canvas: Canvas): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, name);
  await writeFile(file, canvas.ppm());
  return file;
}

const FRAME_NAME = /^frame-(\d{7,})\.ppm$/;

/**
 * The debug frames of one camera in `dir`, at most `keep` of them: each new frame past that deletes
 * the oldest (a frame a second of 768x576 is 4.8 GB an hour: an agent left with debugDir set filled
 * its disk, the outbox's with it, and kept every shopper's picture for good). Frames left by an earlier run count
 * among the kept, and numbering goes on after them, so a restart neither overwrites nor strands any.
 * A frame due while the previous one is still being written is skipped rather than queued in memory.
 */
export class DebugFrames {
  private readonly names: string[] = [];
  private next = 1;
  private writing: Promise<void> | null = null;
  private ready: Promise<void> | null = null;

  constructor(
    readonly dir: string,
    readonly keep: number,
    private readonly warn: (message: string, error: unknown) => void,
  ) {}

  /** Frames on disk now (oldest first): those this store wrote or found and has not deleted. */
  get kept(): readonly string[] {
    return this.names;
  }

  private async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const found = (await readdir(this.dir)).filter((n) => FRAME_NAME.test(n)).sort((a, b) => frameNumber(a) - frameNumber(b));
    this.names.push(...found);
    if (found.length > 0) this.next = frameNumber(found.at(-1)!) + 1;
    await this.prune();
  }

  /** Whether a frame is being written now (the next one due is skipped: no need to draw it). */
  get busy(): boolean {
    return this.writing !== null;
  }

  /** Write one frame (unless one is being written: then that one's promise) and delete the oldest past `keep`. */
  write(canvas: Canvas): Promise<void> {
    this.writing ??= this.writeNow(canvas).finally(() => {
      this.writing = null;
    });
    return this.writing;
  }

  private async writeNow(canvas: Canvas): Promise<void> {
    try {
      this.ready ??= this.open();
      await this.ready;
      const name = `frame-${String(this.next++).padStart(7, "0")}.ppm`;
      await writeDebugFrame(this.dir, name, canvas);
      this.names.push(name);
      await this.prune();
    } catch (err) {
      this.warn("could not write a debug frame", err);
    }
  }

  private async prune(): Promise<void> {
    while (this.names.length > this.keep) {
      const name = this.names.shift()!;
      await unlink(path.join(this.dir, name)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== "ENOENT") this.warn("could not delete an old debug frame", err);
      });
    }
  }
}

function frameNumber(name: string): number {
  return Number(FRAME_NAME.exec(name)![1]);
}
