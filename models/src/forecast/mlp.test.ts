import * as tf from "@tensorflow/tfjs-core";
import { mulberry32 } from "@footfall/core";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../backend.js";
import { fitQuantileMlp, initVars, lossAndGradients, pinballOf, predictMlp } from "./mlp.js";

beforeAll(async () => {
  await initBackend("auto");
});

describe("lossAndGradients", () => {
  it("gives the gradient of the weighted pinball loss (central finite differences)", () => {
    const F = 3;
    const Hd = 4;
    const rand = mulberry32(7);
    const x = tf.tensor2d(Array.from({ length: 6 * F }, () => rand() * 2 - 1), [6, F]);
    const y = tf.tensor2d(Array.from({ length: 6 }, () => rand() * 2 - 1), [6, 1]);
    const sw = tf.tensor2d([1, 2, 0.5, 1, 1.5, 1], [6, 1]);
    const v = initVars(F, Hd, 3, "gradcheck_");
    v.wl.assign(tf.tensor2d(Array.from({ length: F * 3 }, () => rand() - 0.5), [F, 3]));
    const l2 = 0.01;
    const { grads } = lossAndGradients(v, x, y, sw, l2);
    const lossAt = (): number => {
      const { loss, grads: g } = lossAndGradients(v, x, y, sw, l2);
      const value = loss.dataSync()[0]!;
      tf.dispose([loss, ...Object.values(g)]);
      return value;
    };
    const eps = 1e-3;
    for (const name of ["w1", "b1", "w2", "wl", "b2"] as const) {
      const variable = v[name];
      const base = Array.from(variable.dataSync());
      const analytic = Array.from(grads[name]!.dataSync());
      for (let k = 0; k < base.length; k++) {
        const at = (d: number) => {
          const p = base.slice();
          p[k]! += d;
          variable.assign(tf.tensor(p, variable.shape));
          return lossAt();
        };
        const numeric = (at(eps) - at(-eps)) / (2 * eps);
        variable.assign(tf.tensor(base, variable.shape));
        expect(analytic[k]!).toBeCloseTo(numeric, 2);
      }
    }
  });
});

describe("fitQuantileMlp", () => {
  it("learns the 0.1, 0.5 and 0.9 quantiles of y = 2x + uniform noise", async () => {
    const rand = mulberry32(11);
    const X = Array.from({ length: 3000 }, () => [rand() * 2 - 1, rand()]);
    const y = X.map(([a]) => 2 * a! + (rand() * 2 - 1));
    const validation = Array.from({ length: 500 }, (_, i) => 2500 + i);
    const fit = await fitQuantileMlp(X, y, validation, { epochs: 80, patience: 15, seed: 3, learningRate: 0.01 });
    for (const a of [-0.5, 0, 0.5]) {
      const [lo, mid, hi] = predictMlp(fit.weights, [a, 0.5]);
      expect(lo).toBeCloseTo(2 * a - 0.8, 0);
      expect(mid).toBeCloseTo(2 * a, 0);
      expect(hi).toBeCloseTo(2 * a + 0.8, 0);
      expect(Math.abs(hi - lo - 1.6)).toBeLessThan(0.3);
    }
    expect(fit.loss).toBeCloseTo(pinballOf(fit.weights, validation.map((i) => X[i]!), validation.map((i) => y[i]!)), 9);
  });

  it("is deterministic for a seed", async () => {
    const rand = mulberry32(5);
    const X = Array.from({ length: 400 }, () => [rand(), rand()]);
    const y = X.map(([a, b]) => a! - b!);
    const [a, b] = [await fitQuantileMlp(X, y, [], { epochs: 3, seed: 9 }), await fitQuantileMlp(X, y, [], { epochs: 3, seed: 9 })];
    expect(a.weights).toEqual(b.weights);
  });

  it("refuses to fit without training rows", async () => {
    await expect(fitQuantileMlp([], [])).rejects.toThrow(/no training rows/);
  });
});
