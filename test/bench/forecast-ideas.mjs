#!/usr/bin/env node
/**
 * Issue 17, session 7: structurally different ideas for the hourly forecaster, scored on the
 * development weeks only (each series cut where the benchmark's first held-out week begins, as
 * `bench:forecast --dev`). The forecaster's own `trainingRows` (models/dist), fed `hourlyFeatures`' rows
 * with optional extra feature columns appended, and a copy of its fitGrain (the fixed HOURLY_BLEND and
 * its seasonal-naive fallback, the conformal widening) built from the same exported pieces of core/dist
 * and models/dist; the "base" variant is the committed forecaster and reproduces its development
 * figures. Feature rows are built once per fold and variant and shared by the seeds.
 *
 * Variants (--variants, comma-separated):
 *   base      the committed features
 *   regime    + the last 24 h against the same 24 h a week before, and the last 7 days against the 7 before
 *   partner   + the store total's (the sum of all the dataset's series) last 3 h, last 24 h and today's
 *             deviation from its own seasonal base, and its week-on-week 24 h ratio
 *   halfhour  + training rows from the hours shifted by half an hour, where the data has half-hour bins (CalIt2)
 *   twostage  + the two-stage forecast (median total of the last 3 same weekdays x the hour's mean share
 *             of the last 4 same weekdays) relative to the base, and the day-total level against the base's
 * Post-hoc, from the base variant's models (no extra training):
 *   seed ensemble: the members of every seed averaged into one forecast (3 seeds x 3 members);
 *   two-stage candidate: the point forecast (1 - l) x blended + l x two-stage, l in 0.1, 0.2, 0.3.
 *
 * Figures as bench:forecast's: a dataset's model / seasonal-naive is the mean of its series' model MASE
 * over the mean of their seasonal-naive MASE (the base variant gives bench:forecast --dev's figures to
 * the last digit on CalIt2: 0.776, seeds 0.772 / 0.781 / 0.776). Never run on the held-out weeks.
 *
 * Usage: nice -n 19 node test/bench/forecast-ideas.mjs --datasets calit2 [--dev-weeks N] [--seeds 1,4,7]
 *        [--variants base,regime,partner,twostage,halfhour] [--series NAME] [--by-day] [--json FILE]
 * --by-day: the base model's and seasonal-naive's mean absolute error per target day (first seed).
 */
import "./help.mjs"; // --help: this file's leading comment
import { parseArgs } from "node:util";
import { READERS } from "./forecast-data.mjs";
import { loadBuilt } from "./built.mjs";

const [core, models] = await loadBuilt("core/dist/index.js", "models/dist/index.js");

const { values: a } = parseArgs({
  options: {
    datasets: { type: "string", default: "calit2" },
    "dev-weeks": { type: "string" },
    seeds: { type: "string", default: "1,4,7" },
    variants: { type: "string", default: "base,regime,partner,twostage" },
    series: { type: "string" },
    json: { type: "string" },
    "by-day": { type: "boolean", default: false },
  },
});
const PLAN = { leeds: { weeks: 8, every: 6 }, calit2: { weeks: 4, every: 1 }, melbourne: { weeks: 8, every: 6 }, brooklyn: { weeks: 6, every: 4 }, fremont: { weeks: 8, every: 6 } };
const HORIZON = 24;
const WEEK_H = 168;
const seeds = a.seeds.split(",").map(Number);
const variants = a.variants.split(",");
const { HOURLY_BLEND, NAIVE_ONLY } = models;

function rangeOf(points) {
  let from = Infinity;
  let to = -Infinity;
  for (const p of points) {
    if (p.ts < from) from = p.ts;
    if (p.ts > to) to = p.ts;
  }
  return { from, to: to + 1 };
}
function devCut(series, plan) {
  const folds = core.rollingOriginFolds({ length: series.values.length, testWeeks: plan.weeks, everyWeeks: plan.every, period: 168, originStep: 1, horizon: HORIZON, minTrain: 8 * 168 });
  const end = folds[0]?.trainEnd ?? series.values.length;
  return { ...series, starts: series.starts.slice(0, end), values: series.values.slice(0, end) };
}

