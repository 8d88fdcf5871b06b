#!/usr/bin/env node
/**
 * Accuracy of the beacon zone tracker (edge/dist, the code the agent runs) on simulated RSSI traces
 * (test/bench/beacon-sim.mjs): a 30 x 20 m floor, six 10 x 10 m zones with one ceiling receiver
 * each, visitors walking known paths, log-distance path loss with log-normal shadowing of sigma 4,
 * 6 and 8 dB (correlated over ~2 s, and independent per advert), 85% of adverts heard.
 *
 * Figures, per sigma:
 * - time in the correct zone: share of 1-second instants, from a visitor's arrival to 30 s after
 *   leaving, where the tracker's zone equals the true one (no zone after leaving);
 * - enter and exit precision and recall: a reported enter (exit) matches a true one of the same
 *   zone within ±tolerance (10 s), one to one;
 * - dwell error: |reported - true| dwell of visits whose enter and exit both matched;
 * - spurious zone changes per visit: reported enters that match no true enter, per true visit
 *   (boundary flaps and phantom visits).
 *
 * Usage: node test/bench/beacon-accuracy.mjs [--visitors 200] [--seed 1] [--q 1.5] [--r 40]
 *        [--hysteresis 3] [--stay 4000] [--stale 6000] [--tolerance 10000] [--json]
 *        [--decoder hmm|hysteresis] [--move-cost 6] [--scale-db 3] [--max-cost 4] [--lag 4] [--step 1000]
 *        [--no-adjacency]  (hmm: every zone may follow every other, instead of the floor's neighbours)
 */
import "./help.mjs"; // --help: this file's leading comment
import { parseArgs } from "node:util";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { rng, sightings, storeFloor, truthVisits, walk, zoneAt } from "./beacon-sim.mjs";

const dist = fileURLToPath(new URL("../../edge/dist/sources/beacon/index.js", import.meta.url));
if (!existsSync(dist)) {
  console.error(`${dist} is missing: build first with \`npx tsc -b\``);
  process.exit(2);
}
const { BeaconTracker } = await import(dist);

const { values: a } = parseArgs({
  options: {
    visitors: { type: "string", default: "200" },
    seed: { type: "string", default: "1" },
    q: { type: "string" },
    r: { type: "string" },
    hysteresis: { type: "string" },
    stay: { type: "string" },
    stale: { type: "string" },
    tolerance: { type: "string", default: "10000" },
    sigmas: { type: "string", default: "4,6,8" },
    taus: { type: "string", default: "2000,0" },
    decoder: { type: "string" },
    "move-cost": { type: "string" },
    "scale-db": { type: "string" },
    "max-cost": { type: "string" },
    lag: { type: "string" },
    step: { type: "string" },
    "no-adjacency": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  },
});

// The agent's defaults (edge/src/sources/beacon/settings.ts), unless overridden.
const { BeaconSettingsSchema } = await import(fileURLToPath(new URL("../../edge/dist/sources/beacon/settings.js", import.meta.url)));
const d = BeaconSettingsSchema.properties.tracking.properties;
const params = {
  q: Number(a.q ?? d.kalmanQ.default),
  r: Number(a.r ?? d.kalmanR.default),
  hysteresisDb: Number(a.hysteresis ?? d.hysteresisDb.default),
  minStayMs: Number(a.stay ?? d.minStayMs.default),
  staleMs: Number(a.stale ?? d.staleMs.default),
  lostAfterMs: d.lostAfterMs.default,
  minRssi: d.minRssi.default,
  decoder: a.decoder ?? d.decoder.default,
  hmm: {
    moveCost: Number(a["move-cost"] ?? d.hmmMoveCost.default),
    scaleDb: Number(a["scale-db"] ?? d.hmmScaleDb.default),
    maxCost: Number(a["max-cost"] ?? d.hmmMaxCost.default),
    lag: Number(a.lag ?? d.hmmLag.default),
    stepMs: Number(a.step ?? d.hmmStepMs.default),
  },
};
const tolerance = Number(a.tolerance);
const floor = storeFloor();
// The floor's adjacency as the agent derives it from a layout: zone outlines within 1 m (here the
// grid's wall neighbours, and the diagonal ones, which share a corner).
const { layoutAdjacency } = await import(fileURLToPath(new URL("../../edge/dist/sources/beacon/adjacency.js", import.meta.url)));
const rect = (z) => [
  [z.x0, z.y0],
  [z.x1, z.y0],
  [z.x1, z.y1],
  [z.x0, z.y1],
];
const adjacency = a["no-adjacency"]
  ? null
  : layoutAdjacency(
      floor.zones.map((z) => ({ id: z.id, polygon: rect(z) })),
      d.adjacencyGapM.default,
    );

/** Reported visits from zone changes. */
function reportedVisits(changes) {
  const visits = [];
  let open = null;
  for (const c of changes) {
    if (c.type === "enter") open = { zone: c.zone, enter: c.ts, exit: null };
    else if (open) {
      open.exit = c.ts;
      visits.push(open);
      open = null;
    }
  }
  if (open) visits.push({ ...open, exit: Infinity });
  return visits;
}

/** One-to-one greedy matching of times of the same zone within the tolerance; returns pairs. */
function match(truth, reported, key) {
  const used = new Set();
  const pairs = [];
  for (const [i, t] of truth.entries()) {
    let best = -1;
    let bestD = Infinity;
    for (const [j, r] of reported.entries()) {
      if (used.has(j) || r.zone !== t.zone) continue;
      const dd = Math.abs(r[key] - t[key]);
      if (dd <= tolerance && dd < bestD) {
        best = j;
        bestD = dd;
      }
    }
    if (best >= 0) {
      used.add(best);
      pairs.push([i, best]);
    }
  }
  return pairs;
}

