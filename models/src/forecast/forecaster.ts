/**
 * Traffic forecasts for a store or a zone: visitors per local hour for the next 24 hours and per
 * local day for the next 14, each with an 80 % interval. A quantile MLP on calendar and lag
 * features (`@footfall/core` forecast features) where the history allows, its interval widened
 * by split-conformal calibration on the last weeks it did not train on (CQR, Romano et al. 2019);
 * otherwise an honest seasonal baseline, and every point says which method gave it.
 */
import {
  blendCount,
  blendMethod,
  chooseBlend,
  countOf,
  dailyFeatures,
  dailyNaive,
  dailyTotals,
  featureContext,
  hourlyFeatures,
  MAX_DAILY_HORIZON,
  MAX_HOURLY_HORIZON,
  quantile,
  residualBands,
  seasonalMean,
  seasonalNaive,
  targetOf,
  type Band,
  type BlendRow,
  type BlendWeights,
  type EpochMs,
  type FeatureContext,
  type FeatureRow,
  type Series,
  type SpecialDays,
} from "@footfall/core";
import { fitQuantileMlp, predictMlp, type MlpOptions, type MlpWeights } from "./mlp.js";

/** Who answered a forecast point. */
export type ForecastMethod = "mlp" | "seasonal-naive" | "seasonal-mean" | "recent-days" | "none";

/** A trained model of one grain (hourly or daily) with its conformal widening. */
export interface GrainModel {
  /** The ensemble: members differ by seed; their quantiles are averaged. */
  members: MlpWeights[];
  /** Added on the log scale below the 0.1 and above the 0.9 quantile (may be negative). */
  widen: number;
  /**
   * Weight of the network against its base, the seasonal mean (0 = the base alone, 1 = the
   * network alone): the three quantiles are moved by (shrink - 1) times the median's distance
   * from the base. Chosen on the validation weeks (count-scale absolute error), before the
   * conformal widening is measured. Absent in models from before it: 1.
   */
  shrink?: number;
  /**
   * The point forecast as a blend of the network's median, the seasonal mean and seasonal-naive
   * on the count scale (the interval moves with it on the log scale), chosen on the validation
   * weeks before the conformal widening is measured; replaces `shrink` (then 1). A blend without
   * the network is a fallback to that baseline and is labelled so. Absent in older models: the
   * network alone.
   */
  blend?: BlendWeights;
  /** Validation absolute error (count scale) of the chosen blend and of seasonal-naive alone, per row. */
  validationMae?: { model: number; naive: number };
  rows: number;
  validationRows: number;
  epochs: number;
  bestEpoch: number;
  /** Validation pinball loss (log scale). */
  loss: number;
  ms: number;
}

/** A store's or zone's forecaster: JSON-safe, so a worker thread can train it and hand it over. */
export interface ForecastModel {
  hourly: GrainModel | null;
  daily: GrainModel | null;
  /** Why a grain has no model, e.g. "hourly: 3 weeks of history, the model needs 6". */
  notes: string[];
  backend: string;
  /** Total training time, ms. */
  trainMs: number;
  /** Start of the first bucket not used for training. */
  trainedTo: EpochMs;
}

export interface TrainOptions extends MlpOptions {
  /** Train on buckets [0, end) of the hourly series (default: all). */
  end?: number;
  /** Weeks of history the hourly model trains on (the most recent). Default 52 (a year: Christmas, summer). */
  hourlyWeeks?: number;
  /** Weeks of history the daily model trains on. Default 52. */
  dailyWeeks?: number;
  /** Hours between two training origins (5, coprime with 24, so every hour of day is an origin). */
  originStride?: number;
  /**
   * One week in this many (the second most recent, then every n-th back; fortnights for the daily
   * model) is held out for early stopping and conformal calibration. Default 4.
   */
  validationEvery?: number;
  /** Fewest weeks of history for an hourly model. Default 6. */
  minHourlyWeeks?: number;
  /** Fewest weeks of history for a daily model. Default 10. */
  minDailyWeeks?: number;
  /** Members of the ensemble (seeds `seed`, `seed + 1`, ...). Default 3. */
  ensemble?: number;
  /** Train the daily model too (default true). */
  daily?: boolean;
  /** Interval coverage aimed at. Default 0.8. */
  coverage?: number;
  /**
   * Blend the network with its seasonal-mean base (the log-scale shrink of older models), the
   * weight chosen on the validation weeks. Default false: the count-scale blend below replaces it.
   */
  shrink?: boolean;
  /**
   * The hourly point forecast's blend of network, seasonal mean and seasonal-naive: fixed weights
   * (default `HOURLY_BLEND`), "validation" (chosen from `BLEND_GRID` on the validation weeks) or
   * "off" (the network alone, no fallback). Unless "off", a model whose blend is no better than
   * seasonal-naive on the validation weeks falls back to seasonal-naive (and says so).
   */
  blend?: BlendChoice;
  /** The same for the daily model. Default "validation". */
  dailyBlend?: BlendChoice;
}

