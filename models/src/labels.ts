/** The labelled-frames fixture format (see test/fixtures/vtest/README.md). */
import { readFile } from "node:fs/promises";
import type { Box } from "./types.js";

export interface LabelledPerson {
  box: Box;
  /** Identity across frames, for tracking metrics (same string = same person). */
  id?: string;
  ignore?: boolean;
}
export interface LabelledFrame {
  frame: number;
  persons: LabelledPerson[];
}
export interface LabelSet {
  video: string;
  width: number;
  height: number;
  fps?: number;
  /** Region of interest the labels cover; people outside it are not labelled. */
  roi?: Box;
  frames: LabelledFrame[];
}

export async function readLabels(file: string): Promise<LabelSet> {
  const json = JSON.parse(await readFile(file, "utf8")) as LabelSet;
  if (typeof json.video !== "string" || !Number.isInteger(json.width) || !Number.isInteger(json.height) || !Array.isArray(json.frames)) {
    throw new Error(`${file}: expected {video, width, height, frames: [{frame, persons: [{box}]}]}`);
  }
  json.frames.forEach((f, i) => {
    if (!Number.isInteger(f.frame) || !Array.isArray(f.persons)) throw new Error(`${file}: /frames/${i} needs an integer frame and a persons array`);
    f.persons.forEach((p, j) => {
      const b = p.box;
      if (!Array.isArray(b) || b.length !== 4 || !(b[0] < b[2] && b[1] < b[3]))
        throw new Error(`${file}: /frames/${i}/persons/${j}/box must be [x1, y1, x2, y2] with x1 < x2, y1 < y2`);
    });
  });
  return json;
}