function run(sigma, tauMs) {
  const random = rng(Number(a.seed) * 1000 + sigma * 10 + (tauMs > 0 ? 1 : 0));
  const acc = {
    instants: 0,
    correct: 0,
    truthVisits: 0,
    reportedEnters: 0,
    reportedExits: 0,
    enterMatched: 0,
    exitMatched: 0,
    spurious: 0,
    dwellErrors: [],
    transitions: 0,
  };
  const n = Number(a.visitors);
  for (let v = 0; v < n; v++) {
    const start = 1_700_000_000_000 + v * 3_600_000;
    const samples = walk(floor, random, start);
    const truth = truthVisits(floor, samples);
    const trace = sightings(floor, samples, random, { sigma, beacon: `b${v}`, tauMs });
    const tracker = new BeaconTracker({
      receivers: Object.fromEntries(floor.receivers.map((r) => [r.id, { zone: r.zone }])),
      kalman: { q: params.q, r: params.r },
      staleMs: params.staleMs,
      lostAfterMs: params.lostAfterMs,
      minRssi: params.minRssi,
      hysteresisDb: params.hysteresisDb,
      minStayMs: params.minStayMs,
      decoder: params.decoder,
      hmm: params.hmm,
      adjacency,
    });
    const changes = [];
    let nextTick = start;
    for (const s of trace) {
      while (nextTick < s.ts) changes.push(...tracker.tick((nextTick += 1000)));
      changes.push(...tracker.see(s));
    }
    const end = samples.at(-1).t + 60_000;
    while (nextTick < end) changes.push(...tracker.tick((nextTick += 1000)));
    const reported = reportedVisits(changes);

    // Time in the correct zone, each second from arrival to 30 s after leaving.
    const leave = samples.at(-1).t;
    let si = 0;
    for (let t = start + 1000; t <= leave + 30_000; t += 1000) {
      while (si < samples.length - 1 && samples[si + 1].t <= t) si++;
      const truthZone = t > leave ? null : zoneAt(floor, samples[si].x, samples[si].y);
      const rep = reported.find((r) => r.enter <= t && t < r.exit)?.zone ?? null;
      acc.instants++;
      if (rep === truthZone) acc.correct++;
    }
    acc.truthVisits += truth.length;
    acc.transitions += truth.length - 1;
    acc.reportedEnters += reported.length;
    acc.reportedExits += reported.filter((r) => r.exit !== Infinity).length;
    const enters = match(truth, reported, "enter");
    const exits = match(
      truth,
      reported.filter((r) => r.exit !== Infinity),
      "exit",
    );
    acc.enterMatched += enters.length;
    acc.exitMatched += exits.length;
    acc.spurious += reported.length - enters.length;
    const exitOf = new Map(exits.map(([ti, ri]) => [ti, reported.filter((r) => r.exit !== Infinity)[ri]]));
    for (const [ti, ri] of enters) {
      const rExit = exitOf.get(ti);
      if (rExit && rExit === reported[ri]) acc.dwellErrors.push(Math.abs(rExit.exit - rExit.enter - (truth[ti].exit - truth[ti].enter)) / 1000);
    }
  }
  const sorted = [...acc.dwellErrors].sort((x, y) => x - y);
  return {
    sigma,
    tauMs,
    visitors: Number(a.visitors),
    truthVisits: acc.truthVisits,
    timeCorrect: acc.correct / acc.instants,
    enterPrecision: acc.enterMatched / acc.reportedEnters,
    enterRecall: acc.enterMatched / acc.truthVisits,
    exitPrecision: acc.exitMatched / acc.reportedExits,
    exitRecall: acc.exitMatched / acc.truthVisits,
    dwellErrorMeanS: sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length),
    dwellErrorMedianS: sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : null,
    spuriousPerVisit: acc.spurious / acc.truthVisits,
  };
}

const results = [];
for (const tau of a.taus.split(",").map(Number)) for (const sigma of a.sigmas.split(",").map(Number)) results.push(run(sigma, tau));

if (a.json) console.log(JSON.stringify({ params, tolerance, results }, null, 2));
else {
  const pct = (x) => `${(100 * x).toFixed(1)}%`;
  const h = params.hmm;
  const decoder =
    params.decoder === "hmm"
      ? `hmm (move cost ${h.moveCost}, ${h.scaleDb} dB per nat, step cost at most ${h.maxCost}, lag ${h.lag} x ${h.stepMs} ms, ${adjacency ? `floor adjacency, ${adjacency.length} pairs` : "any zone to any"})`
      : `hysteresis ${params.hysteresisDb} dB`;
  console.log(
    `beacon tracker accuracy: ${a.visitors} visitors per row, seed ${a.seed}; q=${params.q} dB²/s, r=${params.r} dB², ${decoder}, min stay ${params.minStayMs} ms, stale ${params.staleMs} ms; match tolerance ±${tolerance / 1000} s`,
  );
  console.log("shadowing            visits  in zone  enter P/R        exit P/R         dwell err mean/median  spurious/visit");
  for (const r of results) {
    console.log(
      `${`sigma ${r.sigma} dB ${r.tauMs ? `corr ${r.tauMs / 1000} s` : "iid"}`.padEnd(20)} ${String(r.truthVisits).padStart(6)}  ${pct(r.timeCorrect).padStart(7)}  ${pct(r.enterPrecision)}/${pct(r.enterRecall)}`.padEnd(
        64,
      ) +
        ` ${pct(r.exitPrecision)}/${pct(r.exitRecall)}`.padEnd(17) +
        ` ${r.dwellErrorMeanS.toFixed(1)} s / ${r.dwellErrorMedianS?.toFixed(1)} s`.padEnd(24) +
        ` ${r.spuriousPerVisit.toFixed(3)}`,
    );
  }
}
