#!/usr/bin/env node
/**
 * Traffic forecasts judged on real people counts (../shared/datasets/, read in place; see each
 * SOURCE.md). Rolling-origin backtest: held-out weeks counted back from the end of each series;
 * for each week the forecaster (models/dist, the code the server runs) is trained only on the
 * hours before that week, then forecasts the next 24 hours from every `--origin-step`-th hour
 * of the week, reading the actual counts before each origin as its lags (as a live store would).
 * Seasonal-naive (same local hour last week) and the seasonal mean (of the last 4 weeks) forecast
 * from the same origins in the same run.
 *
 * Figures per series: MASE (mean absolute error over the held-out forecasts / in-sample MAE of
 * seasonal-naive on the hours before the first held-out week) of the model and both baselines,
 * the model's MASE as a share of seasonal-naive's, coverage of the 80 % interval (of the model,
 * and of the residual band the seasonal-mean fallback gives), and training time per model.
 *
 * Usage: node test/bench/forecast.mjs [--datasets leeds,calit2,melbourne,brooklyn] [--weeks N]
 *        [--every N] [--origin-step 1] [--series NAME] [--hidden 16] [--epochs 60] [--seed 1 | --seeds 1,4,7] [--no-daily] [--dev [--dev-weeks N]] [--json]
 *        [--opt NAME=NUMBER ...]
 *        [--blend validation|off|NET,BASE,NAIVE] [--daily-blend ...] [--shrink] [--round-point]
 *
 * --round-point also scores the hourly point forecast rounded to a whole number where every known
 * count before the fold's end is whole (the interval stretched to hold it, not rounded), beside the
 * model's own: a development check of a change to the forecaster, from the same models.
 *
 * --blend: the hourly point forecast's blend of network, seasonal mean and seasonal-naive (default:
 * the forecaster's HOURLY_BLEND, 0.8,0.1,0.1; validation: chosen on the training folds' validation
 * weeks; off: the network alone, no fallback); --daily-blend the same for the daily model (default
 * validation); --shrink: also the older log-scale shrink toward the base.
 *
 * --seed: the first seed of the ensemble (default 1; members take seed, seed + 1, ...), to see
 * run-to-run spread. --seeds 1,4,7: the whole plan once per first seed; the last table gives the
 * mean over the seeds (and the least and most model / naive): report that, not the best seed.
 * --opt NAME=NUMBER: any numeric training option of the forecaster (TrainOptions / MlpOptions,
 * e.g. --opt originStride=3 --opt l2=0.001), for development runs.
 *
 * --dev is the development run: each series is cut where its first held-out week begins and the
 * same plan runs on what is left. Changes to the forecaster are chosen on it (and on the training
 * folds' own validation weeks), never on the held-out weeks. --dev-weeks N backtests only the last
 * N of those development weeks (the cut stays where the full plan's held-out weeks begin), for a
 * quicker check.
 *
 * The daily model (next 14 days by day) is trained in the same folds and judged from each day
 * start of the held-out weeks, against seasonal-naive and the seasonal mean of the day series.
 */
import "./help.mjs"; // --help: this file's leading comment
import { parseArgs } from "node:util";
import os from "node:os";
import { loadBuilt } from "./built.mjs";
import { READERS } from "./forecast-data.mjs";

const [core, models] = await loadBuilt("core/dist/index.js", "models/dist/index.js");

const { values: a } = parseArgs({
  options: {
    datasets: { type: "string", default: "leeds,calit2,melbourne,brooklyn" },
    weeks: { type: "string" },
    every: { type: "string" },
    "origin-step": { type: "string", default: "1" },
    series: { type: "string" },
    hidden: { type: "string" },
    epochs: { type: "string" },
    seed: { type: "string" },
    "hourly-weeks": { type: "string" },
    opt: { type: "string", multiple: true },
    seeds: { type: "string" },
    blend: { type: "string" },
    "daily-blend": { type: "string" },
    shrink: { type: "boolean", default: false },
    "round-point": { type: "boolean", default: false },
    "no-daily": { type: "boolean", default: false },
    dev: { type: "boolean", default: false },
    "dev-weeks": { type: "string" },
    json: { type: "boolean", default: false },
  },
});
if (a["dev-weeks"] && !(a.dev && Number(a["dev-weeks"]) >= 1)) {
  console.error(`--dev-weeks "${a["dev-weeks"]}": give a whole number >= 1, with --dev (the held-out plan's --weeks sets where the cut is)`);
  process.exit(2);
}

