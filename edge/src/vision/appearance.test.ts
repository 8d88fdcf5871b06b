import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { appearanceDistance, appearanceOf, blendAppearance, type RgbImage } from "./appearance.js";

// A fixed seed keeps the suite deterministic; change it (or drop it locally) to explore new cases.
fc.configureGlobal({ seed: 20260601 });

type Rgb = readonly [number, number, number];
type Box = [number, number, number, number];

/** A grey floor with people drawn as boxes: top half `shirt`, bottom half `trousers`. */
function scene(width: number, height: number, people: { box: Box; shirt: Rgb; trousers: Rgb }[]): RgbImage {
  const data = new Uint8Array(width * height * 3).fill(128);
  for (const p of people) {
    const mid = (p.box[1] + p.box[3]) / 2;
    for (let y = Math.max(0, p.box[1]); y < Math.min(height, p.box[3]); y++)
      for (let x = Math.max(0, p.box[0]); x < Math.min(width, p.box[2]); x++) data.set(y < mid ? p.shirt : p.trousers, (y * width + x) * 3);
  }
  return { width, height, data };
}
const RED: Rgb = [200, 30, 40];
const BLACK: Rgb = [20, 20, 25];
const JEANS: Rgb = [40, 60, 140];

describe("appearanceOf", () => {
  it("tells a red jacket from a black coat, and sees the same person again a few pixels on", () => {
    const img = scene(200, 200, [
      { box: [20, 20, 50, 100], shirt: RED, trousers: JEANS },
      { box: [120, 20, 150, 100], shirt: BLACK, trousers: BLACK },
    ]);
    const red = appearanceOf(img, [20, 20, 50, 100])!;
    const black = appearanceOf(img, [120, 20, 150, 100])!;
    const redAgain = appearanceOf(img, [22, 23, 51, 101])!;
    expect(appearanceDistance(red, black)).toBeGreaterThan(0.9);
    expect(appearanceDistance(red, redAgain)).toBeLessThan(0.1);
  });

  it("says nothing for a box too small to judge", () => {
    const img = scene(50, 50, []);
    expect(appearanceOf(img, [10, 10, 12, 40])).toBeNull();
    expect(appearanceOf(img, [10, 10, 30, 14])).toBeNull();
  });

  const image = fc
    .record({ width: fc.integer({ min: 8, max: 40 }), height: fc.integer({ min: 8, max: 40 }), seed: fc.integer() })
    .map(({ width, height, seed }) => {
      const data = new Uint8Array(width * height * 3);
      let s = seed >>> 0;
      for (let i = 0; i < data.length; i++) data[i] = (s = (s * 1664525 + 1013904223) >>> 0) >>> 24;
      return { width, height, data } satisfies RgbImage;
    });
  const box = fc.tuple(fc.integer({ min: -20, max: 60 }), fc.integer({ min: -20, max: 60 }), fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 80 }));

  it("property: each body part is a histogram summing to 1, for any box, even one off the frame", () => {
    fc.assert(
      fc.property(image, box, (img, [x, y, w, h]) => {
        const a = appearanceOf(img, [x, y, x + w, y + h]);
        if (w < 4 || h < 8) {
          expect(a).toBeNull();
          return;
        }
        const parts = [a!.subarray(0, 64), a!.subarray(64)];
        for (const p of parts) {
          expect(p.every((v) => v >= 0)).toBe(true);
          expect(p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
        }
      }),
    );
  });

  it("property: distance is 0 to itself, symmetric, within [0, 1]; a blend stays a histogram between its ends", () => {
    fc.assert(
      fc.property(image, box, box, fc.double({ min: 0, max: 1, noNaN: true }), (img, b1, b2, rate) => {
        const a = appearanceOf(img, [b1[0], b1[1], b1[0] + b1[2] + 4, b1[1] + b1[3] + 8])!;
        const b = appearanceOf(img, [b2[0], b2[1], b2[0] + b2[2] + 4, b2[1] + b2[3] + 8])!;
        expect(appearanceDistance(a, a)).toBeCloseTo(0, 5);
        expect(appearanceDistance(a, b)).toBeCloseTo(appearanceDistance(b, a), 9);
        expect(appearanceDistance(a, b)).toBeGreaterThanOrEqual(0);
        expect(appearanceDistance(a, b)).toBeLessThanOrEqual(1);
        const mix = blendAppearance(a, b, rate);
        expect(mix.reduce((s, v) => s + v, 0)).toBeCloseTo(2, 4);
        // Moving towards b never takes the signature further from b than a was.
        expect(appearanceDistance(mix, b)).toBeLessThanOrEqual(appearanceDistance(a, b) + 1e-6);
        expect(blendAppearance(null, b, rate)).toBe(b);
      }),
    );
  });
});
