/**
 * Person detection with MobileNetV3-CenterNet (COCO, 512x512 input; `tower_0/detections` is
 * `[1, 100, 6]`: x1, y1, x2, y2 in input pixels, score, class with 0 = person). The frame (or its
 * region of interest) is resized to 512x512 without keeping the aspect ratio, as the model was
 * trained; boxes are mapped back to frame pixels, then person boxes go through NMS.
 */
import * as tf from "@tensorflow/tfjs-core";
import { loadGraphModel, type GraphModel } from "@tensorflow/tfjs-converter";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { initBackend } from "./backend.js";
import { nms } from "./boxes.js";
import { fileHandler } from "./loader.js";
import type { Box, DetectorOptions, Person, PersonDetector, RgbFrame } from "./types.js";

export const CENTERNET_INPUT = 512;
const PERSON = 0;
const OUTPUT = "tower_0/detections";

/** The shipped model directory (`models/assets/centernet`). */
export function defaultModelDir(): string {
  return fileURLToPath(new URL("../assets/centernet/", import.meta.url));
}

/**
 * Why the model did not load, and what to do: the shipped files missing or damaged (an install cut
 * short, files deleted) mean reinstalling the package; a `modelDir` given by the caller, checking it.
 */
export function modelLoadError(file: string, err: unknown, shipped: boolean): string {
  const e = err as NodeJS.ErrnoException;
  const what =
    e.code === "ENOENT" ? `a file of it is missing (${e.path ?? file})` : e.code ? `it cannot be read (${e.message})` : `it is damaged (${e.message})`;
  const fix = shipped
    ? "its files (centernet.json and centernet.bin) ship in @footfall/models' assets/centernet/: install the package again (`npm install @footfall/models`, or `npm install` in the agent's folder)"
    : "check the model directory given";
  return `cannot load the person detection model ${file}: ${what}; ${fix}`;
}

/**
 * Turn raw `[100 x 6]` detections into persons in frame pixels. Pure, so it is tested without a model.
 * `roi` is the crop that was resized to `input x input`.
 */
export function decodeDetections(raw: ArrayLike<number>, roi: Box, input: number, opts: { minScore: number; nmsIou: number }): Person[] {
  const sx = (roi[2] - roi[0]) / input;
  const sy = (roi[3] - roi[1]) / input;
  const found: Person[] = [];
  for (let k = 0; k + 5 < raw.length; k += 6) {
    const score = raw[k + 4]!;
    if (Math.round(raw[k + 5]!) !== PERSON || !(score >= opts.minScore)) continue;
    const x1 = clamp(roi[0] + raw[k]! * sx, roi[0], roi[2]);
    const y1 = clamp(roi[1] + raw[k + 1]! * sy, roi[1], roi[3]);
    const x2 = clamp(roi[0] + raw[k + 2]! * sx, roi[0], roi[2]);
    const y2 = clamp(roi[1] + raw[k + 3]! * sy, roi[1], roi[3]);
    if (x2 - x1 < 2 || y2 - y1 < 2) continue;
    found.push({ box: [x1, y1, x2, y2], score, foot: [(x1 + x2) / 2, y2] });
  }
  return nms(found, opts.nmsIou, 0.85);
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

export class CenterNetDetector implements PersonDetector {
  private constructor(
    private readonly model: GraphModel,
    readonly backend: string,
    private readonly opts: Required<Pick<DetectorOptions, "minScore" | "nmsIou">> & Pick<DetectorOptions, "roi">,
  ) {}

  static async load(options: DetectorOptions = {}): Promise<CenterNetDetector> {
    const backend = await initBackend(options.backend ?? "auto");
    const dir = options.modelDir ?? defaultModelDir();
    const file = path.join(dir, "centernet.json");
    const model = await loadGraphModel(fileHandler(file)).catch((err: unknown) => {
      throw new Error(modelLoadError(file, err, options.modelDir === undefined), { cause: err });
    });
    const detector = new CenterNetDetector(model, backend, { minScore: options.minScore ?? 0.2, nmsIou: options.nmsIou ?? 0.5, roi: options.roi });
    // The first run compiles kernels; do it now so the first real frame is not slow.
    const warm = tf.tidy(() => model.execute(tf.zeros([1, CENTERNET_INPUT, CENTERNET_INPUT, 3]), OUTPUT) as tf.Tensor);
    await warm.data();
    warm.dispose();
    return detector;
  }

  async detect(frame: RgbFrame): Promise<Person[]> {
    const { width, height, data } = frame;
    if (data.length !== width * height * 3) throw new Error(`frame of ${width}x${height} needs ${width * height * 3} RGB bytes, got ${data.length}`);
    const roi = clipRoi(this.opts.roi, width, height);
    const out = tf.tidy(() => {
      let img: tf.Tensor3D = tf.tensor3d(data, [height, width, 3], "int32");
      if (roi[0] !== 0 || roi[1] !== 0 || roi[2] !== width || roi[3] !== height) {
        img = tf.slice(img, [roi[1], roi[0], 0], [roi[3] - roi[1], roi[2] - roi[0], 3]);
      }
      const input = tf.image.resizeBilinear(tf.expandDims(tf.cast(img, "float32"), 0) as tf.Tensor4D, [CENTERNET_INPUT, CENTERNET_INPUT]);
      return this.model.execute(input, OUTPUT) as tf.Tensor;
    });
    try {
      const raw = await out.data();
      return decodeDetections(raw, roi, CENTERNET_INPUT, this.opts);
    } finally {
      out.dispose();
    }
  }

  async dispose(): Promise<void> {
    this.model.dispose();
  }
}

/** The ROI rounded to whole pixels and clipped to the frame; the whole frame when absent. */
export function clipRoi(roi: Box | undefined, width: number, height: number): Box {
  if (!roi) return [0, 0, width, height];
  const x1 = clamp(Math.floor(roi[0]), 0, width - 1);
  const y1 = clamp(Math.floor(roi[1]), 0, height - 1);
  const x2 = clamp(Math.ceil(roi[2]), x1 + 1, width);
  const y2 = clamp(Math.ceil(roi[3]), y1 + 1, height);
  return [x1, y1, x2, y2];
}

/** Load the default person detector in this thread. */
export function createDetector(options: DetectorOptions = {}): Promise<PersonDetector> {
  return CenterNetDetector.load(options);
}
