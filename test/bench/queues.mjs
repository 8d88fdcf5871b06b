// `npm run bench:queues`: checkout queue wait estimates against the simulated truth (issue 14).
// For each seed (QUEUE_SEEDS, default 42,7,99,1,2,3): simulates QUEUE_DAYS days (1) of the demo store
// (its checkout queue, tills staff open when the line is long) with the simulator's engine, turns
// the events into visits with core's visitsOf (as the server does), and for every served person
// asks core's estimateWait at the instant they joined, from the visits known just before: with the
// checkout zone's visits (the tills: people at them count the tills open, and the interval is per
// till, as the server does) and without them (the estimator before the tills). Two truths:
// - the person's own wait (their exit of the queue minus their enter), straight from the simulator;
// - the EXPECTED wait of someone joining at that instant: QUEUE_PROBES (20) copies of the
//   simulation continued with other random streams, with the services under way re-drawn (longer
//   than their elapsed part), one more patient person in the line, their waits averaged. This is
//   what an estimate can promise: the services' ends are not known when someone joins.
// The expected wait used as the estimate gives the floor of the first measure (the spread of single
// waits around their expectation). Prints medians of |est - truth| / truth over people who found
// someone waiting (as the estimate saw it), per seed. Asserts nothing.
// Env: QUEUE_SEEDS (42,7,99,1,2,3), QUEUE_DAYS (1), QUEUE_ARRIVALS (120 per hour at the peak), QUEUE_PROBES (20).
import "./help.mjs"; // --help: this file's leading comment
import { estimateWait, visitsOf, waitStats } from "@footfall/core";
import { SimEngine } from "../../edge/dist/sources/sim/engine.js";
import { checkSimSettings } from "../../edge/dist/sources/sim/settings.js";
import { DEMO_LAYOUT } from "../../edge/dist/sources/sim/demo-layout.js";
import { atHourOfDay, hourOfDay } from "../../edge/dist/sources/sim/clock.js";
import { execSync } from "node:child_process";

const SEEDS = (process.env.QUEUE_SEEDS ?? "42,7,99,1,2,3").split(",").map(Number);
const DAYS = Number(process.env.QUEUE_DAYS ?? 1);
const ARRIVALS = Number(process.env.QUEUE_ARRIVALS ?? 120);
const PROBES = Number(process.env.QUEUE_PROBES ?? 20);
const HOUR = 3_600_000;
const TZ = DEMO_LAYOUT.timezone;
const QUEUE = DEMO_LAYOUT.zones.find((z) => z.kind === "queue");
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const pct = (x) => `${(100 * x).toFixed(1)} %`;
const rel = (est, truth) => Math.abs(est - truth) / Math.max(truth, 1);
const signed = (est, truth) => (est - truth) / Math.max(truth, 1);

/** A zone's visits as {enterTs, exitTs, abandonedAt}, sorted by enter. */
function zoneVisits(all, zone) {
  return all
    .filter((v) => v.zone === zone)
    .map((v) => ({ enterTs: v.enterTs, exitTs: v.status === "closed" ? v.exitTs : null, abandonedAt: v.status === "abandoned" ? v.lastSeenTs : null }))
    .sort((a, b) => a.enterTs - b.enterTs);
}

/** What the server knows at t: visits entered in the last 2 h before t, closed only if they ended by t; a lost one until the visit timeout. */
function knownAt(visits, t) {
  const known = [];
  for (const v of visits) {
    if (v.enterTs >= t) break;
    if (v.enterTs < t - 2 * HOUR) continue;
    if (v.abandonedAt !== null && v.abandonedAt + 30 * 60_000 <= t) continue;
    known.push({ enterTs: v.enterTs, exitTs: v.exitTs !== null && v.exitTs <= t ? v.exitTs : null });
  }
  return known;
}

