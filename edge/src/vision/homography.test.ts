import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { applyHomography, computeHomography, invertHomography, reprojectionError, type Homography, type PointPair } from "./homography.js";

// A fixed seed keeps the suite deterministic; change it (or drop it locally) to explore new cases.
fc.configureGlobal({ seed: 20260601 });

const H0: Homography = [0.02, 0.004, -3, -0.001, 0.05, -4, 0.0, 0.0012, 1];

describe("computeHomography", () => {
  it("recovers a known homography from four exact pairs", () => {
    const image: [number, number][] = [
      [100, 300],
      [650, 310],
      [700, 560],
      [60, 550],
    ];
    const pairs = image.map((p) => ({ image: p, floor: applyHomography(H0, p) }));
    const H = computeHomography(pairs);
    H.forEach((v, i) => expect(v).toBeCloseTo(H0[i]!, 6));
    expect(reprojectionError(H, pairs).max).toBeLessThan(1e-6);
  });

  it("fits a pure scale and offset (a top-down camera)", () => {
    const pairs: PointPair[] = [
      [0, 0],
      [100, 0],
      [100, 50],
      [0, 50],
      [50, 25],
    ].map(([u, v]) => ({ image: [u!, v!], floor: [u! / 20 + 1, v! / 20 + 2] }));
    const H = computeHomography(pairs);
    expect(applyHomography(H, [200, 100])).toEqual([expect.closeTo(11, 9), expect.closeTo(7, 9)]);
  });

  it("reports the least-squares error in metres when pairs disagree", () => {
    const pairs: PointPair[] = [
      { image: [0, 0], floor: [0, 0] },
      { image: [100, 0], floor: [10, 0] },
      { image: [100, 100], floor: [10, 10] },
      { image: [0, 100], floor: [0, 10] },
      { image: [50, 50], floor: [5.3, 5] },
    ];
    const err = reprojectionError(computeHomography(pairs), pairs);
    expect(err.rms).toBeGreaterThan(0.01);
    expect(err.max).toBeLessThan(0.3);
  });

  it("refuses fewer than four pairs and collinear points", () => {
    expect(() => computeHomography([{ image: [0, 0], floor: [0, 0] }])).toThrow(/at least 4/);
    const line: PointPair[] = [0, 1, 2, 3].map((k) => ({ image: [k * 10, k * 10], floor: [k, k] }));
    expect(() => computeHomography(line)).toThrow(/degenerate|singular/);
  });

  const point = fc.tuple(fc.double({ min: 0, max: 768, noNaN: true }), fc.double({ min: 0, max: 576, noNaN: true }));
  /** A random, well-conditioned camera: perspective tilt, rotation, scale, offset. */
  const camera = fc.record({
    scale: fc.double({ min: 0.005, max: 0.05, noNaN: true }),
    angle: fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }),
    tilt: fc.double({ min: 0, max: 0.0012, noNaN: true }),
    tx: fc.double({ min: -20, max: 20, noNaN: true }),
    ty: fc.double({ min: -20, max: 20, noNaN: true }),
  });
  const toH = (c: { scale: number; angle: number; tilt: number; tx: number; ty: number }): Homography => {
    const [cs, sn] = [Math.cos(c.angle) * c.scale, Math.sin(c.angle) * c.scale];
    return [cs, -sn, c.tx, sn, cs, c.ty, 0, c.tilt, 1];
  };

  it("property: a homography is recovered from noise-free pairs (corners of the image plus one)", () => {
    fc.assert(
      fc.property(camera, point, point, (c, p, q) => {
        const H = toH(c);
        const image: [number, number][] = [
          [0, 0],
          [768, 0],
          [768, 576],
          [0, 576],
          [p[0], p[1]],
        ];
        const pairs = image.map((i) => ({ image: i, floor: applyHomography(H, i) }));
        const fit = computeHomography(pairs);
        const a = applyHomography(fit, q),
          b = applyHomography(H, q);
        expect(Math.hypot(a[0] - b[0], a[1] - b[1])).toBeLessThan(1e-6 * (1 + Math.hypot(b[0], b[1])));
        expect(reprojectionError(fit, pairs).max).toBeLessThan(1e-6);
      }),
    );
  });

  it("property: image -> floor -> image is the identity", () => {
    fc.assert(
      fc.property(camera, point, (c, p) => {
        const H = toH(c);
        const back = applyHomography(invertHomography(H), applyHomography(H, p));
        expect(back[0]).toBeCloseTo(p[0], 6);
        expect(back[1]).toBeCloseTo(p[1], 6);
      }),
    );
  });
});