/** The store total: the sum of every series of the dataset at each hour all of them know (else unknown). */
function totalPoints(data) {
  const sum = new Map();
  const n = new Map();
  for (const d of data)
    for (const p of d.points) {
      sum.set(p.ts, (sum.get(p.ts) ?? 0) + p.value);
      n.set(p.ts, (n.get(p.ts) ?? 0) + 1);
    }
  return [...sum].filter(([ts]) => n.get(ts) === data.length).map(([ts, value]) => ({ ts, value }));
}

// ---- extra features ------------------------------------------------------------------------
const knownAt = core.knownAt;
/** log1p(sum of the known hours of [from, to)) - log1p(sum of the same hours a week before), over hours known in both. */
function weekOnWeek(ctx, from, to, limit) {
  let now = 0;
  let before = 0;
  let n = 0;
  for (let j = Math.max(0, from); j < to; j++) {
    const v = knownAt(ctx.series, j, limit);
    const w = knownAt(ctx.series, core.lagIndex(ctx.grid, j, 7), limit);
    if (v === null || w === null) continue;
    now += v;
    before += w;
    n++;
  }
  return n ? Math.log1p(now) - Math.log1p(before) : 0;
}
function meanDev(ctx, from, to, limit) {
  let s = 0;
  let n = 0;
  for (let j = Math.max(0, from); j < to; j++) {
    const v = knownAt(ctx.series, j, limit);
    if (v === null) continue;
    const { base } = core.weekLags(ctx, j, limit);
    if (base === null) continue;
    s += Math.log1p(v) - Math.log1p(base);
    n++;
  }
  return n ? s / n : 0;
}

/** Per local day: its total (null unless all 24 hours are known) and whether any hour is a holiday or event. */
function dayTable(ctx) {
  const { grid, series, flags } = ctx;
  const total = new Map();
  const hours = new Map();
  const special = new Map();
  for (let j = 0; j < series.values.length; j++) {
    const d = grid.day[j];
    const v = series.values[j];
    if (!hours.has(d)) hours.set(d, 0);
    if (v !== null && v !== undefined) {
      total.set(d, (total.get(d) ?? 0) + v);
      hours.set(d, hours.get(d) + 1);
    }
    if (flags.holiday[j] === 1 || flags.event[j] === 1) special.set(d, true);
  }
  for (const [d, h] of hours) if (h < 24) total.set(d, null);
  return { total, special };
}

/** The two-stage forecast of target i: median total of the last 3 usable same weekdays x the hour's mean share of the last 4. */
function twoStage(ctx, days, i, limit) {
  const { grid, series } = ctx;
  const day = grid.day[i];
  const targetSpecial = days.special.get(day) === true;
  const totals = [];
  const shares = [];
  for (let k = 1; k <= 8 && (totals.length < 3 || shares.length < 4); k++) {
    const d = day - 7 * k;
    const j = core.lagIndex(grid, i, 7 * k);
    if (j < 0 || j >= limit) continue;
    const t = days.total.get(d);
    if (t === null || t === undefined) continue;
    if (!targetSpecial && days.special.get(d) === true) continue;
    // the day ends before the limit: its last hour index is below the limit
    let end = j;
    while (end + 1 < series.values.length && grid.day[end + 1] === d) end++;
    if (end >= limit) continue;
    if (totals.length < 3) totals.push(t);
    const v = series.values[j];
    if (shares.length < 4 && t > 0 && v !== null) shares.push(v / t);
  }
  if (!totals.length || !shares.length) return null;
  totals.sort((x, y) => x - y);
  const m = totals.length >> 1;
  const med = totals.length % 2 ? totals[m] : (totals[m - 1] + totals[m]) / 2;
  const share = shares.reduce((s, x) => s + x, 0) / shares.length;
  return { value: med * share, total: med };
}

function makeVariant(name, ctx, pctx, days) {
  if (name === "base" || name === "halfhour") return null;
  if (name === "regime")
    return (origin) => {
      const x = [weekOnWeek(ctx, origin - 24, origin, origin), weekOnWeek(ctx, origin - 168, origin, origin)];
      return () => x;
    };
  if (name === "partner")
    return (origin) => {
      const x = [meanDev(pctx, origin - 3, origin, origin), meanDev(pctx, origin - 24, origin, origin), core.todayDeviation(pctx, origin), weekOnWeek(pctx, origin - 24, origin, origin)];
      return () => x;
    };
  if (name === "twostage")
    return (origin) => (row) => {
      const t = twoStage(ctx, days, row.index, origin);
      const lb = Math.log1p(row.base);
      return t === null ? [0, 0] : [Math.log1p(t.value) - lb, 1];
    };
  throw new Error(`unknown variant ${name}`);
}

