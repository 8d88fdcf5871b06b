#!/usr/bin/env node
/**
 * A simulator arrival curve from a real people-count series: the typical week (mean of each local
 * hour of the week over the last `--weeks` weeks up to `--until`, busiest hour = 1) of one series
 * of ../shared/datasets (read in place), printed as the `weeklyCurve` sim setting, so that the
 * demo store's week has the shape of a real street's or mall's week. `arrivalsPerHour` (the
 * store's own size) scales it. Writes a whole agent config with `--config <sim.json> --out <file>`.
 *
 * Usage: node test/bench/sim-curve.mjs --dataset melbourne --series "Bourke Street Mall (North)"
 *        [--weeks 8] [--until 2016-12-01] [--config edge/examples/sim.json --out sim-real.json]
 */
import "./help.mjs"; // --help: this file's leading comment
import { parseArgs } from "node:util";
import { readFileSync, writeFileSync } from "node:fs";
import { READERS } from "./forecast-data.mjs";
import { loadBuilt } from "./built.mjs";

const [{ seriesOf, weeklyProfile }] = await loadBuilt("core/dist/index.js");

const { values: a } = parseArgs({
  options: {
    dataset: { type: "string", default: "melbourne" },
    series: { type: "string" },
    weeks: { type: "string", default: "8" },
    until: { type: "string" },
    config: { type: "string" },
    out: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (a.help) {
  console.log(
    'node test/bench/sim-curve.mjs --dataset <leeds|calit2|melbourne|brooklyn|fremont> [--series NAME] [--weeks 8] [--until YYYY-MM-DD]\n' +
      "  [--config edge/examples/sim.json --out FILE]\nPrints the sim setting weeklyCurve: the typical week of a real people-count series.",
  );
  process.exit(0);
}
const read = READERS[a.dataset];
if (!read) {
  console.error(`unknown dataset "${a.dataset}": one of ${Object.keys(READERS).join(", ")}`);
  process.exit(2);
}
const all = read();
const d = a.series ? all.find((x) => x.name === a.series) : all[0];
if (!d) {
  console.error(`no series "${a.series}" in ${a.dataset}: ${all.map((x) => `"${x.name}"`).join(", ")}`);
  process.exit(2);
}
const weeks = Number(a.weeks);
if (!(Number.isInteger(weeks) && weeks >= 1 && weeks <= 520)) {
  console.error(`--weeks "${a.weeks}" must be a whole number of weeks, 1 to 520`);
  process.exit(2);
}
const from = Math.min(...d.points.map((p) => p.ts));
let to = Math.max(...d.points.map((p) => p.ts)) + 1;
if (a.until) {
  const until = Date.parse(`${a.until}T00:00:00Z`);
  if (!Number.isFinite(until)) {
    console.error(`--until "${a.until}" must be a date YYYY-MM-DD`);
    process.exit(2);
  }
  to = Math.min(to, until);
}
const series = seriesOf({ from, to }, "hour", d.timeZone, d.points);
const curve = weeklyProfile(series, { weeks }).map((x) => Math.round(x * 1000) / 1000);
const source = `${a.dataset}/${d.name}, ${weeks} weeks to ${new Date(series.starts.at(-1) + 3_600_000).toISOString().slice(0, 10)} (../shared/datasets/, see its SOURCE.md)`;
if (a.out) {
  const base = a.config ? JSON.parse(readFileSync(a.config, "utf8")) : { kind: "sim", store: "demo", agent: "sim-1", settings: {} };
  base.settings = { ...(base.settings ?? {}), weeklyCurve: curve };
  base.$comment = `${base.$comment ? `${base.$comment} ` : ""}Arrival curve: the typical week of ${source}.`;
  writeFileSync(a.out, `${JSON.stringify(base, null, 2)}\n`);
  console.error(`wrote ${a.out}: weeklyCurve from ${source}`);
} else {
  console.error(`weeklyCurve from ${source}`);
  console.log(JSON.stringify({ weeklyCurve: curve }));
}
