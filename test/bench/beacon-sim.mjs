/**
 * Simulated BLE beacon traces for the beacon benchmark: a store floor with receivers, visitors
 * walking known paths, RSSI from a log-distance path-loss model with log-normal shadowing.
 * Pure and seeded: the same seed gives the same traces.
 */

/** mulberry32, from core (the project's one seeded generator). */
export { mulberry32 as rng } from "../../core/dist/random.js";
export function gauss(random) {
  let u = 0;
  while (u === 0) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * A 30 x 20 m floor cut into a 3 x 2 grid of 10 x 10 m zones, one receiver on the ceiling at the
 * centre of each zone (the usual one-gateway-per-department install).
 */
export function storeFloor() {
  const zones = [];
  const names = [
    ["entrance", "fruit", "bakery"],
    ["checkout", "dairy", "drinks"],
  ];
  for (let row = 0; row < 2; row++)
    for (let col = 0; col < 3; col++) zones.push({ id: names[row][col], x0: col * 10, y0: row * 10, x1: col * 10 + 10, y1: row * 10 + 10, row, col });
  const receivers = zones.map((z) => ({ id: `rx-${z.id}`, zone: z.id, x: (z.x0 + z.x1) / 2, y: (z.y0 + z.y1) / 2 }));
  return { width: 30, height: 20, zones, receivers };
}

export const zoneAt = (floor, x, y) => floor.zones.find((z) => x >= z.x0 && x < z.x1 && y >= z.y0 && y < z.y1)?.id ?? null;

/**
 * One visitor's walk, sampled every `stepMs`: enters at the entrance, browses 3-6 zones (each a
 * neighbour of the previous one), in each zone wanders between random points for 30-180 s, walks
 * (1 m/s) to the next; then walks back out through the entrance and is gone. Returns positions.
 */
export function walk(floor, random, startMs, stepMs = 250) {
  const zone = (id) => floor.zones.find((z) => z.id === id);
  const neighbours = (z) => floor.zones.filter((o) => Math.abs(o.row - z.row) + Math.abs(o.col - z.col) === 1);
  const pointIn = (z, margin = 0.5) => ({ x: z.x0 + margin + random() * (z.x1 - z.x0 - 2 * margin), y: z.y0 + margin + random() * (z.y1 - z.y0 - 2 * margin) });
  const plan = [zone("entrance")];
  const n = 3 + Math.floor(random() * 4);
  for (let i = 0; i < n; i++) {
    const options = neighbours(plan.at(-1)).filter((z) => z !== plan.at(-2));
    plan.push(options[Math.floor(random() * options.length)]);
  }
  // Back to the entrance along neighbours (a shortest grid path).
  let cur = plan.at(-1);
  while (cur.id !== "entrance") {
    cur = neighbours(cur).sort((a, b) => a.row + a.col - (b.row + b.col))[0];
    plan.push(cur);
  }
  const samples = [];
  let t = startMs;
  let pos = { x: 0.3, y: 3 + random() * 4 }; // the door, on the entrance's left wall
  const moveTo = (target, speed) => {
    const d = Math.hypot(target.x - pos.x, target.y - pos.y);
    const steps = Math.max(1, Math.ceil(d / speed / (stepMs / 1000)));
    const from = pos;
    for (let i = 1; i <= steps; i++) {
      t += stepMs;
      pos = { x: from.x + ((target.x - from.x) * i) / steps, y: from.y + ((target.y - from.y) * i) / steps };
      samples.push({ t, ...pos });
    }
  };
  const wait = (ms) => {
    for (let e = 0; e < ms; e += stepMs) {
      t += stepMs;
      samples.push({ t, ...pos });
    }
  };
  for (const [i, z] of plan.entries()) {
    const last = i === plan.length - 1;
    if (last) {
      moveTo(pointIn(z), 1);
      wait(5000 + random() * 15_000);
      moveTo({ x: 0.3, y: 3 + random() * 4 }, 1); // out through the door
      break;
    }
    moveTo(pointIn(z), 1);
    const dwell = 30_000 + random() * 150_000;
    const until = t + dwell;
    while (t < until) {
      moveTo(pointIn(z), 0.4);
      wait(2000 + random() * 10_000);
    }
  }
  return samples;
}

/** The true zone visits of a walk: maximal runs of samples in one zone. */
export function truthVisits(floor, samples) {
  const visits = [];
  for (const s of samples) {
    const z = zoneAt(floor, s.x, s.y);
    const open = visits.at(-1);
    if (open && open.zone === z) open.exit = s.t;
    else {
      if (open) open.exit = s.t;
      if (z) visits.push({ zone: z, enter: s.t, exit: s.t });
    }
  }
  return visits;
}

/**
 * Sightings of a walk: every advertisement (`advertMs`) each receiver hears with probability
 * `pRx`, at RSSI = txPower - 10 n log10(d) + shadowing, where d is the 3-D distance to the ceiling
 * receiver and the shadowing is log-normal with standard deviation `sigma` dB, correlated in time
 * (first-order autoregressive with time constant `tauMs`; 0 = independent per advert).
 * Readings below the receivers' sensitivity (-100 dBm) are not heard.
 */
export function sightings(floor, samples, random, { sigma, beacon, tauMs = 2000, advertMs = 1000, pRx = 0.85, txPower = -59, n = 2.2, ceilingM = 1.7 }) {
  const out = [];
  const shadow = new Map(floor.receivers.map((r) => [r.id, gauss(random) * sigma]));
  let next = samples[0]?.t ?? 0;
  let lastT = next;
  for (const s of samples) {
    if (s.t < next) continue;
    const dt = s.t - lastT;
    lastT = s.t;
    next = s.t + advertMs;
    const rho = tauMs > 0 ? Math.exp(-dt / tauMs) : 0;
    for (const r of floor.receivers) {
      const prev = shadow.get(r.id);
      const sh = rho * prev + Math.sqrt(1 - rho * rho) * sigma * gauss(random);
      shadow.set(r.id, sh);
      if (random() > pRx) continue;
      const d = Math.max(0.5, Math.hypot(s.x - r.x, s.y - r.y, ceilingM));
      const rssi = Math.round(txPower - 10 * n * Math.log10(d) + sh);
      if (rssi < -100) continue;
      out.push({ receiver: r.id, beacon, rssi, ts: s.t + Math.floor(random() * 50) });
    }
  }
  return out;
}
