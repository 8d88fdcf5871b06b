/** The worker-thread pool runs the compiled worker (`dist/worker.js`): run `npm run build` first. */
import { beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { workerPath, createDetectorPool } from "./pool.js";
import { extractFrames } from "./frames.js";

const VIDEO = "/usr/share/doc/opencv-doc/examples/data/vtest.avi";
const ready = existsSync(workerPath()) && existsSync(VIDEO) && spawnSync("ffmpeg", ["-version"]).status === 0;

describe("DetectorPool", () => {
  // A missing tool fails loudly (with the command that installs it) instead of skipping.
  beforeAll(() => {
    if (!(ready)) throw new Error("the worker build, ffmpeg or vtest.avi is missing: npm run build; apt-get install ffmpeg opencv-doc");
  });

  it("detects in a worker thread and returns persons in frame pixels, in submission order", async () => {
    const frames = await extractFrames(VIDEO, [240, 540], { width: 768, height: 576 });
    const pool = await createDetectorPool({ workers: 1, minScore: 0.4 });
    try {
      const [a, b] = await Promise.all([pool.detect(frames.get(240)!), pool.detect(frames.get(540)!)]);
      expect(a!.length).toBeGreaterThanOrEqual(5);
      expect(b!.length).toBeGreaterThanOrEqual(5);
      expect(a!.every((p) => p.box[2] <= 768 && p.box[3] <= 576 && p.score >= 0.4)).toBe(true);
      expect(pool.pending).toBe(0);
    } finally {
      await pool.dispose();
    }
    await expect(pool.detect(frames.get(240)!)).rejects.toThrow(/closed/);
  }, 30_000);

  it("ends its threads and says which model file is missing when the workers cannot load the model", async () => {
    // A camera retries a failed start with backoff: each try's threads must end, or they pile up for good.
    const threads = () => readdirSync("/proc/self/task").length;
    await readFile(workerPath()); // libuv's thread pool starts on first use: start it before counting
    const empty = mkdtempSync(join(tmpdir(), "footfall-no-model-"));
    try {
      const before = threads();
      for (let i = 0; i < 2; i++) {
        await expect(createDetectorPool({ workers: 2, backend: "wasm", modelDir: empty })).rejects.toThrow(
          `cannot load the person detection model ${join(empty, "centernet.json")}: a file of it is missing`,
        );
      }
      expect(threads()).toBeLessThanOrEqual(before);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  }, 30_000);
});
