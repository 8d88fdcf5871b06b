/**
 * A small quantile MLP: one hidden ReLU layer plus a linear skip from the inputs, three outputs
 * fitted to the 0.1, 0.5 and 0.9 quantiles by the pinball loss. Trained with TensorFlow.js
 * (WASM here; tfjs-node where installed) with Adam on mini-batches. tfjs-core ships no gradient
 * registrations usable from Node's ESM loader, so the backward pass is written out (it is three
 * matrix products) and checked against finite differences in the tests. Prediction is plain
 * JavaScript on the exported weights: a forecast request never waits for a TF.js backend.
 */
import * as tf from "@tensorflow/tfjs-core";
import { mulberry32 } from "@footfall/core";
import { initBackend } from "../backend.js";
import type { BackendChoice } from "../types.js";

export const QUANTILES = [0.1, 0.5, 0.9] as const;
const Q = QUANTILES.length;

/** Everything needed to predict: plain arrays, JSON-safe, small (a few thousand numbers). */
export interface MlpWeights {
  inputs: number;
  hidden: number;
  /** Per-input standardisation. */
  mean: number[];
  std: number[];
  /** inputs x hidden, row-major. */
  w1: number[];
  b1: number[];
  /** hidden x 3, row-major. */
  w2: number[];
  /** inputs x 3, row-major (the linear skip). */
  wl: number[];
  b2: number[];
}

export interface MlpOptions {
  hidden?: number;
  /** Most passes over the data (early stopping usually ends sooner). */
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** L2 penalty on the weights. */
  l2?: number;
  seed?: number;
  /** Epochs without a better validation loss before stopping. */
  patience?: number;
  backend?: BackendChoice;
  /** Called after each epoch with its validation loss (for reports). */
  onEpoch?: (epoch: number, loss: number) => void;
}

export interface MlpFit {
  weights: MlpWeights;
  /** Epochs run, and the one whose weights were kept. */
  epochs: number;
  bestEpoch: number;
  /** Mean pinball loss over the three quantiles, on the validation rows (or training rows without any). */
  loss: number;
  backend: string;
  ms: number;
}

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** Mean and standard deviation of each column (std 1 for a constant column). */
function standardisation(X: readonly (readonly number[])[], inputs: number): { mean: number[]; std: number[] } {
  const mean = new Array<number>(inputs).fill(0);
  const sq = new Array<number>(inputs).fill(0);
  for (const x of X) for (let f = 0; f < inputs; f++) mean[f]! += x[f]!;
  for (let f = 0; f < inputs; f++) mean[f]! /= Math.max(1, X.length);
  for (const x of X) for (let f = 0; f < inputs; f++) sq[f]! += (x[f]! - mean[f]!) ** 2;
  const std = sq.map((s) => Math.sqrt(s / Math.max(1, X.length)) || 1);
  return { mean, std: std.map((s) => (s < 1e-9 ? 1 : s)) };
}

function matrix(X: readonly (readonly number[])[], rows: readonly number[], mean: number[], std: number[]): Float32Array {
  const F = mean.length;
  const out = new Float32Array(rows.length * F);
  rows.forEach((r, k) => {
    const x = X[r]!;
    for (let f = 0; f < F; f++) out[k * F + f] = (x[f]! - mean[f]!) / std[f]!;
  });
  return out;
}

/** The three quantiles for input `x`, in ascending order (sorted, so they never cross). */
export function predictMlp(w: MlpWeights, x: readonly number[]): [number, number, number] {
  const { inputs: F, hidden: H } = w;
  const z = new Float64Array(F);
  for (let f = 0; f < F; f++) z[f] = (x[f]! - w.mean[f]!) / w.std[f]!;
  const out = [w.b2[0]!, w.b2[1]!, w.b2[2]!];
  for (let h = 0; h < H; h++) {
    let a = w.b1[h]!;
    for (let f = 0; f < F; f++) a += z[f]! * w.w1[f * H + h]!;
    if (a > 0) for (let q = 0; q < Q; q++) out[q]! += a * w.w2[h * Q + q]!;
  }
  for (let f = 0; f < F; f++) for (let q = 0; q < Q; q++) out[q]! += z[f]! * w.wl[f * Q + q]!;
  return out.sort((a, b) => a - b) as [number, number, number];
}

