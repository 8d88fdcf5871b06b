#!/usr/bin/env node
/**
 * Camera benchmark on Debian's opencv-doc vtest.avi (768x576, 10 fps, 795 frames) against the
 * hand-made labels in test/fixtures/vtest/:
 *   1. detector: precision/recall at IoU 0.5 per score threshold, detector throughput (worker pool);
 *   2. end to end (ffmpeg -> detector every Nth frame -> tracker -> scene), as fast as possible:
 *      frames per second, ID switches and IDF1 on the labelled stretch, line count vs the hand count.
 *
 *   npm run build && node test/bench/camera-vtest.mjs [--detect-every 2] [--workers 2] [--skip-detector] [--no-appearance] [--json]
 *
 * Needs ffmpeg and /usr/share/doc/opencv-doc/examples/data/vtest.avi (apt-get install ffmpeg opencv-doc).
 */
import "./help.mjs"; // --help: this file's leading comment
import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { Value } from "@sinclair/typebox/value";
import { createDetectorPool, evaluate, extractFrames, readLabels } from "@footfall/models";
import { CameraSettingsSchema, createCameraSource } from "../../edge/dist/sources/camera/index.js";
import { labelledFrames, motMetrics } from "../../edge/dist/vision/motmetrics.js";
import { stepLine } from "../../edge/dist/vision/line.js";

const here = (p) => new URL(p, import.meta.url).pathname;
const { values } = parseArgs({
  options: {
    "detect-every": { type: "string", default: "2" },
    workers: { type: "string", default: "2" },
    "person-score": { type: "string", default: "0.35" },
    "new-track-score": { type: "string", default: "0.45" },
    "skip-detector": { type: "boolean", default: false },
    "no-appearance": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  },
});
const detectEvery = Number(values["detect-every"]);
const workers = Number(values.workers);
const personScore = Number(values["person-score"]);
const newTrackScore = Number(values["new-track-score"]);
const detLabels = await readLabels(here("../fixtures/vtest/detections.json"));
const trackLabels = await readLabels(here("../fixtures/vtest/tracking.json"));
const lineFixture = JSON.parse(await readFile(here("../fixtures/vtest/line.json"), "utf8"));
// A second line, counted by hand blind to the tracker after it was tuned on the first: held out.
const holdoutFixture = existsSync(here("../fixtures/vtest/line-holdout.json"))
  ? JSON.parse(await readFile(here("../fixtures/vtest/line-holdout.json"), "utf8"))
  : null;
if (!existsSync(detLabels.video)) {
  console.error(`camera bench: ${detLabels.video} is missing (apt-get install opencv-doc); skipped`);
  process.exit(0);
}
const log = {
  debug() {},
  info() {},
  warn: (m, f) => console.error("warn", m, JSON.stringify(f ?? {})),
  error: (m, f) => console.error("error", m, JSON.stringify(f ?? {})),
  child: () => log,
};
const result = { machine: { cpus: (await import("node:os")).cpus().length, node: process.version }, detectEvery, workers, personScore, newTrackScore };

// 1. Detector alone.
if (!values["skip-detector"]) {
  const frames = await extractFrames(
    detLabels.video,
    detLabels.frames.map((f) => f.frame),
    { width: detLabels.width, height: detLabels.height },
  );
  const pool = await createDetectorPool({ workers, minScore: 0.1 });
  await Promise.all([...frames.values()].slice(0, workers * 2).map((f) => pool.detect(f)));
  const { predictions: _p, ...report } = await evaluate(pool, detLabels, frames, { thresholds: [0.25, 0.3, 0.35, 0.4, 0.45, 0.5] });
  await pool.dispose();
  result.detector = report;
}

// 2. End to end.
const settings = Value.Default(CameraSettingsSchema, {
  input: detLabels.video,
  realtime: false,
  detectEvery,
  workers,
  personScore,
  newTrackScore,
  appearance: !values["no-appearance"],
  line: { zone: lineFixture.line.zone, a: lineFixture.line.a, b: lineFixture.line.b, marginPx: lineFixture.line.marginPx },
});
const wanted = new Map(trackLabels.frames.map((f) => [f.frame, f]));
const hyps = new Map();
const countersFor = (fx) => ({ fx, memory: new Map(), count: { in: 0, out: 0 } });
const counters = [countersFor(lineFixture), ...(holdoutFixture ? [countersFor(holdoutFixture)] : [])];
const source = createCameraSource({
  onTracks: ({ index, active }) => {
    if (wanted.has(index))
      hyps.set(
        index,
        active.map((t) => ({ id: t.id, box: t.box })),
      );
    for (const c of counters) {
      if (index < c.fx.frames[0] || index >= c.fx.frames[1]) continue;
      for (const t of active) {
        const r = stepLine({ ...c.fx.line, margin: c.fx.line.marginPx }, c.memory.get(t.id) ?? null, t.foot);
        c.memory.set(t.id, r.memory);
        if (r.crossing) c.count[r.crossing]++;
      }
    }
  },
});
const events = [];
const ac = new globalThis.AbortController();
const t0 = performance.now();
let cpu0;
await source.start({
  settings,
  emit: (e) => events.push(e),
  log,
  signal: ac.signal,
  layout: () => null,
  layoutsExpected: false,
  agent: "cam-bench",
  onLayout: () => () => {},
  now: () => Date.now(),
  fail: (e) => console.error("source failed", e),
});
const t1 = performance.now();
cpu0 = process.cpuUsage();
await source.finished();
const t2 = performance.now();
const cpu = process.cpuUsage(cpu0);
const stats = source.stats();
await source.stop();

