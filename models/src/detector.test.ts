/**
 * The real detector (shipped CenterNet weights, WASM backend unless tfjs-node is installed) on
 * hand-labelled vtest.avi frames. Needs ffmpeg and Debian's opencv-doc; skipped without them.
 */
import { describe, expect, it, beforeAll, afterAll } from "vitest";
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createDetector } from "./centernet.js";
import { extractFrames } from "./frames.js";
import { readLabels, type LabelSet } from "./labels.js";
import { evaluate } from "./evaluate.js";
import type { PersonDetector, RgbFrame } from "./types.js";

const fixture = fileURLToPath(new URL("../../test/fixtures/vtest/detections.json", import.meta.url));
const VIDEO = "/usr/share/doc/opencv-doc/examples/data/vtest.avi";
const available = existsSync(VIDEO) && spawnSync("ffmpeg", ["-version"]).status === 0;

describe("CenterNet person detector on vtest.avi", () => {
  // A missing tool fails loudly (with the command that installs it) instead of skipping.
  beforeAll(() => {
    if (!(available)) throw new Error("ffmpeg or vtest.avi is missing: apt-get install ffmpeg opencv-doc");
  });

  let detector: PersonDetector;
  let labels: LabelSet;
  let frames: Map<number, RgbFrame>;

  beforeAll(async () => {
    const all = await readLabels(fixture);
    // Four labelled frames keep the test short on 2 shared cores.
    labels = { ...all, frames: all.frames.filter((f) => [60, 240, 540, 720].includes(f.frame)) };
    frames = await extractFrames(
      VIDEO,
      labels.frames.map((f) => f.frame),
      { width: labels.width, height: labels.height },
    );
    detector = await createDetector({ minScore: 0.1 });
  }, 60_000);
  afterAll(async () => detector?.dispose());

  it("runs on a backend chosen at load time", () => {
    expect(["wasm", "tensorflow"]).toContain(detector.backend);
  });

  it("finds the labelled people: recall >= 0.85 at precision >= 0.9 (score >= 0.35, IoU >= 0.5)", async () => {
    const report = await evaluate(detector, labels, frames, { thresholds: [0.35] });
    const r = report.byThreshold[0]!;
    expect(r.recall).toBeGreaterThanOrEqual(0.85);
    expect(r.precision).toBeGreaterThanOrEqual(0.9);
  }, 30_000);

  it("gives each person a foot point at the bottom centre of its box, inside the frame", async () => {
    const persons = await detector.detect(frames.get(240)!);
    expect(persons.length).toBeGreaterThan(3);
    for (const p of persons) {
      expect(p.foot[0]).toBeCloseTo((p.box[0] + p.box[2]) / 2, 6);
      expect(p.foot[1]).toBe(p.box[3]);
      expect(p.box[0]).toBeGreaterThanOrEqual(0);
      expect(p.box[3]).toBeLessThanOrEqual(576);
    }
  }, 30_000);

  it("rejects a frame whose buffer does not match its size", async () => {
    await expect(detector.detect({ width: 10, height: 10, data: new Uint8Array(5) })).rejects.toThrow(/RGB bytes/);
  });
});
