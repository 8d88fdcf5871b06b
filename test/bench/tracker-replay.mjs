#!/usr/bin/env node
/**
 * Tune the tracker on vtest.avi in seconds: the detector runs once over every frame (about 90 s on
 * two cores) and its boxes, scores and colour signatures are cached; each replay then feeds them
 * through the tracker and the counting line exactly as the camera source does (detection on every
 * Nth frame, prediction between) and reports every hand-counted crossing as found or missed, extra
 * crossings, and IDF1 / identity switches on the labelled stretch.
 *
 *   npm run build && node test/bench/tracker-replay.mjs [--detect-every 2] [--options '{"reidGate":0}'] [--no-appearance]
 *       [--crossings] [--line line-holdout.json]
 *
 * The cache lives in node_modules/.cache/footfall/ (delete it after changing the detector).
 * Needs ffmpeg and opencv-doc's vtest.avi, like camera-vtest.mjs.
 */
import "./help.mjs"; // --help: this file's leading comment
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createDetectorPool } from "@footfall/models";
import { appearanceOf } from "../../edge/dist/vision/appearance.js";
import { initTracker, stepTracker } from "../../edge/dist/vision/tracker.js";
import { stepLine } from "../../edge/dist/vision/line.js";
import { labelledFrames, motMetrics } from "../../edge/dist/vision/motmetrics.js";
import { CameraSettingsSchema } from "../../edge/dist/sources/camera/settings.js";

const here = dirname(fileURLToPath(import.meta.url));
const fixture = (name) => JSON.parse(readFileSync(join(here, "..", "fixtures", "vtest", name), "utf8"));
const { values } = parseArgs({
  options: {
    "detect-every": { type: "string", default: "2" },
    options: { type: "string", default: "{}" },
    "no-appearance": { type: "boolean", default: false },
    crossings: { type: "boolean", default: false },
    line: { type: "string", default: "line.json" },
  },
});
const lineFixture = fixture(values.line);
const tracking = fixture("tracking.json");
const { video, width, height } = lineFixture;
if (!existsSync(video)) {
  console.error(`tracker replay: ${video} is missing (apt-get install opencv-doc)`);
  process.exit(1);
}

/** Every frame decoded once, in order, as packed RGB. */
async function* frames() {
  const ff = spawn("ffmpeg", ["-hide_banner", "-loglevel", "error", "-nostdin", "-i", video, "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const size = width * height * 3;
  let pending = Buffer.alloc(0);
  for await (const chunk of ff.stdout) {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= size) {
      yield { width, height, data: new Uint8Array(pending.subarray(0, size)) };
      pending = pending.subarray(size);
    }
  }
}

async function detectAll(cacheFile) {
  const pool = await createDetectorPool({ workers: 2, minScore: 0.1 });
  const out = [];
  const t0 = performance.now();
  let inFlight = [];
  const flush = async () => {
    for (const [frame, job] of inFlight) {
      const persons = await job;
      out.push(
        persons.map((p) => ({
          box: p.box.map((v) => +v.toFixed(1)),
          score: +p.score.toFixed(4),
          appearance: Array.from(appearanceOf(frame, p.box) ?? [], (v) => +v.toFixed(4)),
        })),
      );
    }
    inFlight = [];
  };
  for await (const frame of frames()) {
    inFlight.push([frame, pool.detect(frame)]);
    if (inFlight.length >= 8) await flush();
    if (out.length % 100 === 0 && out.length > 0 && inFlight.length === 0)
      process.stderr.write(`detected ${out.length} frames, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
  }
  await flush();
  await pool.dispose();
  mkdirSync(dirname(cacheFile), { recursive: true });
  writeFileSync(cacheFile, JSON.stringify(out));
  process.stderr.write(`detected ${out.length} frames in ${((performance.now() - t0) / 1000).toFixed(0)} s; cached in ${cacheFile}\n`);
  return out;
}

const cacheFile = join(here, "..", "..", "node_modules", ".cache", "footfall", "vtest-detections.json");
const cached = existsSync(cacheFile) ? JSON.parse(readFileSync(cacheFile, "utf8")) : await detectAll(cacheFile);
const detections = cached.map((frame) =>
  frame.map((d) => ({ box: d.box, score: d.score, appearance: !values["no-appearance"] && d.appearance.length ? Float32Array.from(d.appearance) : null })),
);

// The camera source's defaults (edge/src/sources/camera/settings.ts), as camera.ts hands them to the tracker.
const cam = CameraSettingsSchema.properties;
const options = {
  lowScore: cam.minScore.default,
  highScore: cam.personScore.default,
  newTrackScore: cam.newTrackScore.default,
  maxLost: cam.maxLostFrames.default,
  ...JSON.parse(values.options),
};
const every = Number(values["detect-every"]);
const line = { ...lineFixture.line, margin: lineFixture.line.marginPx };
const [from, to] = lineFixture.frames;
const labelled = new Map(tracking.frames.map((f) => [f.frame, f]));
const hyps = new Map();
const memory = new Map();
const counted = [];
let state = initTracker();
for (let i = 0; i < detections.length; i++) {
  // The camera source detects on frames 0, N, 2N, ... and predicts on the others.
  const r = stepTracker(state, i % every === 0 ? detections[i] : null, options);
  state = r.state;
  if (labelled.has(i))
    hyps.set(
      i,
      r.active.map((t) => ({ id: t.id, box: t.box })),
    );
  if (i < from || i >= to) continue;
  for (const t of r.active) {
    const step = stepLine(line, memory.get(t.id) ?? null, t.foot);
    memory.set(t.id, step.memory);
    if (step.crossing) counted.push({ frame: i, dir: step.crossing, track: t.id });
  }
}

// Hand crossings matched to counted ones: same direction, nearest frame within 1.2 s.
const used = new Set();
const report = lineFixture.crossings.map((h) => {
  let best = -1;
  counted.forEach((c, k) => {
    if (used.has(k) || c.dir !== h.dir || Math.abs(c.frame - h.frame) > 12) return;
    if (best < 0 || Math.abs(c.frame - h.frame) < Math.abs(counted[best].frame - h.frame)) best = k;
  });
  if (best >= 0) used.add(best);
  return { ...h, found: best >= 0 ? counted[best] : null };
});
const mot = motMetrics(labelledFrames(tracking.frames, hyps));

if (values.crossings)
  for (const r of report)
    console.log(`${String(r.frame).padStart(4)} ${r.dir.padEnd(3)} ${r.found ? `found at ${r.found.frame}, track ${r.found.track}` : "MISSED"}  (${r.who})`);
const extras = counted.filter((_, k) => !used.has(k));
for (const e of extras) console.log(`extra crossing: frame ${e.frame} ${e.dir}, track ${e.track}`);
const total = { in: counted.filter((c) => c.dir === "in").length, out: counted.filter((c) => c.dir === "out").length };
const hand = lineFixture.handCount;
console.log(
  `line: counted in ${total.in} / out ${total.out} vs hand ${hand.in} / ${hand.out}; ${report.filter((r) => r.found).length} of ${report.length} hand crossings found, ${extras.length} extra`,
);
console.log(
  `tracking, frames ${tracking.frames[0].frame}-${tracking.frames.at(-1).frame}: IDF1 ${mot.idf1.toFixed(3)}, ID switches ${mot.idSwitches}, MOTA ${mot.mota.toFixed(3)}`,
);
console.log(`tracks started over the whole video: ${state.nextId - 1}`);