// Tracking metrics on the labelled frames; hypotheses over an `ignore` truth are dropped with it.
const motFrames = labelledFrames(trackLabels.frames, hyps);
const counts = events.filter((e) => e.type === "count").reduce((s, e) => ({ in: s.in + e.in, out: s.out + e.out }), { in: 0, out: 0 });
const err = (got, want) => (want === 0 ? (got === 0 ? 0 : 1) : Math.abs(got - want) / want);
const lineResult = ({ fx, count }) => ({
  line: fx.line,
  frames: fx.frames,
  hand: fx.handCount,
  counted: count,
  errorIn: +err(count.in, fx.handCount.in).toFixed(3),
  errorOut: +err(count.out, fx.handCount.out).toFixed(3),
  errorTotal: +err(count.in + count.out, fx.handCount.in + fx.handCount.out).toFixed(3),
});
result.endToEnd = {
  frames: stats.framesProcessed,
  framesDetected: stats.framesDetected,
  seconds: +((t2 - t1) / 1000).toFixed(2),
  startupSeconds: +((t1 - t0) / 1000).toFixed(2),
  fps: +(stats.framesProcessed / ((t2 - t1) / 1000)).toFixed(2),
  // CPU time of this process (main thread + detector workers; ffmpeg not included) per frame, and the
  // frame rate that would give on two otherwise idle cores: a figure less sensitive to a shared machine.
  cpuMsPerFrame: +((cpu.user + cpu.system) / 1000 / stats.framesProcessed).toFixed(1),
  fpsOnTwoIdleCores: +(2 / ((cpu.user + cpu.system) / 1e6 / stats.framesProcessed)).toFixed(1),
  tracks: stats.totals.visitors,
};
result.tracking = { labelledFrames: trackLabels.frames.map((f) => f.frame), ...motMetrics(motFrames) };
result.line = { ...lineResult(counters[0]), wholeVideoCountEvents: counts };
if (counters[1]) result.holdoutLine = lineResult(counters[1]);

if (values.json) console.log(JSON.stringify(result, null, 2));
else {
  if (result.detector) {
    const d = result.detector;
    console.log(`detector: ${d.frames} frames, ${d.truths} labelled persons, ${d.backend} x ${workers} workers, ${d.fps.toFixed(2)} frames/s`);
    for (const r of d.byThreshold)
      console.log(`  score >= ${r.threshold.toFixed(2)}: precision ${r.precision.toFixed(3)} recall ${r.recall.toFixed(3)} (tp ${r.tp} fp ${r.fp} fn ${r.fn})`);
  }
  const e = result.endToEnd;
  console.log(
    `end to end: ${e.frames} frames in ${e.seconds} s = ${e.fps} fps (detector on ${e.framesDetected} frames, every ${detectEvery}), ${e.tracks} tracks`,
  );
  console.log(`  CPU ${e.cpuMsPerFrame} ms per frame (main + workers) = ${e.fpsOnTwoIdleCores} fps on two idle cores`);
  const t = result.tracking;
  console.log(
    `tracking (${t.labelledFrames.length} labelled frames ${t.labelledFrames[0]}-${t.labelledFrames.at(-1)}): IDF1 ${t.idf1.toFixed(3)} (IDP ${t.idp.toFixed(3)} IDR ${t.idr.toFixed(3)}), ID switches ${t.idSwitches}, MOTA ${t.mota.toFixed(3)}, misses ${t.misses}, false positives ${t.falsePositives} of ${t.truths}`,
  );
  const show = (name, l) =>
    console.log(
      `${name} x=${l.line.a[0]}, frames ${l.frames[0]}-${l.frames[1] - 1}: counted in ${l.counted.in} / out ${l.counted.out} vs hand ${l.hand.in} / ${l.hand.out}; error in ${(l.errorIn * 100).toFixed(1)} %, out ${(l.errorOut * 100).toFixed(1)} %, total ${(l.errorTotal * 100).toFixed(1)} %`,
    );
  show("line", result.line);
  console.log(
    `  whole video, count events (the agent's configured line): in ${result.line.wholeVideoCountEvents.in} out ${result.line.wholeVideoCountEvents.out}`,
  );
  if (result.holdoutLine) show("held-out line", result.holdoutLine);
}