export type BlendChoice = "validation" | "off" | BlendWeights;

/**
 * The hourly blend: 0.8 of the network, 0.1 of the seasonal mean and 0.1 of seasonal-naive, chosen
 * on the development split of the benchmark (`bench:forecast --dev`: the weeks before the held-out
 * ones of CalIt2, Leeds, Melbourne and Brooklyn, models trained once, every blend of `BLEND_GRID`
 * scored): the least mean over the four datasets of MASE as a share of seasonal-naive's (0.775,
 * the network alone 0.787). The weights chosen per model on its own validation weeks did worse
 * there (CalIt2's validation weeks are summer, its forecasts term time).
 */
export const HOURLY_BLEND: BlendWeights = { net: 0.8, base: 0.1, naive: 0.1 };
/** Seasonal-naive alone: the fallback of a model no better than it. */
export const NAIVE_ONLY: BlendWeights = { net: 0, base: 0, naive: 1 };

const WEEK_H = 168;

/** A grain's training and validation rows, as `trainingRows` builds them. */
export interface TrainingRows {
  X: number[][];
  y: number[];
  /** Row weights: proportional to the row's base count, so the log-scale loss weighs errors about as the count-scale error (and MASE) does. */
  w: number[];
  /** Each row's base (a count). */
  base: number[];
  /** Each row's seasonal-naive forecast from the same origin (a count, or null). */
  naive: (number | null)[];
  validation: number[];
}

/**
 * Training rows from origins every `stride` buckets in [start, end), up to `maxH` buckets ahead.
 * `featuresAt(o, h)` gives the feature rows of origin o for its next h buckets (`hourlyFeatures` or
 * `dailyFeatures` of `ctx`; the development harness appends columns of its own to them). `held(i)`
 * tells whether bucket i lies in a held-out (validation) stretch: a row whose origin and target are
 * both held out is a validation row, both not held out a training row, and a row astride is
 * dropped, so that no training row shares a target with a validation row.
 */
export function trainingRows(ctx: FeatureContext, featuresAt: (o: number, h: number) => FeatureRow[], start: number, end: number, held: (i: number) => boolean, stride: number, maxH: number): TrainingRows {
  const rows: TrainingRows = { X: [], y: [], w: [], base: [], naive: [], validation: [] };
  for (let o = Math.max(1, start); o < end; o += stride) {
    const heldOrigin = held(o);
    const h = Math.min(maxH, end - o);
    const naive = seasonalNaive(ctx.series, ctx.grid, o, h);
    for (const row of featuresAt(o, h)) {
      if (held(row.index) !== heldOrigin) continue;
      const t = targetOf(ctx, row, end);
      if (t === null) continue;
      if (heldOrigin) rows.validation.push(rows.X.length);
      rows.X.push(row.x);
      rows.y.push(t);
      rows.w.push(1 + row.base);
      rows.base.push(row.base);
      rows.naive.push(naive[row.index - o] ?? null);
    }
  }
  const mean = rows.w.reduce((a, b) => a + b, 0) / Math.max(1, rows.w.length);
  rows.w = rows.w.map((x) => x / mean);
  return rows;
}

/** Every `every`-th period counted back from `end`, starting with the second: held out for validation. */
const interleaved = (end: number, period: number, every: number) => (i: number) => Math.floor((end - 1 - i) / period) % every === 1;

/** The conformal widening: the `coverage` quantile (finite-sample corrected) of max(lo - y, y - hi). */
function conformalWiden(members: readonly MlpWeights[], data: Pick<TrainingRows, "X" | "y" | "base" | "naive">, rows: number[], coverage: number, shrink = 1, blend?: BlendWeights): number {
  const { X, y } = data;
  if (!rows.length) return 0;
  const scores = rows.map((r) => {
    const [lo, , hi] = blended(shrunk(predictEnsemble(members, X[r]!), shrink), data.base[r]!, data.naive[r] ?? null, blend);
    return Math.max(lo - y[r]!, y[r]! - hi);
  });
  scores.sort((a, b) => a - b);
  const level = Math.min(1, Math.ceil((scores.length + 1) * coverage) / scores.length);
  return quantile(scores, level);
}

