#!/usr/bin/env node
/**
 * `footfall-models eval`: precision and recall at IoU 0.5 on labelled frames, and frames per second.
 *
 *   footfall-models eval [--labels test/fixtures/vtest/detections.json] [--video FILE]
 *                        [--workers 2] [--roi x1,y1,x2,y2] [--backend auto|wasm|tensorflow] [--json]
 */
import { parseArgs } from "node:util";
import path from "node:path";
import { readLabels } from "./labels.js";
import { extractFrames } from "./frames.js";
import { evaluate } from "./evaluate.js";
import { createDetectorPool } from "./pool.js";
import type { BackendChoice, Box } from "./types.js";

function parseBox(s: string | undefined): Box | undefined {
  if (!s) return undefined;
  const v = s.split(",").map(Number);
  if (v.length !== 4 || v.some((x) => !Number.isFinite(x))) throw new Error(`--roi: expected x1,y1,x2,y2, got "${s}"`);
  return [v[0]!, v[1]!, v[2]!, v[3]!];
}

/** What `footfall-models --help` and `footfall-models eval --help` print (on stdout, exit 0). */
const USAGE = `usage: footfall-models eval [--labels FILE] [--video FILE] [--workers N] [--roi x1,y1,x2,y2] [--backend auto|wasm|tensorflow] [--json]

eval: the person detector's precision and recall at IoU 0.5 on labelled frames, and its frames per second.
  --labels FILE     labelled frames (JSON; default test/fixtures/vtest/detections.json, from the repository's root)
  --video FILE      the video the frames come from (default: the one the labels name, Debian's opencv-doc vtest.avi)
  --workers N       detector worker threads (default 2)
  --roi x1,y1,x2,y2 only this part of the frame (default: the labels' roi, else the full frame)
  --backend B       auto (tfjs-node when installed, else WASM), wasm or tensorflow (default auto)
  --json            the report as JSON
  -h, --help        this text`;

async function evalCommand(argv: string[]): Promise<void> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    return;
  }
  const { values } = parseArgs({
    args: argv,
    options: {
      labels: { type: "string", default: "test/fixtures/vtest/detections.json" },
      video: { type: "string" },
      workers: { type: "string", default: "2" },
      roi: { type: "string" },
      backend: { type: "string", default: "auto" },
      json: { type: "boolean", default: false },
    },
  });
  const labels = await readLabels(path.resolve(values.labels!));
  const video = values.video ?? labels.video;
  const frames = await extractFrames(
    video,
    labels.frames.map((f) => f.frame),
    { width: labels.width, height: labels.height },
  );
  const roi = parseBox(values.roi) ?? labels.roi;
  const pool = await createDetectorPool({ workers: Number(values.workers), minScore: 0.1, backend: values.backend as BackendChoice, ...(roi ? { roi } : {}) });
  try {
    // One untimed pass so every worker has compiled its kernels, then the measured pass.
    await Promise.all([...frames.values()].slice(0, pool.size * 2).map((f) => pool.detect(f)));
    const { predictions: _p, ...report } = await evaluate(pool, labels, frames);
    if (values.json) {
      console.log(JSON.stringify({ ...report, workers: pool.size, video, roi: roi ?? null }, null, 2));
      return;
    }
    console.log(
      `${report.frames} frames, ${report.truths} labelled persons, backend ${report.backend} x ${pool.size} workers, roi ${roi ? roi.join(",") : "full frame"}`,
    );
    console.log(`detector throughput: ${report.fps.toFixed(1)} frames/s`);
    console.log("threshold  precision  recall   f1     tp   fp   fn   (IoU >= 0.5)");
    for (const r of report.byThreshold) {
      console.log(
        `${r.threshold.toFixed(2).padStart(9)}  ${r.precision.toFixed(3).padStart(9)}  ${r.recall.toFixed(3).padStart(6)}  ${r.f1.toFixed(3)}  ${String(r.tp).padStart(4)} ${String(r.fp).padStart(4)} ${String(r.fn).padStart(4)}`,
      );
    }
  } finally {
    await pool.dispose();
  }
}

const [command, ...rest] = process.argv.slice(2);
if (command === "eval") {
  evalCommand(rest).catch((err: unknown) => {
    console.error(`footfall-models eval: ${(err as Error).message ?? err}`);
    process.exitCode = 1;
  });
} else if (command === undefined || command === "--help" || command === "-h") {
  console.log(USAGE);
} else {
  console.error(`footfall-models: unknown command "${command}"\n${USAGE}`);
  process.exitCode = 2;
}