/** Held-out weeks per dataset: spread over the last year of the long series, consecutive in CalIt2's 15 weeks. */
const PLAN = {
  leeds: { weeks: 8, every: 6 },
  calit2: { weeks: 4, every: 1 },
  melbourne: { weeks: 8, every: 6 },
  brooklyn: { weeks: 6, every: 4 },
  fremont: { weeks: 8, every: 6 },
};
const HORIZON = 24;
const step = Number(a["origin-step"]);
for (const kv of a.opt ?? []) {
  if (!/^[A-Za-z]+=-?[0-9.e+-]+$/.test(kv) || !Number.isFinite(Number(kv.split("=")[1]))) {
    console.error(`--opt "${kv}": give NAME=NUMBER, a numeric training option (e.g. originStride=3)`);
    process.exit(2);
  }
}
const trainOpts = {
  ...(a.hidden ? { hidden: Number(a.hidden) } : {}),
  ...(a.epochs ? { epochs: Number(a.epochs) } : {}),
  ...(a.seed ? { seed: Number(a.seed) } : {}),
  ...(a["hourly-weeks"] ? { hourlyWeeks: Number(a["hourly-weeks"]) } : {}),
  ...Object.fromEntries((a.opt ?? []).map((kv) => [kv.split("=")[0], Number(kv.split("=")[1])])),
  ...(a.shrink ? { shrink: true } : {}),
  ...(a.blend ? { blend: blendOption(a.blend) } : {}),
  ...(a["daily-blend"] ? { dailyBlend: blendOption(a["daily-blend"]) } : {}),
};

/** --blend validation | off | NET,BASE,NAIVE (fixed weights summing to 1). */
function blendOption(s) {
  if (s === "validation" || s === "off") return s;
  const [net, base, naive] = s.split(",").map(Number);
  if (![net, base, naive].every((x) => x >= 0 && x <= 1) || Math.abs(net + base + naive - 1) > 1e-9) {
    console.error(`--blend "${s}": give validation, off, or three weights NET,BASE,NAIVE summing to 1 (e.g. 0.8,0,0.2)`);
    process.exit(2);
  }
  return { net, base, naive };
}
const blendText = (b) => (b ? `${b.net}/${b.base}/${b.naive}` : "off");

