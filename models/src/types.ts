import type { ImagePoint } from "@footfall/core";

/** An axis-aligned box in image pixels: `[x1, y1, x2, y2]`, x1 <= x2, y1 <= y2. */
export type Box = readonly [x1: number, y1: number, x2: number, y2: number];

/** One decoded video frame: packed RGB24, row-major, `width * height * 3` bytes. */
export interface RgbFrame {
  width: number;
  height: number;
  data: Uint8Array;
}

/** A detected person, in the pixel coordinates of the frame given to `detect`. */
export interface Person {
  box: Box;
  /** Detector confidence, 0..1. */
  score: number;
  /** Where the person stands: ankles when the model gives them, else the bottom centre of the box. */
  foot: ImagePoint;
}

export interface DetectorOptions {
  /** Detections below this score are dropped (keep it low, e.g. 0.1, for a ByteTrack-style tracker). Default 0.2. */
  minScore?: number;
  /** IoU above which the weaker of two person boxes is suppressed. Default 0.5. */
  nmsIou?: number;
  /**
   * Region of interest `[x1, y1, x2, y2]` in frame pixels: only this crop is given to the model,
   * so people in it appear bigger at the model's fixed input size. Default: the whole frame.
   */
  roi?: Box;
  /** Backend: `auto` picks `tensorflow` (tfjs-node) when it is installed, else `wasm`. */
  backend?: BackendChoice;
  /** Directory holding `model.json`-style files; default the shipped `assets/centernet`. */
  modelDir?: string;
}

export type BackendChoice = "auto" | "wasm" | "tensorflow" | "cpu";

export interface PersonDetector {
  /** Name of the TensorFlow.js backend in use (`wasm`, `tensorflow`, ...). */
  readonly backend: string;
  detect(frame: RgbFrame): Promise<Person[]>;
  dispose(): Promise<void>;
}