/** Feature rows of origin o with the variant's columns appended. */
function rowsAt(ctx, extra, o, h) {
  const rows = core.hourlyFeatures(ctx, o, h);
  if (!extra) return rows;
  const f = extra(o);
  return rows.map((r) => ({ ...r, x: [...r.x, ...f(r)] }));
}

const interleaved = (end, period, every) => (i) => Math.floor((end - 1 - i) / period) % every === 1;

/**
 * halfhour: where the counts come finer than an hour (CalIt2's 30-minute bins), the hours shifted by half an
 * hour are two more series of the same store, [h:30, h+1:30) labelled h (back) or h+1 (forward). Their rows
 * are added to the training rows only (never to the validation rows; the same validation weeks left out),
 * each weighing half as much as an hour's row of the same base; they end an hour before the cut, so no half
 * hour past it is read.
 */
function addShifted(rows, d, series, start, end) {
  if (!d.halfHours) throw new Error(`halfhour: ${d.name} has no half-hour bins`);
  const held = interleaved(end, WEEK_H, 4);
  const M = rows.base.reduce((s, b) => s + 1 + b, 0) / rows.base.length;
  const byStart = new Map(d.halfHours.map((p) => [p.ts, p.value]));
  for (const shift of [-30 * 60_000, 30 * 60_000]) {
    const pts = [];
    for (const p of d.halfHours) {
      if (new Date(p.ts).getUTCMinutes() !== 30) continue;
      const next = byStart.get(p.ts + 30 * 60_000);
      if (next !== undefined) pts.push({ ts: p.ts + shift, value: p.value + next });
    }
    const sseries = core.seriesOf({ from: series.starts[0], to: series.starts[series.starts.length - 1] + 3_600_000 }, "hour", d.timeZone, pts);
    const sctx = core.featureContext(sseries, d.special);
    const extra = trainingRows(sctx, null, start, Math.min(end - 1, sseries.values.length), held, 5);
    const val = new Set(extra.validation);
    extra.X.forEach((x, k) => {
      if (val.has(k)) return;
      rows.X.push(x);
      rows.y.push(extra.y[k]);
      rows.w.push((0.5 * (1 + extra.base[k])) / M);
      rows.base.push(extra.base[k]);
      rows.naive.push(extra.naive[k]);
    });
  }
}

/** The forecaster's hourly training rows, the variant's columns appended to each. */
const trainingRows = (ctx, extra, start, end, held, stride) => models.trainingRows(ctx, (o, h) => rowsAt(ctx, extra, o, h), start, end, held, stride, HORIZON);

/** The committed fitGrain with the fixed blend: members, blend (or the naive fallback), widening. */
async function fitGrain(rows, seed) {
  const members = [];
  for (let k = 0; k < 3; k++) members.push((await models.fitQuantileMlp(rows.X, rows.y, rows.validation, { seed: seed + k }, rows.w)).weights);
  return calibrate(members, rows);
}
function calibrate(members, rows) {
  const vrows = rows.validation.map((r) => ({ net: core.countOf(models.predictEnsemble(members, rows.X[r])[1], rows.base[r]), base: rows.base[r], naive: rows.naive[r] ?? null, actual: core.countOf(rows.y[r], rows.base[r]) }));
  const maeOf = (f) => {
    let s = 0;
    let n = 0;
    for (const v of vrows) {
      if (v.naive === null) continue;
      s += Math.abs(f(v) - v.actual);
      n++;
    }
    return n ? s / n : NaN;
  };
  let blend = HOURLY_BLEND;
  if (maeOf((v) => core.blendCount(v.net, v.base, v.naive, blend)) >= maeOf((v) => v.naive)) blend = NAIVE_ONLY;
  const scores = rows.validation.map((r) => {
    const [lo, , hi] = models.blended(models.predictEnsemble(members, rows.X[r]), rows.base[r], rows.naive[r] ?? null, blend);
    return Math.max(lo - rows.y[r], rows.y[r] - hi);
  });
  scores.sort((x, y) => x - y);
  const widen = scores.length ? core.quantile(scores, Math.min(1, Math.ceil((scores.length + 1) * 0.8) / scores.length)) : 0;
  return { members, blend, widen };
}