function runSeed(seed) {
  const checked = checkSimSettings({ door: { enabled: false }, arrivalsPerHour: ARRIVALS });
  if (checked.problems.length) throw new Error(checked.problems.join("; "));
  const start = atHourOfDay(Date.UTC(2025, 2, 4, 12), TZ, 0);
  const truth = new Map();
  const expected = new Map();
  let probeSeed = seed * 1_000_003;
  const engine = new SimEngine({
    settings: checked.value,
    layout: DEMO_LAYOUT,
    seed,
    startMs: start,
    idSalt: "b",
    onQueueWait: (w) => truth.set(w.visitor, w),
    onQueueJoin: (queue, visitor) => {
      if (PROBES === 0) return;
      let sum = 0;
      let n = 0;
      for (let k = 0; k < PROBES; k++) {
        const w = engine.probeWait(queue, probeSeed++, 3 * HOUR, true);
        if (w !== null) {
          sum += w;
          n++;
        }
      }
      if (n > 0) expected.set(visitor, sum / n / 1000);
    },
  });
  const drafts = [];
  const t0 = performance.now();
  for (let t = start; t <= start + (DAYS * 24 + 2) * HOUR; t += 60_000) drafts.push(...engine.advance(t));
  const events = drafts.map((e, i) => ({ id: `sim-1:${i}`, ...e }));
  const all = visitsOf(events, { visitTimeoutMs: 30 * 60_000 });
  const queueVisits = zoneVisits(all, QUEUE.id);
  const tillVisits = zoneVisits(all, QUEUE.queueFor);
  const simMs = performance.now() - t0;

  const served = [...truth.values()].filter((w) => w.served && w.joinTs < start + DAYS * 24 * HOUR).sort((a, b) => a.joinTs - b.joinTs);
  const samples = [];
  const t1 = performance.now();
  for (const p of served) {
    const t = p.joinTs;
    const known = knownAt(queueVisits, t);
    const withTills = estimateWait(t, known, { served: knownAt(tillVisits, t) });
    const without = estimateWait(t, known);
    if (withTills.estimatedWaitS === null || without.estimatedWaitS === null) continue;
    samples.push({
      hour: hourOfDay(t, TZ),
      length: withTills.length,
      tills: withTills.tillsOpen,
      estS: withTills.estimatedWaitS,
      oldS: without.estimatedWaitS,
      trueS: (p.leaveTs - p.joinTs) / 1000,
      expS: expected.get(p.visitor) ?? null,
    });
  }
  const estMs = performance.now() - t1;
  const queued = samples.filter((s) => s.length >= 1);
  const withExp = queued.filter((s) => s.expS !== null);
  const stats = waitStats(served.map((w) => w.leaveTs - w.joinTs));
  const joins = truth.size;
  const r = {
    seed,
    joins,
    served: served.length,
    gaveUp: [...truth.values()].filter((w) => !w.served).length,
    trueMedian: stats.median,
    trueP90: stats.p90,
    n: queued.length,
    perPerson: median(queued.map((s) => rel(s.estS, s.trueS))),
    perPersonSigned: median(queued.map((s) => signed(s.estS, s.trueS))),
    perPersonOld: median(queued.map((s) => rel(s.oldS, s.trueS))),
    floor: median(withExp.map((s) => rel(s.expS, s.trueS))),
    vsExpected: median(withExp.map((s) => rel(s.estS, s.expS))),
    vsExpectedSigned: median(withExp.map((s) => signed(s.estS, s.expS))),
    vsExpectedOld: median(withExp.map((s) => rel(s.oldS, s.expS))),
    every30: median(samples.map((s) => Math.abs(s.estS - s.trueS) / Math.max(s.trueS, 30))),
    hourly: median(hourlyErrors(queued)),
    tillsOpen: median(queued.map((s) => s.tills ?? 0)),
  };
  console.log(`seed ${seed}: ${DAYS} simulated day(s) of the demo store, ${ARRIVALS} arrivals/h at the peak; simulated with ${PROBES} probes per join in ${(simMs / 1000).toFixed(1)} s, ${samples.length} x 2 estimates in ${estMs.toFixed(0)} ms`);
  console.log(`  true waits: ${joins} joins, ${served.length} served, ${r.gaveUp} gave up; median ${stats.median.toFixed(0)} s, p90 ${stats.p90.toFixed(0)} s`);
  console.log(`  people who found someone waiting (n=${queued.length}, ${withExp.length} with an expected wait), median |est - truth| / truth:`);
  console.log(`    vs the person's own wait:  with tills ${pct(r.perPerson)} (signed ${pct(r.perPersonSigned)}), without ${pct(r.perPersonOld)}; the expected wait itself as the estimate (floor) ${pct(r.floor)}`);
  console.log(`    vs the expected wait:      with tills ${pct(r.vsExpected)} (signed ${pct(r.vsExpectedSigned)}), without ${pct(r.vsExpectedOld)}   (aim: within 20 %)`);
  console.log(`  every served joiner, floor 30 s: ${pct(r.every30)}; hourly means of est vs true: ${pct(r.hourly)}`);
  console.log("  by people waiting at the join: ahead  n  tills  true  expected  est (tills)  est (none)  err vs expected (tills / none)");
  for (const [lo, hi] of [[1, 1], [2, 2], [3, 3], [4, 5], [6, 1e9]]) {
    const ss = withExp.filter((s) => s.length >= lo && s.length <= hi);
    if (ss.length === 0) continue;
    const label = hi === lo ? String(lo) : hi > 1e6 ? `${lo}+` : `${lo}-${hi}`;
    const m = (f) => median(ss.map(f)).toFixed(0).padStart(4);
    console.log(`    ${label.padStart(4)} ${String(ss.length).padStart(4)}  ${m((s) => s.tills ?? 0)}  ${m((s) => s.trueS)} s  ${m((s) => s.expS)} s  ${m((s) => s.estS)} s  ${m((s) => s.oldS)} s  ${pct(median(ss.map((s) => rel(s.estS, s.expS))))} / ${pct(median(ss.map((s) => rel(s.oldS, s.expS))))}`);
  }
  return r;
}

function hourlyErrors(ss) {
  const out = [];
  for (let h = 0; h < 24; h++) {
    const xs = ss.filter((s) => s.hour === h);
    if (xs.length < 5) continue;
    const est = xs.reduce((a, s) => a + s.estS, 0) / xs.length;
    const tru = xs.reduce((a, s) => a + s.trueS, 0) / xs.length;
    out.push(Math.abs(est - tru) / tru);
  }
  return out;
}

const load = () => execSync("uptime").toString().trim().replace(/.*load average: /, "");
console.log(`queue bench (load average ${load()})`);
const rows = SEEDS.map(runSeed);
console.log("\n| seed | joins / served / gave up | true wait median / p90 | n | vs own wait: with tills (signed) / without / floor | vs expected wait: with tills (signed) / without | hourly means |");
console.log("|---|---|---|---|---|---|---|");
for (const r of rows) {
  console.log(
    `| ${r.seed} | ${r.joins} / ${r.served} / ${r.gaveUp} | ${r.trueMedian.toFixed(0)} / ${r.trueP90.toFixed(0)} s | ${r.n} | ${pct(r.perPerson)} (${pct(r.perPersonSigned)}) / ${pct(r.perPersonOld)} / ${pct(r.floor)} | ${pct(r.vsExpected)} (${pct(r.vsExpectedSigned)}) / ${pct(r.vsExpectedOld)} | ${pct(r.hourly)} |`,
  );
}
console.log(`load average at the end: ${load()}`);