/** Mean pinball loss of `w` on rows, weighted by `sampleWeights` when given (for early stopping, tests and reports). */
export function pinballOf(w: MlpWeights, X: readonly (readonly number[])[], y: readonly number[], sampleWeights?: readonly number[]): number {
  let sum = 0;
  let total = 0;
  X.forEach((x, n) => {
    const q = predictMlp(w, x);
    const sw = sampleWeights?.[n] ?? 1;
    total += sw;
    QUANTILES.forEach((tau, k) => {
      const d = y[n]! - q[k]!;
      sum += sw * (d >= 0 ? tau * d : (tau - 1) * d);
    });
  });
  return sum / Math.max(1e-12, total * Q);
}

interface Vars {
  w1: tf.Variable;
  b1: tf.Variable;
  w2: tf.Variable;
  wl: tf.Variable;
  b2: tf.Variable;
}

/**
 * Loss and its gradients for one batch: the pinball loss averaged over quantiles and over rows
 * weighted by `sw` (n x 1), plus `l2` times the sum of squared weights (biases not penalised).
 */
export function lossAndGradients(v: Vars, x: tf.Tensor2D, y: tf.Tensor2D, sw: tf.Tensor2D, l2: number): { loss: tf.Scalar; grads: Record<string, tf.Tensor> } {
  return tf.tidy(() => {
    const total = tf.sum(sw);
    const taus = tf.tensor1d([...QUANTILES]);
    const z = tf.add(tf.matMul(x, v.w1), v.b1);
    const h = tf.relu(z);
    const o = tf.add(tf.add(tf.matMul(h, v.w2), tf.matMul(x, v.wl)), v.b2);
    const d = tf.sub(y, o); // broadcast over the 3 outputs
    const below = tf.cast(tf.less(d, 0), "float32"); // 1 where the actual is below the quantile
    const penalty = tf.mul(l2, tf.add(tf.add(tf.sum(tf.square(v.w1)), tf.sum(tf.square(v.w2))), tf.sum(tf.square(v.wl))));
    const loss = tf.add(tf.div(tf.sum(tf.mul(sw, tf.mul(d, tf.sub(taus, below)))), tf.mul(total, Q)), penalty) as tf.Scalar;
    const go = tf.div(tf.mul(sw, tf.sub(below, taus)), tf.mul(total, Q)); // dLoss/dOutput
    const gh = tf.mul(tf.matMul(go, v.w2, false, true), tf.step(z));
    const grads = {
      w1: tf.add(tf.matMul(x, gh, true, false), tf.mul(2 * l2, v.w1)),
      b1: tf.sum(gh, 0),
      w2: tf.add(tf.matMul(h, go, true, false), tf.mul(2 * l2, v.w2)),
      wl: tf.add(tf.matMul(x, go, true, false), tf.mul(2 * l2, v.wl)),
      b2: tf.sum(go, 0),
    };
    return { loss, grads };
  });
}

/** Fresh variables for `inputs`, seeded (He initialisation for the hidden layer, zeros for the skip). */
export function initVars(inputs: number, hidden: number, seed: number, names: string): Vars {
  const rand = mulberry32(seed);
  const he = Math.sqrt(2 / inputs);
  const w1 = Float32Array.from({ length: inputs * hidden }, () => gaussian(rand) * he);
  const w2 = Float32Array.from({ length: hidden * Q }, () => gaussian(rand) * Math.sqrt(1 / hidden) * 0.1);
  return {
    w1: tf.variable(tf.tensor2d(w1, [inputs, hidden]), true, `${names}w1`),
    b1: tf.variable(tf.zeros([hidden]), true, `${names}b1`),
    w2: tf.variable(tf.tensor2d(w2, [hidden, Q]), true, `${names}w2`),
    wl: tf.variable(tf.zeros([inputs, Q]), true, `${names}wl`),
    b2: tf.variable(tf.zeros([Q]), true, `${names}b2`),
  };
}

let fits = 0;

/**
 * Fit the quantile MLP to rows `X` (each `inputs` long) and targets `y`, each row weighing
 * `sampleWeights[i]` (default 1). Rows listed in `validation` are held out: the weights of the
 * epoch with the lowest validation loss are kept (early stopping). Deterministic for a seed and
 * backend.
 */