/** Forecast of every origin of the fold: mid, lo, hi per target (the seasonal mean where the model has no row). */
function forecastFold(ctx, testRows, model) {
  const out = [];
  for (const { o, rows, naive, smean } of testRows) {
    const byIndex = new Map(rows.map((r) => [r.index, r]));
    for (let k = 0; k < HORIZON; k++) {
      const i = o + k;
      const y = ctx.series.values[i];
      if (y === null || y === undefined) continue;
      const r = byIndex.get(i);
      if (!r) {
        out.push({ i, y, mid: smean[k], lo: null, hi: null, naive: naive[k], base: null });
        continue;
      }
      const [qlo, qmid, qhi] = models.blended(models.predictEnsemble(model.members, r.x), r.base, naive[k] ?? null, model.blend);
      const mid = core.countOf(qmid, r.base);
      out.push({ i, y, mid, lo: Math.min(mid, core.countOf(qlo - model.widen, r.base)), hi: Math.max(mid, core.countOf(qhi + model.widen, r.base)), naive: naive[k], base: r.base, two: r.two });
    }
  }
  return out;
}

const meanOf = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;
const results = {};
const started = performance.now();
for (const name of a.datasets.split(",")) {
  const plan = PLAN[name];
  const all = READERS[name]();
  const tot = totalPoints(all);
  const data = all.filter((d) => !a.series || d.name === a.series);
  // per variant and seed: per series ratio; post-hoc candidates from base
  const score = {}; // key -> seed -> [ratio per series]
  const cover = {};
  const naives = [];
  const put = (key, seed, ratio, cov) => {
    ((score[key] ??= {})[seed] ??= []).push(ratio);
    ((cover[key] ??= {})[seed] ??= []).push(cov);
  };
  for (const d of data) {
    const range = rangeOf(d.points);
    const series = devCut(core.seriesOf(range, "hour", d.timeZone, d.points), plan);
    const partner = devCut(core.seriesOf(range, "hour", d.timeZone, tot), plan);
    const ctx = core.featureContext(series, d.special);
    const pctx = core.featureContext(partner, d.special);
    const days = dayTable(ctx);
    const testWeeks = a["dev-weeks"] ? Math.min(plan.weeks, Number(a["dev-weeks"])) : plan.weeks;
    const folds = core.rollingOriginFolds({ length: series.values.length, testWeeks, everyWeeks: plan.every, period: 168, originStep: 1, horizon: HORIZON, minTrain: 8 * 168 });
    const scale = core.maseScale(series.values, 168, folds[0].trainEnd, (t) => core.lagIndex(ctx.grid, t, 7));
    const snAcc = { y: [], f: [] };
    const baseMembers = {}; // seed -> per fold members
    const baseFc = {}; // seed -> forecasts (all folds)
    const baseRows = [];
    for (const f of folds)
      for (const o of f.origins) {
        const sn = core.seasonalNaive(series, ctx.grid, o, HORIZON);
        for (let k = 0; k < HORIZON; k++) {
          const y = series.values[o + k];
          if (y === null || y === undefined) continue;
          snAcc.y.push(y);
          snAcc.f.push(sn[k]);
        }
      }
    for (const variant of variants) {
      const extra = makeVariant(variant, ctx, pctx, days);
      const fc = {};
      for (const [fi, fold] of folds.entries()) {
        const end = fold.trainEnd;
        const start = Math.max(0, end - 52 * WEEK_H);
        const rows = trainingRows(ctx, extra, start, end, interleaved(end, WEEK_H, 4), 5);
        if (variant === "halfhour") addShifted(rows, d, series, start, end);
        const testRows = fold.origins.map((o) => {
          const rs = rowsAt(ctx, extra, o, HORIZON);
          if (variant === "base") for (const r of rs) r.two = twoStage(ctx, days, r.index, o)?.value ?? null;
          return { o, rows: rs, naive: core.seasonalNaive(series, ctx.grid, o, HORIZON), smean: core.seasonalMean(series, ctx.grid, o, HORIZON) };
        });
        if (variant === "base") baseRows[fi] = { rows, testRows };
        for (const seed of seeds) {
          const t0 = performance.now();
          const model = await fitGrain(rows, seed);
          const ms = performance.now() - t0;
          (fc[seed] ??= []).push(...forecastFold(ctx, testRows, model));
          if (variant === "base") ((baseMembers[seed] ??= [])[fi] = model.members);
          process.stderr.write(`${name}/${d.name} ${variant} fold ${fi} seed ${seed}: ${rows.X.length} rows, ${rows.X[0].length} inputs, ${ms.toFixed(0)} ms, blend ${model.blend.net}\n`);
        }
      }
      const naiveMase = core.mase(snAcc.y, snAcc.f, scale);
      if (variant === variants[0]) naives.push(naiveMase);
      for (const seed of seeds) {
        const f = fc[seed];
        put(variant, seed, core.mase(f.map((p) => p.y), f.map((p) => p.mid), scale), core.intervalCoverage(f.map((p) => p.y), f.map((p) => p.lo), f.map((p) => p.hi)));
        if (variant === "base") {
          baseFc[seed] = f;
          if (a["by-day"] && seed === seeds[0]) {
            // absolute error per target day (all horizons), model against seasonal-naive
            const by = new Map();
            for (const p of f) {
              const day = core.dateOfDay(ctx.grid.day[p.i]);
              const e = by.get(day) ?? { m: 0, n: 0, y: 0, c: 0 };
              e.m += Math.abs(p.mid - p.y);
              if (p.naive !== null) e.n += Math.abs(p.naive - p.y);
              e.y += p.y;
              e.c++;
              by.set(day, e);
            }
            for (const [day, e] of [...by].sort()) process.stdout.write(`${d.name} ${day}: model ${(e.m / e.c).toFixed(2)} naive ${(e.n / e.c).toFixed(2)} mean actual ${(e.y / e.c).toFixed(1)}\n`);
          }
          for (const l of [0.1, 0.2, 0.3]) {
            const mids = f.map((p) => (p.two === null || p.two === undefined || p.base === null ? p.mid : (1 - l) * p.mid + l * p.two));
            put(`base+twostage candidate ${l}`, seed, core.mase(f.map((p) => p.y), mids, scale), NaN);
          }
        }
      }
      if (variant === "base" && seeds.length > 1) {
        // the seed ensemble: every seed's members in one model, calibrated on the same validation rows
        const f = [];
        for (const [fi] of folds.entries()) {
          const members = seeds.flatMap((s) => baseMembers[s][fi]);
          f.push(...forecastFold(ctx, baseRows[fi].testRows, calibrate(members, baseRows[fi].rows)));
        }
        put(`seed ensemble (${seeds.length * 3} members)`, "all", core.mase(f.map((p) => p.y), f.map((p) => p.mid), scale), core.intervalCoverage(f.map((p) => p.y), f.map((p) => p.lo), f.map((p) => p.hi)));
      }
    }
    // this series' figures so far (a long run can be read before it ends)
    const k = naives.length - 1;
    console.log(`# ${name}/${d.name}: seasonal-naive MASE ${naives[k].toFixed(4)}; ${Object.entries(score).map(([key, bySeed]) => `${key}: ${Object.values(bySeed).map((r) => (r[k] / naives[k]).toFixed(4)).join("/")}`).join("; ")}`);
  }
  results[name] = { score, cover };
  console.log(`\n## ${name}: development weeks (${a["dev-weeks"] ?? PLAN[name].weeks}), model / seasonal-naive, mean over series; per seed`);
  for (const key of Object.keys(score)) {
    // as bench:forecast: the mean of the series' model MASE over the mean of their seasonal-naive MASE
    const perSeed = Object.entries(score[key]).map(([s, r]) => [s, meanOf(r) / meanOf(naives), meanOf(cover[key][s])]);
    const m = meanOf(perSeed.map((x) => x[1]));
    const perSeries = data.map((d, k) => `${d.name} ${(meanOf(Object.values(score[key]).map((r) => r[k])) / naives[k]).toFixed(3)}`).join(", ");
    console.log(`${key}: ${m.toFixed(4)} [${perSeed.map((x) => `${x[0]}: ${x[1].toFixed(4)}${Number.isFinite(x[2]) ? ` cov ${(100 * x[2]).toFixed(1)}%` : ""}`).join("; ")}] (${perSeries})`);
  }
}
console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(0)} s`);
if (a.json) (await import("node:fs")).writeFileSync(a.json, JSON.stringify(results, null, 1));
