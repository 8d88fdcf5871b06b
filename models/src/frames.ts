/** Decode chosen frames of a video file to RGB with an ffmpeg child process (for evaluation and benches). */
import { spawn } from "node:child_process";
import type { RgbFrame } from "./types.js";

export interface ExtractOptions {
  width: number;
  height: number;
  ffmpeg?: string;
}

/**
 * Frames at the given 0-based indices, in ascending index order. `width`/`height` must be the
 * video's own size (frames are not scaled, so labels in pixels stay valid).
 */
export async function extractFrames(video: string, indices: readonly number[], opts: ExtractOptions): Promise<Map<number, RgbFrame>> {
  const wanted = [...new Set(indices)].sort((a, b) => a - b);
  const out = new Map<number, RgbFrame>();
  if (wanted.length === 0) return out;
  const frameBytes = opts.width * opts.height * 3;
  // Chunks of frame numbers keep the select expression short.
  for (let i = 0; i < wanted.length; i += 40) {
    const chunk = wanted.slice(i, i + 40);
    const select = chunk.map((n) => `eq(n\\,${n})`).join("+");
    const args = [
      "-hide_banner",
      "-loglevel",
      "error",
      "-nostdin",
      "-i",
      video,
      "-vf",
      `select='${select}'`,
      "-fps_mode",
      "passthrough",
      "-f",
      "rawvideo",
      "-pix_fmt",
      "rgb24",
      "pipe:1",
    ];
    const buf = await run(opts.ffmpeg ?? "ffmpeg", args);
    if (buf.length !== frameBytes * chunk.length) {
      throw new Error(
        `ffmpeg gave ${buf.length} bytes for ${chunk.length} frames of ${opts.width}x${opts.height} from ${video}: wrong size or index past the end`,
      );
    }
    chunk.forEach((n, k) =>
      out.set(n, { width: opts.width, height: opts.height, data: new Uint8Array(buf.buffer, buf.byteOffset + k * frameBytes, frameBytes) }),
    );
  }
  return out;
}

function run(cmd: string, args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (c: Buffer) => chunks.push(c));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`${cmd} exited with ${code}: ${err.trim().slice(0, 500)}`))));
  });
}
