// `node test/bench/sim-clock.mjs`: the simulator's local clock (edge/src/sources/sim/clock.ts), which the
// engine asks for the arrival curve's hour at every event. Two figures, each for this build and a baseline
// build measured in the same run, alternating rounds (medians printed, and the ratio):
//   1. hourOfDay / hourOfWeek calls per second over instants of SIM_CLOCK_STORES stores in 4 time zones,
//      one store after another (as the chain simulator walks its stores);
//   2. the chain's stores (edge/dist/chain/stores.js) walked by the sim engine for SIM_CLOCK_HOURS simulated
//      hours in 6-second steps (a 100 ms tick at speed 60), store after store each step: events per CPU second.
// Asserts nothing.
// Env: SIM_CLOCK_BASELINE (an edge/dist directory of the build to compare with, e.g. a copy of edge/dist whose
// sources/sim/clock.js is the old one; with node_modules reachable from it), SIM_CLOCK_STORES (200),
// SIM_CLOCK_HOURS (6), SIM_CLOCK_ROUNDS (5).
import "./help.mjs"; // --help: this file's leading comment
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { cpus, loadavg } from "node:os";

const here = dirname(fileURLToPath(import.meta.url));
const STORES = Number(process.env.SIM_CLOCK_STORES ?? 200);
const HOURS = Number(process.env.SIM_CLOCK_HOURS ?? 6);
const ROUNDS = Number(process.env.SIM_CLOCK_ROUNDS ?? 5);
const builds = [["this build", join(here, "..", "..", "edge", "dist")]];
if (process.env.SIM_CLOCK_BASELINE) builds.unshift(["baseline", resolve(process.env.SIM_CLOCK_BASELINE)]);

const load = async (dist) => ({
  clock: await import(pathToFileURL(join(dist, "sources", "sim", "clock.js")).href),
  engine: await import(pathToFileURL(join(dist, "sources", "sim", "engine.js")).href),
  stores: await import(pathToFileURL(join(dist, "chain", "stores.js")).href),
  settings: await import(pathToFileURL(join(dist, "sources", "sim", "settings.js")).href),
});
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString("en-US");

const ZONES = ["Europe/Paris", "America/New_York", "Australia/Melbourne", "Asia/Kolkata"];
const T0 = Date.UTC(2026, 2, 28, 18); // a day before Paris moves its clock (Melbourne a week later)

function calls({ clock }) {
  const n = 400_000;
  let sink = 0;
  const t = cpuMs();
  for (let i = 0; i < n; i++) {
    const ms = T0 + i * 6_000;
    const tz = ZONES[i % STORES % ZONES.length];
    sink += i & 1 ? clock.hourOfWeek(ms, tz) : clock.hourOfDay(ms, tz);
  }
  return { perS: n / ((cpuMs() - t) / 1000), sink };
}

function walk({ engine, stores, settings }) {
  const chain = stores.chainStores({ count: STORES, seed: 1 });
  const engines = chain.map((s) => {
    const checked = settings.checkSimSettings({ ...s.settings, layout: s.layout });
    return new engine.SimEngine({ settings: checked.value, layout: s.layout, seed: s.settings.seed, startMs: T0, idSalt: "b" });
  });
  let events = 0;
  const t = cpuMs();
  for (let now = T0 + 6_000; now <= T0 + HOURS * 3_600_000; now += 6_000) for (const e of engines) events += e.advance(now).length;
  return { events, perS: events / ((cpuMs() - t) / 1000) };
}

const loaded = [];
for (const [name, dist] of builds) loaded.push([name, await load(dist)]);
console.log(`sim-clock: ${cpus().length} x ${cpus()[0]?.model}, load ${loadavg().map((l) => l.toFixed(1)).join(" ")}, ${STORES} stores, ${HOURS} h, ${ROUNDS} rounds`);
const results = new Map(loaded.map(([name]) => [name, { calls: [], walk: [], events: 0 }]));
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, m] of loaded) {
    const res = results.get(name);
    res.calls.push(calls(m).perS);
    const w = walk(m);
    res.walk.push(w.perS);
    res.events = w.events;
  }
}
const rows = [...results].map(([name, r]) => ({ name, calls: median(r.calls), walk: median(r.walk), events: r.events }));
for (const r of rows) console.log(`${r.name.padEnd(11)} clock calls/s ${fmt(r.calls).padStart(12)}   engine events/CPU s ${fmt(r.walk).padStart(9)}   (${fmt(r.events)} events)`);
if (rows.length === 2) {
  const [b, n] = rows;
  console.log(`ratio       clock calls x${(n.calls / b.calls).toFixed(1)}   engine events/CPU s x${(n.walk / b.walk).toFixed(2)}   same number of events: ${b.events === n.events}`);
}
console.log(`load at end ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
