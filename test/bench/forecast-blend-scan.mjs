#!/usr/bin/env node
/**
 * How the hourly forecaster's blend (HOURLY_BLEND in models/src/forecast/forecaster.ts) was chosen,
 * on the development split only: every series is cut where its first held-out week of
 * `bench:forecast` begins (as `bench:forecast --dev`), the development weeks before the cut (its PLAN table: 3 or 4 per dataset) are
 * backtested (the same rolling origins, every hour, next 24 hours), each with a model trained once
 * on the hours before its week (the network alone, seeds 1-3), and every blend of BLEND_GRID of
 * the network's median, the seasonal mean and seasonal-naive is scored from the same forecasts:
 * MASE as a share of seasonal-naive's, per series, averaged per dataset, then over the datasets.
 * The held-out weeks are never read.
 *
 * Usage: node test/bench/forecast-blend-scan.mjs [--datasets calit2,leeds,melbourne,brooklyn] [--top 12]
 */
import "./help.mjs"; // --help: this file's leading comment
import { parseArgs } from "node:util";
import { loadBuilt } from "./built.mjs";
import { READERS } from "./forecast-data.mjs";

const [core, models] = await loadBuilt("core/dist/index.js", "models/dist/index.js");

const { values: a } = parseArgs({
  options: {
    datasets: { type: "string", default: "calit2,leeds,melbourne,brooklyn" },
    top: { type: "string", default: "12" },
  },
});

/** bench:forecast's held-out plan (to cut before it), and the development weeks backtested before the cut. */
const PLAN = {
  leeds: { weeks: 8, every: 6, dev: 4 },
  calit2: { weeks: 4, every: 1, dev: 3 },
  melbourne: { weeks: 8, every: 6, dev: 4 },
  brooklyn: { weeks: 6, every: 4, dev: 3 },
  fremont: { weeks: 8, every: 6, dev: 4 },
};
const grid = core.BLEND_GRID;
const perDataset = {};
for (const name of a.datasets.split(",").map((s) => s.trim()).filter(Boolean)) {
  const plan = PLAN[name];
  if (!plan) {
    console.error(`unknown dataset "${name}": one of ${Object.keys(PLAN).join(", ")}`);
    process.exit(2);
  }
  const ratios = grid.map(() => []);
  for (const d of READERS[name]()) {
    let from = Infinity;
    let to = -Infinity;
    for (const p of d.points) {
      if (p.ts < from) from = p.ts;
      if (p.ts > to) to = p.ts;
    }
    const full = core.seriesOf({ from, to: to + 1 }, "hour", d.timeZone, d.points);
    const held = core.rollingOriginFolds({ length: full.values.length, testWeeks: plan.weeks, everyWeeks: plan.every, period: 168, originStep: 1, horizon: 24, minTrain: 8 * 168 });
    const cut = held[0]?.trainEnd ?? full.values.length;
    const series = { ...full, starts: full.starts.slice(0, cut), values: full.values.slice(0, cut) };
    const ctx = core.featureContext(series, d.special);
    const folds = core.rollingOriginFolds({ length: series.values.length, testWeeks: plan.dev, everyWeeks: plan.every, period: 168, originStep: 1, horizon: 24, minTrain: 8 * 168 });
    const err = grid.map(() => 0);
    let naiveErr = 0;
    for (const fold of folds) {
      const model = await models.trainForecastModel(series, d.special, { daily: false, end: fold.trainEnd, blend: "off" });
      for (const o of fold.origins) {
        const net = models.forecastBuckets(ctx, model.hourly, o, 24);
        const sn = core.seasonalNaive(series, ctx.grid, o, 24);
        const base = new Map(core.hourlyFeatures(ctx, o, 24).map((r) => [r.index, r.base]));
        for (let k = 0; k < 24; k++) {
          const y = series.values[o + k];
          const b = base.get(o + k);
          if (y === null || y === undefined || b === undefined || net[k]?.mid == null || sn[k] === null) continue;
          naiveErr += Math.abs(y - sn[k]);
          grid.forEach((w, g) => (err[g] += Math.abs(y - core.blendCount(net[k].mid, b, sn[k], w))));
        }
      }
    }
    grid.forEach((_, g) => ratios[g].push(err[g] / naiveErr));
    process.stderr.write(`${name}/${d.name}: ${folds.length} development weeks before ${new Date(full.starts[cut]).toISOString().slice(0, 10)}\n`);
  }
  perDataset[name] = ratios.map((xs) => xs.reduce((s, x) => s + x, 0) / xs.length);
}
const names = Object.keys(perDataset);
const rows = grid.map((w, g) => ({ w, mean: names.reduce((s, n) => s + perDataset[n][g], 0) / names.length, per: names.map((n) => perDataset[n][g]) }));
const show = (r) => `| ${r.w.net} / ${r.w.base} / ${r.w.naive} | **${r.mean.toFixed(3)}** | ${r.per.map((x) => x.toFixed(3)).join(" | ")} |`;
console.log(`| blend network / seasonal mean / seasonal-naive | mean | ${names.join(" | ")} |`);
console.log(`|---|---|${names.map(() => "---|").join("")}`);
for (const r of [...rows].sort((x, y) => x.mean - y.mean).slice(0, Number(a.top))) console.log(show(r));
console.log(show(rows.find((r) => r.w.net === 1)) + " (the network alone)");
console.log(`\nHOURLY_BLEND now: ${JSON.stringify(models.HOURLY_BLEND)}`);