const f3 = (x) => (Number.isFinite(x) ? x.toFixed(3) : "-");
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : "-");
const pct = (x) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)} %` : "-");

function seriesOfData(d) {
  let from = Infinity;
  let to = -Infinity;
  for (const p of d.points) {
    if (p.ts < from) from = p.ts;
    if (p.ts > to) to = p.ts;
  }
  return core.seriesOf({ from, to: to + 1 }, "hour", d.timeZone, d.points);
}

/** The series cut before its first held-out week (the development run never sees the held-out weeks). */
function devCut(series, plan) {
  const folds = core.rollingOriginFolds({ length: series.values.length, testWeeks: plan.weeks, everyWeeks: plan.every, period: 168, originStep: 1, horizon: HORIZON, minTrain: 8 * 168 });
  const end = folds[0]?.trainEnd ?? series.values.length;
  return { ...series, starts: series.starts.slice(0, end), values: series.values.slice(0, end) };
}

async function backtest(d, plan, seed) {
  const series = a.dev ? devCut(seriesOfData(d), plan) : seriesOfData(d);
  const ctx = core.featureContext(series, d.special);
  const testWeeks = a.dev && a["dev-weeks"] ? Math.min(plan.weeks, Number(a["dev-weeks"])) : plan.weeks;
  const folds = core.rollingOriginFolds({ length: series.values.length, testWeeks, everyWeeks: plan.every, period: 168, originStep: step, horizon: HORIZON, minTrain: 8 * 168 });
  if (!folds.length) return null;
  const scale = core.maseScale(series.values, 168, folds[0].trainEnd, (t) => core.lagIndex(ctx.grid, t, 7));
  const acc = { actual: [], model: [], lo: [], hi: [], snaive: [], smean: [], smLo: [], smHi: [], methods: new Map(), round: [], roundLo: [], roundHi: [] };
  let wholeFolds = 0;
  // the 14-day daily forecast, from each day start of the held-out weeks
  const days = models.contexts(series, d.special).daily;
  const day = { actual: [], model: [], lo: [], hi: [], snaive: [], smean: [] };
  const trainMs = [];
  const dailyMs = [];
  const shrinks = [];
  const blends = [];
  const dailyBlends = [];
  let backend = "";
  let firstDailyEnd = null;
  for (const fold of folds) {
    const model = await models.trainForecastModel(series, d.special, { ...trainOpts, ...(seed === undefined ? {} : { seed }), daily: !a["no-daily"], end: fold.trainEnd });
    backend = model.backend;
    if (model.hourly) trainMs.push(model.hourly.ms);
    if (model.hourly) shrinks.push(model.hourly.shrink ?? 1);
    if (model.hourly) blends.push(blendText(model.hourly.blend));
    if (model.daily) dailyBlends.push(blendText(model.daily.blend));
    if (model.daily) dailyMs.push(model.daily.ms);
    const dEnd = models.contexts(series, d.special, fold.trainEnd).dailyEnd;
    firstDailyEnd ??= dEnd;
    for (let o = dEnd; !a["no-daily"] && o < dEnd + 7 && o + 14 <= days.series.values.length; o++) {
      const f = models.forecastBuckets(days, model.daily, o, 14);
      const sn = core.seasonalNaive(days.series, days.grid, o, 14);
      const sm = core.seasonalMean(days.series, days.grid, o, 14);
      for (let k = 0; k < 14; k++) {
        const y = days.series.values[o + k];
        if (y === null || y === undefined) continue;
        day.actual.push(y);
        day.model.push(f[k]?.mid ?? null);
        day.lo.push(f[k]?.lo ?? null);
        day.hi.push(f[k]?.hi ?? null);
        day.snaive.push(sn[k]);
        day.smean.push(sm[k]);
      }
    }
    // --round-point: are the counts the model trained on whole?
    let whole = true;
    for (let i = 0; i < fold.trainEnd && whole; i++) {
      const v = series.values[i];
      if (v !== null && v !== undefined && !Number.isInteger(v)) whole = false;
    }
    if (whole) wholeFolds++;
    for (const o of fold.origins) {
      const pts = models.forecastBuckets(ctx, model.hourly, o, HORIZON);
      const base = models.forecastBuckets(ctx, null, o, HORIZON);
      const sn = core.seasonalNaive(series, ctx.grid, o, HORIZON);
      for (let k = 0; k < HORIZON; k++) {
        const y = series.values[o + k];
        if (y === null || y === undefined) continue;
        acc.actual.push(y);
        acc.model.push(pts[k]?.mid ?? null);
        acc.lo.push(pts[k]?.lo ?? null);
        acc.hi.push(pts[k]?.hi ?? null);
        const mid = pts[k]?.mid ?? null;
        const rmid = mid !== null && whole && model.hourly ? Math.round(mid) : mid;
        acc.round.push(rmid);
        acc.roundLo.push(pts[k]?.lo == null ? null : Math.min(pts[k].lo, rmid));
        acc.roundHi.push(pts[k]?.hi == null ? null : Math.max(pts[k].hi, rmid));
        acc.snaive.push(sn[k]);
        acc.smean.push(base[k]?.mid ?? null);
        acc.smLo.push(base[k]?.lo ?? null);
        acc.smHi.push(base[k]?.hi ?? null);
        const m = pts[k]?.method ?? "none";
        acc.methods.set(m, (acc.methods.get(m) ?? 0) + 1);
      }
    }
  }
  const mase = (f) => core.mase(acc.actual, f, scale);
  const dScale = firstDailyEnd === null ? NaN : core.maseScale(days.series.values, 7, firstDailyEnd, (t) => core.lagIndex(days.grid, t, 7));
  const dmase = (f) => core.mase(day.actual, f, dScale);
  const r = {
    series: d.name,
    hours: series.values.length,
    folds: folds.length,
    forecasts: acc.actual.length,
    scale,
    model: mase(acc.model),
    snaive: mase(acc.snaive),
    smean: mase(acc.smean),
    coverage: core.intervalCoverage(acc.actual, acc.lo, acc.hi),
    round: mase(acc.round),
    roundCoverage: core.intervalCoverage(acc.actual, acc.roundLo, acc.roundHi),
    wholeFolds,
    smeanCoverage: core.intervalCoverage(acc.actual, acc.smLo, acc.smHi),
    trainMs: trainMs.length ? trainMs.reduce((s, x) => s + x, 0) / trainMs.length : NaN,
    daily: { model: dmase(day.model), snaive: dmase(day.snaive), smean: dmase(day.smean), coverage: core.intervalCoverage(day.actual, day.lo, day.hi), forecasts: day.actual.length, trainMs: dailyMs.length ? dailyMs.reduce((s, x) => s + x, 0) / dailyMs.length : NaN },
    methods: Object.fromEntries(acc.methods),
    shrinks,
    blends,
    dailyBlends,
    backend,
    acc,
  };
  r.ratio = r.model / r.snaive;
  r.roundRatio = r.round / r.snaive;
  return r;
}

/** --seeds 1,4,7: the whole plan once per first seed; the tables give each seed's figures and their mean. */
const seeds = a.seeds ? a.seeds.split(",").map((x) => Number(x.trim())) : [a.seed ? Number(a.seed) : undefined];
if (seeds.some((x) => x !== undefined && !Number.isInteger(x))) {
  console.error(`--seeds "${a.seeds}": give whole numbers separated by commas, e.g. 1,4,7`);
  process.exit(2);
}
const results = [];
const startedAll = performance.now();
const meanOf = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;
for (const name of a.datasets.split(",").map((s) => s.trim()).filter(Boolean)) {
  const read = READERS[name];
  if (!read) {
    console.error(`unknown dataset "${name}": one of ${Object.keys(READERS).join(", ")}`);
    process.exit(2);
  }
  const plan = { ...PLAN[name], ...(a.weeks ? { weeks: Number(a.weeks) } : {}), ...(a.every ? { every: Number(a.every) } : {}) };
  const data = read().filter((d) => !a.series || d.name === a.series);
  const runs = [];
  for (const seed of seeds) {
    const rows = [];
    for (const d of data) {
      const r = await backtest(d, plan, seed);
      if (r) rows.push(r);
      if (r && !a.json) process.stderr.write(`${name}/${d.name}${seed === undefined ? "" : ` seed ${seed}`}: MASE ${f2(r.model)} vs seasonal-naive ${f2(r.snaive)}, coverage ${pct(r.coverage)}, ${r.trainMs.toFixed(0)} ms per model, blend (net/base/naive) ${r.blends.join(" ")}${r.dailyBlends.length ? `, daily ${r.dailyBlends.join(" ")}` : ""}${a["round-point"] ? `; model / naive ${f3(r.ratio)}, point rounded ${f3(r.roundRatio)} (coverage ${pct(r.roundCoverage)}, ${r.wholeFolds} of ${r.folds} folds whole), methods ${JSON.stringify(r.methods)}` : ""}\n`);
    }
    const mean = (k) => meanOf(rows.map((r) => r[k]));
    const pooled = (lo, hi) => core.intervalCoverage(rows.flatMap((r) => r.acc.actual), rows.flatMap((r) => r.acc[lo]), rows.flatMap((r) => r.acc[hi]));
    const summary = { dataset: name, seed: seed ?? 1, plan, model: mean("model"), snaive: mean("snaive"), smean: mean("smean"), coverage: pooled("lo", "hi"), smeanCoverage: pooled("smLo", "smHi"), trainMs: mean("trainMs") };
    summary.ratio = summary.model / summary.snaive;
    if (a["round-point"]) Object.assign(summary, { round: mean("round"), roundRatio: mean("round") / summary.snaive, roundCoverage: pooled("roundLo", "roundHi") });
    runs.push({ summary, rows });
    if (!a.json) {
      console.log(`\n## ${name}${seed === undefined ? "" : `, seed ${seed}`}: ${rows.length} series, ${plan.weeks} ${a.dev ? "development" : "held-out"} weeks (one every ${plan.every}), origins every ${step} h, next 24 h`);
      console.log("| series | MASE model | MASE seasonal-naive | MASE seasonal mean | model / naive | 80 % coverage (model) | coverage (seasonal-mean band) | train ms / model | forecasts |");
      console.log("|---|---|---|---|---|---|---|---|---|");
      for (const r of rows) console.log(`| ${r.series} | ${f2(r.model)} | ${f2(r.snaive)} | ${f2(r.smean)} | ${f2(r.ratio)} | ${pct(r.coverage)} | ${pct(r.smeanCoverage)} | ${r.trainMs.toFixed(0)} | ${r.forecasts} |`);
      console.log(`| **mean** | **${f2(summary.model)}** | ${f2(summary.snaive)} | ${f2(summary.smean)} | **${f2(summary.ratio)}** | **${pct(summary.coverage)}** | ${pct(summary.smeanCoverage)} | ${summary.trainMs.toFixed(0)} | |`);
      if (a["round-point"]) console.log(`| **mean, point rounded** | ${f2(summary.round)} | | | **${f3(summary.roundRatio)}** (model's own ${f3(summary.ratio)}) | ${pct(summary.roundCoverage)} | | | |`);
      if (!a["no-daily"]) {
        console.log(`\nNext 14 days by day (daily model), from each day of the same weeks:`);
        console.log("| series | MASE model | MASE seasonal-naive | MASE seasonal mean | model / naive | 80 % coverage | train ms / daily model | forecasts |");
        console.log("|---|---|---|---|---|---|---|---|");
        for (const r of rows) console.log(`| ${r.series} | ${f2(r.daily.model)} | ${f2(r.daily.snaive)} | ${f2(r.daily.smean)} | ${f2(r.daily.model / r.daily.snaive)} | ${pct(r.daily.coverage)} | ${r.daily.trainMs.toFixed(0)} | ${r.daily.forecasts} |`);
      }
    }
  }
  // over the seeds: the mean of each figure, and the spread of the ratio
  const ms = (k) => meanOf(runs.map((r) => r.summary[k]));
  const ratios = runs.map((r) => r.summary.ratio);
  const rounded = a["round-point"] ? runs.map((r) => r.summary.roundRatio) : [];
  const roundSummary = a["round-point"] ? { roundRatio: meanOf(rounded), roundRatioMin: Math.min(...rounded), roundRatioMax: Math.max(...rounded), roundCoverage: ms("roundCoverage") } : {};
  results.push({ summary: { dataset: name, plan, seeds: runs.map((r) => r.summary.seed), model: ms("model"), snaive: ms("snaive"), smean: ms("smean"), ratio: meanOf(ratios), ratioMin: Math.min(...ratios), ratioMax: Math.max(...ratios), coverage: ms("coverage"), smeanCoverage: ms("smeanCoverage"), trainMs: ms("trainMs"), ...roundSummary }, runs });
}
const machine = `${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), Node ${process.version}, TF.js backend ${results[0]?.runs[0]?.rows[0]?.backend ?? "?"}`;
if (a.json) {
  console.log(JSON.stringify({ machine, results: results.map((r) => ({ summary: r.summary, runs: r.runs.map((x) => ({ summary: x.summary, rows: x.rows.map(({ acc: _acc, ...rest }) => rest) })) })) }, null, 2));
} else {
  console.log(`\n${machine}; total ${((performance.now() - startedAll) / 1000).toFixed(0)} s`);
  const over = seeds.length > 1 ? ` (mean over seeds ${seeds.join(", ")}; model / naive: the mean of each seed's, [least, most])` : "";
  console.log(`\n${a.dev ? "Development" : "Held-out"} weeks${over}:\n`);
  console.log("| dataset | MASE model | MASE seasonal-naive | MASE seasonal mean | model / naive (aim <= 0.8) | 80 % coverage (aim 75-85 %) |");
  console.log("|---|---|---|---|---|---|");
  for (const { summary: s } of results)
    console.log(`| ${s.dataset} | ${f2(s.model)} | ${f2(s.snaive)} | ${f2(s.smean)} | ${f3(s.ratio)}${seeds.length > 1 ? ` [${f3(s.ratioMin)}, ${f3(s.ratioMax)}]` : ""} ${s.ratio <= 0.8 ? "✓" : "✗"} | ${pct(s.coverage)} ${s.coverage >= 0.75 && s.coverage <= 0.85 ? "✓" : "✗"} |`);
  for (const { summary: s } of a["round-point"] ? results : []) {
    console.log(`| ${s.dataset}, point rounded | | | | ${f3(s.roundRatio)}${seeds.length > 1 ? ` [${f3(s.roundRatioMin)}, ${f3(s.roundRatioMax)}]` : ""} ${s.roundRatio <= 0.8 ? "✓" : "✗"} | ${pct(s.roundCoverage)} ${s.roundCoverage >= 0.75 && s.roundCoverage <= 0.85 ? "✓" : "✗"} |`);
  }
}