/** Quantiles (log scale, relative to the base) moved toward the base by the shrink weight. */
export function shrunk(q: readonly [number, number, number], shrink: number): [number, number, number] {
  const shift = (shrink - 1) * q[1];
  return [q[0] + shift, q[1] + shift, q[2] + shift];
}

/**
 * Quantiles (log scale, relative to `base`) moved together so that the median becomes the
 * count-scale blend of the network's median, the base and seasonal-naive (unchanged without a blend).
 */
export function blended(q: readonly [number, number, number], base: number, naive: number | null, blend: BlendWeights | undefined): [number, number, number] {
  if (!blend) return [q[0], q[1], q[2]];
  const mid = countOf(q[1], base);
  const shift = Math.log1p(blendCount(mid, base, naive, blend)) - Math.log1p(mid);
  return [q[0] + shift, q[1] + shift, q[2] + shift];
}

/** Shrink weights tried on the validation rows. */
export const SHRINK_GRID: readonly number[] = [0, 0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

/**
 * The shrink weight of the grid with the least absolute error on the count scale over the
 * validation rows (the error MASE counts); 1 without validation rows. Ties go to the larger weight.
 */
export function chooseShrink(members: readonly MlpWeights[], rows: Pick<TrainingRows, "X" | "y" | "base" | "validation">): number {
  if (!rows.validation.length) return 1;
  const mids = rows.validation.map((r) => predictEnsemble(members, rows.X[r]!)[1]);
  let best = 1;
  let bestErr = Number.POSITIVE_INFINITY;
  for (const a of [...SHRINK_GRID].reverse()) {
    let err = 0;
    rows.validation.forEach((r, k) => {
      const b = rows.base[r]!;
      err += Math.abs(countOf(a * mids[k]!, b) - countOf(rows.y[r]!, b));
    });
    if (err < bestErr - 1e-9) [best, bestErr] = [a, err];
  }
  return best;
}

/** The members' quantiles averaged (each member's sorted, so the average is sorted too). */
export function predictEnsemble(members: readonly MlpWeights[], x: readonly number[]): [number, number, number] {
  const out: [number, number, number] = [0, 0, 0];
  for (const m of members) {
    const q = predictMlp(m, x);
    for (let k = 0; k < 3; k++) out[k] = out[k]! + q[k]! / members.length;
  }
  return out;
}

async function fitGrain(rows: TrainingRows, opts: TrainOptions, coverage: number, choice: BlendChoice): Promise<GrainModel & { backend: string }> {
  const started = performance.now();
  const n = Math.max(1, Math.floor(opts.ensemble ?? 3));
  const fits = [];
  for (let k = 0; k < n; k++) fits.push(await fitQuantileMlp(rows.X, rows.y, rows.validation, { ...opts, seed: (opts.seed ?? 1) + k }, rows.w));
  const members = fits.map((f) => f.weights);
  const shrink = opts.shrink === true ? chooseShrink(members, rows) : 1;
  // the validation targets on the count scale: the network's median, the baselines, the actual
  const vrows: BlendRow[] = rows.validation.map((r) => ({
    net: countOf(shrunk(predictEnsemble(members, rows.X[r]!), shrink)[1], rows.base[r]!),
    base: rows.base[r]!,
    naive: rows.naive[r] ?? null,
    actual: countOf(rows.y[r]!, rows.base[r]!),
  }));
  let blend: BlendWeights | undefined = choice === "off" ? undefined : choice === "validation" ? chooseBlend(vrows) : choice;
  // both on the validation rows where seasonal-naive is known
  const maeOf = (f: (v: BlendRow) => number): number => {
    let sum = 0;
    let n = 0;
    for (const v of vrows) {
      if (v.naive === null) continue;
      sum += Math.abs(f(v) - v.actual);
      n++;
    }
    return n ? sum / n : Number.NaN;
  };
  const naiveMae = maeOf((v) => v.naive!);
  // never a forecast worse than "same as last week" presented as the model's: fall back to it
  if (blend && maeOf((v) => blendCount(v.net, v.base, v.naive, blend!)) >= naiveMae) blend = NAIVE_ONLY;
  return {
    backend: fits[0]!.backend,
    members,
    shrink,
    ...(blend ? { blend } : {}),
    validationMae: { model: maeOf((v) => (blend ? blendCount(v.net, v.base, v.naive, blend) : v.net)), naive: naiveMae },
    widen: conformalWiden(members, rows, rows.validation, coverage, shrink, blend),
    rows: rows.X.length - rows.validation.length,
    validationRows: rows.validation.length,
    epochs: Math.max(...fits.map((f) => f.epochs)),
    bestEpoch: Math.max(...fits.map((f) => f.bestEpoch)),
    loss: fits.reduce((a, f) => a + f.loss, 0) / n,
    ms: performance.now() - started,
  };
}

/** Index of the first day of `daily` not wholly known when the hourly series is known before bucket `hourlyEnd`. */
function dailyEnd(daily: Series, hourly: Series, hourlyEnd: number): number {
  const limit = hourly.starts[hourlyEnd] ?? Number.POSITIVE_INFINITY;
  let d = 0;
  while (d < daily.starts.length && (daily.starts[d + 1] ?? Number.POSITIVE_INFINITY) <= limit) d++;
  // the last day is known only if it ends by the limit: its end is the next day's start, or the end of the hours
  if (d < daily.starts.length && d === daily.starts.length - 1 && hourlyEnd >= hourly.starts.length) d++;
  return d;
}

/** Contexts of an hourly series and of its daily totals (days known only while all their hours before `end` are). */
export function contexts(series: Series, special: SpecialDays = {}, end = series.values.length): { hourly: FeatureContext; daily: FeatureContext; dailyEnd: number } {
  const hourly = featureContext(series, special);
  const days = dailyTotals(series, hourly.grid, end);
  return { hourly, daily: featureContext(days, special), dailyEnd: dailyEnd(days, series, end) };
}

const knownCount = (s: Series, from: number, to: number): number => {
  let n = 0;
  for (let i = Math.max(0, from); i < to; i++) if (s.values[i] !== null && s.values[i] !== undefined) n++;
  return n;
};

/** Train the hourly and daily models of an hourly series (each only when its history is long enough). */
export async function trainForecastModel(series: Series, special: SpecialDays = {}, opts: TrainOptions = {}): Promise<ForecastModel> {
  const started = performance.now();
  if (series.grain !== "hour") throw new RangeError("trainForecastModel needs an hourly series");
  const end = Math.min(opts.end ?? series.values.length, series.values.length);
  const coverage = opts.coverage ?? 0.8;
  const stride = opts.originStride ?? 5;
  const ctx = contexts(series, special, end);
  const notes: string[] = [];
  let backend = "none";

  let hourly: GrainModel | null = null;
  const hourlyWeeks = opts.hourlyWeeks ?? 52;
  const minH = opts.minHourlyWeeks ?? 6;
  const knownWeeks = knownCount(series, end - hourlyWeeks * WEEK_H, end) / WEEK_H;
  if (knownWeeks >= minH) {
    const start = Math.max(0, end - hourlyWeeks * WEEK_H);
    const rows = trainingRows(ctx.hourly, (o, h) => hourlyFeatures(ctx.hourly, o, h), start, end, interleaved(end, WEEK_H, opts.validationEvery ?? 4), stride, MAX_HOURLY_HORIZON);
    if (rows.X.length - rows.validation.length >= 200) {
      const { backend: b, ...m } = await fitGrain(rows, opts, coverage, opts.blend ?? HOURLY_BLEND);
      [hourly, backend] = [m, b];
    } else notes.push(`hourly: only ${rows.X.length} usable training rows`);
  } else notes.push(`hourly: ${knownWeeks.toFixed(1)} weeks of known history, the model needs ${minH}`);

  let daily: GrainModel | null = null;
  const dailyWeeks = opts.dailyWeeks ?? 52;
  const minD = opts.minDailyWeeks ?? 10;
  const dEnd = ctx.dailyEnd;
  const knownDays = knownCount(ctx.daily.series, dEnd - dailyWeeks * 7, dEnd);
  if (opts.daily === false) notes.push("daily: not asked for");
  else if (knownDays >= minD * 7) {
    const start = Math.max(0, dEnd - dailyWeeks * 7);
    const rows = trainingRows(ctx.daily, (o, h) => dailyFeatures(ctx.daily, o, h), start, dEnd, interleaved(dEnd, 14, opts.validationEvery ?? 4), 1, MAX_DAILY_HORIZON);
    if (rows.X.length - rows.validation.length >= 100) {
      const { backend: b, ...m } = await fitGrain(rows, { ...opts, hidden: Math.min(opts.hidden ?? 16, 8) }, coverage, opts.dailyBlend ?? "validation");
      [daily, backend] = [m, b];
    } else notes.push(`daily: only ${rows.X.length} usable training rows`);
  } else notes.push(`daily: ${(knownDays / 7).toFixed(1)} weeks of known days, the model needs ${minD}`);

  return { hourly, daily, notes, backend, trainMs: performance.now() - started, trainedTo: series.starts[end] ?? (series.starts[end - 1] ?? 0) + 3_600_000 };
}

/** Fewest past errors of a baseline its 80 % interval is given from: a day of hours. */
export const MIN_BAND_ERRORS_HOURLY = 24;
/** The same for daily buckets: a week of days. */
export const MIN_BAND_ERRORS_DAILY = 7;

/**
 * One forecast bucket. Values are null where nothing could be said (no history at all); `lo` and
 * `hi` alone are null where a baseline answers whose errors could not be measured yet (fewer than
 * `MIN_BAND_ERRORS_HOURLY`/`_DAILY` of them: the first day or so of a store's history).
 */
export interface ForecastPoint {
  /** Index of the bucket in the series. */
  index: number;
  start: EpochMs;
  lo: number | null;
  mid: number | null;
  hi: number | null;
  method: ForecastMethod;
}

/**
 * Forecast buckets `origin .. origin + horizon - 1` of `ctx`'s series (hourly or daily) from what
 * is known before `origin`: the model where it has a row, else the seasonal mean of the last 4
 * weeks, else the same hour of the last days known, each with its interval (the baseline whose
 * interval is measured first; none, null, where neither's is).
 */
export function forecastBuckets(ctx: FeatureContext, model: GrainModel | null, origin: number, horizon: number, coverage = 0.8): ForecastPoint[] {
  const { series, grid } = ctx;
  const hourly = series.grain === "hour";
  const n = Math.max(0, Math.min(horizon, series.starts.length - origin));
  const rows = new Map<number, FeatureRow>();
  if (model) {
    // the model answers up to its longest horizon; a baseline answers beyond it
    const h = Math.min(n, hourly ? MAX_HOURLY_HORIZON : MAX_DAILY_HORIZON);
    for (const r of hourly ? hourlyFeatures(ctx, origin, h) : dailyFeatures(ctx, origin, h)) rows.set(r.index, r);
  }
  const lookback = hourly ? 28 * 24 : 8 * 7;
  // A baseline's interval needs at least a day of its past errors (24 hours, or 7 days)
  const minErrors = hourly ? MIN_BAND_ERRORS_HOURLY : MIN_BAND_ERRORS_DAILY;
  const smean = seasonalMean(series, grid, origin, n);
  const naive = model?.blend ? seasonalNaive(series, grid, origin, n) : [];
  const smeanBands = residualBands(series, origin, smean, (j) => seasonalMean(series, grid, j, 1)[0] ?? null, { lookback, coverage });
  const recent = hourly ? dailyNaive(series, grid, origin, n) : [];
  const recentBands = hourly ? residualBands(series, origin, recent, (j) => dailyNaive(series, grid, j, 1)[0] ?? null, { lookback, coverage }) : [];
  const out: ForecastPoint[] = [];
  for (let k = 0; k < n; k++) {
    const i = origin + k;
    const start = series.starts[i]!;
    const row = rows.get(i);
    if (model && row) {
      const [qlo, qmid, qhi] = blended(shrunk(predictEnsemble(model.members, row.x), model.shrink ?? 1), row.base, naive[k] ?? null, model.blend);
      const mid = countOf(qmid, row.base);
      out.push({ index: i, start, lo: Math.min(mid, countOf(qlo - model.widen, row.base)), mid, hi: Math.max(mid, countOf(qhi + model.widen, row.base)), method: model.blend ? blendMethod(model.blend) : "mlp" });
      continue;
    }
    // The seasonal mean where its band is measured, else the last days where theirs is; a point
    // whose band no baseline could measure (the first days of a store: no error yet, or a few
    // night hours) has no interval (null), not a zero-width one read as certain.
    const sm = smeanBands[k] ?? null;
    const rd = recentBands[k] ?? null;
    const measured = (b: Band | null): Band | null => (b && b.errors >= minErrors ? b : null);
    const band = measured(sm) ?? measured(rd) ?? sm ?? rd;
    const method: ForecastMethod = band === null ? "none" : band === sm ? "seasonal-mean" : "recent-days";
    const sure = measured(band) !== null;
    out.push({ index: i, start, lo: sure ? band!.lo : null, mid: band?.mid ?? null, hi: sure ? band!.hi : null, method });
  }
  return out;
}

/** The method that answered most points of a forecast ("none" for an empty one). */
export function mainMethod(points: readonly ForecastPoint[]): ForecastMethod {
  const counts = new Map<ForecastMethod, number>();
  for (const p of points) counts.set(p.method, (counts.get(p.method) ?? 0) + 1);
  let best: ForecastMethod = "none";
  let n = 0;
  for (const [m, c] of counts) if (c > n) [best, n] = [m, c];
  return best;
}
