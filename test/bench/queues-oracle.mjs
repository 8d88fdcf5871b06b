// Analysis for issue 14's queue wait bar (not a benchmark of the product): at every join of the
// demo store's checkout queue over a simulated day (seed SEED, default 42), the simulator's true
// state (people in the line, tills open, elapsed services at the tills, read from the engine's
// private fields, so this script follows the engine's internals), and how far from each person's
// own wait estimators that know more than a server could get:
// - "rule false/true": Monte Carlo over the true service distribution (log-normal, median 75 s,
//   sigma 0.4) given the tills open and the elapsed services, without / with the staffing rule
//   (a till more 60 s after the line reaches 4); mean, median, and the 1/w-weighted median;
// - "observable": what the checkout zone's visits give (people at the tills as the tills open,
//   their elapsed times, the last hour's services), and the share of joins where the people at
//   the tills equal the tills open.
// Prints median |est - own wait| / own wait over joins with someone waiting. See BENCHMARKS.md.
import "./help.mjs"; // --help: this file's leading comment
import { SimEngine } from "../../edge/dist/sources/sim/engine.js";
import { checkSimSettings } from "../../edge/dist/sources/sim/settings.js";
import { DEMO_LAYOUT } from "../../edge/dist/sources/sim/demo-layout.js";
import { atHourOfDay } from "../../edge/dist/sources/sim/clock.js";
import { Random } from "../../edge/dist/sources/sim/prng.js";
const SEED = Number(process.env.SEED ?? 42);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const checked = checkSimSettings({ door: { enabled: false }, arrivalsPerHour: 120 });
const start = atHourOfDay(Date.UTC(2025, 2, 4, 12), DEMO_LAYOUT.timezone, 0);
const truth = new Map();
const engine = new SimEngine({ settings: checked.value, layout: DEMO_LAYOUT, seed: SEED, startMs: start, idSalt: "b", onQueueWait: (w) => truth.set(w.visitor, w) });
const atTill = new Map();
const oEnter = engine.onEnter, oLeave = engine.onLeave, oJoin = engine.onJoin;
engine.onEnter = function (v, z) { if (z.kind === "checkout") atTill.set(v.id, this.now); return oEnter.call(this, v, z); };
const closedSvc = [];
engine.onLeave = function (v, z) { if (z.kind === "checkout") { closedSvc.push({ end: this.now, s: (this.now - atTill.get(v.id)) / 1000 }); atTill.delete(v.id); } return oLeave.call(this, v, z); };
const joins = [];
engine.onJoin = function (visitor, queue, checkout) {
  if (visitor.step !== visitor.vanishAtStep) {
    const t = this.tillsOf(checkout);
    const elapsed = [...atTill.values()].map((e) => (this.now - e) / 1000).filter((e) => e < 600).sort((a, b) => a - b).slice(0, t.busy);
    const services = [...closedSvc].filter((x) => x.end > this.now - 3600_000).map((x) => x.s);
    while (elapsed.length < t.busy) elapsed.push(0); // walking to the till
    joins.push({ id: visitor.id, ts: this.now, line: t.line.length, open: t.open, busy: t.busy, opening: t.opening, elapsed, services, obsBusy: [...atTill.values()].filter((e) => this.now - e < 600000).length });
  }
  return oJoin.call(this, visitor, queue, checkout);
};
for (let t = start; t <= start + 26 * 3600_000; t += 60_000) engine.advance(t);
const rng = new Random(1);
const S = () => rng.logNormal(75, 0.4);
function residual(e) { for (;;) { const s = S(); if (s > e) return s - e; } }
// Monte Carlo wait samples: c servers, busy ones with elapsed; n ahead; staffing rule optional.
function samples(r, rule, N = 400) {
  const out = [];
  for (let k = 0; k < N; k++) {
    const free = [];
    for (let i = 0; i < r.open; i++) free.push(i < r.elapsed.length ? residual(r.elapsed[i]) : 0);
    if (rule && r.line + 1 >= 4 && r.open < 4 && !r.opening) free.push(60);
    else if (rule && r.opening) free.push(30); // opening soon, unknown when
    free.sort((a, b) => a - b);
    let w = 0;
    for (let i = 0; i <= r.line; i++) { free.sort((a, b) => a - b); w = free[0]; free[0] = w + (i < r.line ? S() : 0); }
    out.push(w);
  }
  return out;
}
function best(ws) { // minimises mean |e - w| / w: the median weighted by 1/w
  const s = ws.filter((w) => w > 0).sort((a, b) => a - b); const tot = s.reduce((a, w) => a + 1 / w, 0); let acc = 0; for (const w of s) { acc += 1 / w; if (acc >= tot / 2) return w; } return 0;
}
const rows = joins.map((j) => ({ ...j, trueS: truth.get(j.id)?.served ? (truth.get(j.id).leaveTs - truth.get(j.id).joinTs) / 1000 : null })).filter((r) => r.trueS !== null);
const q = rows.filter((r) => r.line >= 1);
const rel = (a, b) => Math.abs(a - b) / Math.max(b, 1);
for (const rule of [false, true]) {
  const m = q.map((r) => { const ws = samples(r, rule); return { r, mean: ws.reduce((a, b) => a + b, 0) / ws.length, med: median(ws), best: best(ws) }; });
  console.log(`seed ${SEED} rule ${rule}: n=${q.length} floor(mean) ${(100 * median(m.map((x) => rel(x.mean, x.r.trueS)))).toFixed(1)} % floor(median) ${(100 * median(m.map((x) => rel(x.med, x.r.trueS)))).toFixed(1)} % floor(1/w-median) ${(100 * median(m.map((x) => rel(x.best, x.r.trueS)))).toFixed(1)} %`);
}
// Observable estimators: c = busy at the checkout now, empirical services of the last hour
function empSamples(r, N = 400) {
  const sv = r.services; const out = [];
  if (sv.length < 3) return null;
  const pick = () => sv[Math.floor(rng.float() * sv.length)];
  const c = Math.max(1, r.elapsed.length);
  for (let k = 0; k < N; k++) {
    const free = [];
    for (let i = 0; i < c; i++) { const e = r.elapsed[i] ?? 0; const later = sv.filter((x) => x > e); free.push(later.length ? later[Math.floor(rng.float() * later.length)] - e : 0); }
    let w = 0;
    for (let i = 0; i <= r.line; i++) { free.sort((a, b) => a - b); w = free[0]; free[0] = w + (i < r.line ? pick() : 0); }
    out.push(w);
  }
  return out;
}
function detFwd(r) {
  const sv = r.services; if (sv.length < 3) return null;
  const mean = sv.reduce((a, b) => a + b, 0) / sv.length;
  const c = Math.max(1, r.elapsed.length);
  const free = [];
  for (let i = 0; i < c; i++) { const e = r.elapsed[i] ?? 0; const later = sv.filter((x) => x > e); free.push(later.length ? later.reduce((a, b) => a + b, 0) / later.length - e : 0); }
  let w = 0;
  for (let i = 0; i <= r.line; i++) { free.sort((a, b) => a - b); w = free[0]; free[0] = w + (i < r.line ? mean : 0); }
  return w;
}
{
  const m = q.map((r) => { const ws = empSamples(r); return ws && { r, mean: ws.reduce((a, b) => a + b, 0) / ws.length, med: median(ws), det: detFwd(r), simple: ((r.line + 1) / Math.max(1, r.elapsed.length)) * (r.services.reduce((a, b) => a + b, 0) / r.services.length) }; }).filter(Boolean);
  console.log(`  observable (c = people at the tills, empirical services): n=${m.length} mc-mean ${(100 * median(m.map((x) => rel(x.mean, x.r.trueS)))).toFixed(1)} % mc-median ${(100 * median(m.map((x) => rel(x.med, x.r.trueS)))).toFixed(1)} % det-forward ${(100 * median(m.map((x) => rel(x.det, x.r.trueS)))).toFixed(1)} % (n+1)/c*mean ${(100 * median(m.map((x) => rel(x.simple, x.r.trueS)))).toFixed(1)} %`);
  console.log(`  signed mc-median ${(100 * median(m.map((x) => (x.med - x.r.trueS) / x.r.trueS))).toFixed(1)} %  obsBusy==open share ${(m.filter((x) => x.r.elapsed.length === x.r.open).length / m.length).toFixed(2)}`);
}