export async function fitQuantileMlp(
  X: readonly (readonly number[])[],
  y: readonly number[],
  validation: readonly number[] = [],
  opts: MlpOptions = {},
  sampleWeights?: readonly number[],
): Promise<MlpFit> {
  const started = performance.now();
  const backend = await initBackend(opts.backend ?? "auto");
  if (X.length === 0) throw new RangeError("fitQuantileMlp: no training rows");
  const inputs = X[0]!.length;
  const hidden = opts.hidden ?? 16;
  const epochs = opts.epochs ?? 60;
  const batchSize = opts.batchSize ?? 512;
  const l2 = opts.l2 ?? 1e-4;
  const patience = opts.patience ?? 8;
  const seed = opts.seed ?? 1;
  const held = new Set(validation);
  const trainRows = X.map((_, i) => i).filter((i) => !held.has(i));
  const valRows = [...held].filter((i) => i >= 0 && i < X.length);
  if (!trainRows.length) throw new RangeError("fitQuantileMlp: every row is held out");
  const { mean, std } = standardisation(trainRows.map((i) => X[i]!), inputs);
  const Xt = matrix(X, trainRows, mean, std);
  const yt = Float32Array.from(trainRows, (i) => y[i]!);
  const wt = Float32Array.from(trainRows, (i) => sampleWeights?.[i] ?? 1);
  const rand = mulberry32(seed ^ 0x9e3779b9);
  const vars = initVars(inputs, hidden, seed, `mlp${fits++}_`);
  const optimizer = tf.train.adam(opts.learningRate ?? 0.005);
  const xAll = tf.tensor2d(Xt, [trainRows.length, inputs]);
  const yAll = tf.tensor2d(yt, [trainRows.length, 1]);
  const wAll = tf.tensor2d(wt, [trainRows.length, 1]);
  const valX = valRows.map((i) => X[i]!);
  const valY = valRows.map((i) => y[i]!);
  const valW = valRows.map((i) => sampleWeights?.[i] ?? 1);
  const snapshot = (): MlpWeights => ({
    inputs,
    hidden,
    mean,
    std,
    w1: Array.from(vars.w1.dataSync()),
    b1: Array.from(vars.b1.dataSync()),
    w2: Array.from(vars.w2.dataSync()),
    wl: Array.from(vars.wl.dataSync()),
    b2: Array.from(vars.b2.dataSync()),
  });
  let best = snapshot();
  let bestLoss = Number.POSITIVE_INFINITY;
  let bestEpoch = 0;
  let ran = 0;
  const order = trainRows.map((_, k) => k);
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      ran = epoch;
      for (let k = order.length - 1; k > 0; k--) {
        const j = Math.floor(rand() * (k + 1));
        [order[k], order[j]] = [order[j]!, order[k]!];
      }
      const idx = tf.tensor1d(Int32Array.from(order), "int32");
      for (let s = 0; s < order.length; s += batchSize) {
        const { loss, grads } = tf.tidy(() => {
          const b = tf.slice(idx, [s], [Math.min(batchSize, order.length - s)]);
          const xb = tf.gather(xAll, b) as tf.Tensor2D;
          const yb = tf.gather(yAll, b) as tf.Tensor2D;
          const wb = tf.gather(wAll, b) as tf.Tensor2D;
          return lossAndGradients(vars, xb, yb, wb, l2);
        });
        optimizer.applyGradients((Object.keys(vars) as (keyof Vars)[]).map((k) => ({ name: vars[k].name, tensor: grads[k]! })));
        tf.dispose([loss, ...Object.values(grads)]);
      }
      idx.dispose();
      const w = snapshot();
      const l = valRows.length ? pinballOf(w, valX, valY, valW) : pinballOf(w, trainRows.map((i) => X[i]!), Array.from(yt), Array.from(wt));
      opts.onEpoch?.(epoch, l);
      if (l < bestLoss - 1e-6) {
        bestLoss = l;
        best = w;
        bestEpoch = epoch;
      } else if (epoch - bestEpoch >= patience) break;
      // let the event loop breathe between epochs (timers, a worker's messages)
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    tf.dispose([xAll, yAll, wAll, vars.w1, vars.b1, vars.w2, vars.wl, vars.b2]);
    optimizer.dispose();
  }
  return { weights: best, epochs: ran, bestEpoch, loss: bestLoss, backend, ms: performance.now() - started };
}
