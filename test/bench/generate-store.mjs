// Writes a synthetic 20-zone store with `events` accepted events over `days` days straight into a
// data dir's SQLite file (the query benchmark's fixture). Usage: node generate-store.mjs <dataDir> <events> <days>
import { openStorage } from "../../server/dist/storage.js";

const [dataDir, eventsArg = "5000000", daysArg = "30"] = process.argv.slice(2);
const target = Number(eventsArg);
const days = Number(daysArg);
const store = "bench";
const zones = Array.from({ length: 20 }, (_, i) => (i === 0 ? "entrance" : i === 19 ? "checkout" : `zone-${String(i).padStart(2, "0")}`));
const storage = openStorage(dataDir);
const end = Math.floor(Date.now() / 3_600_000) * 3_600_000;
const start = end - days * 86_400_000;
storage.stores.saveLayout(store, {
  name: "Benchmark store",
  validFrom: start - 86_400_000,
  timezone: "Europe/Paris",
  floor: { width: 100, height: 50 },
  zones: zones.map((id, i) => ({
    id,
    name: id,
    kind: i === 0 ? "entrance" : i === 19 ? "checkout" : "zone",
    capacity: 30,
    polygon: [[(i % 10) * 10, Math.floor(i / 10) * 25], [(i % 10) * 10 + 9, Math.floor(i / 10) * 25], [(i % 10) * 10 + 9, Math.floor(i / 10) * 25 + 24], [(i % 10) * 10, Math.floor(i / 10) * 25 + 24]],
  })),
}, Date.now());

let seed = 42;
const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 4294967296);
let seq = 0;
let n = 0;
const id = () => `gen:${String(seq++).padStart(10, "0")}`;
const eventsPerVisitor = 11;
const visitors = Math.floor(target / eventsPerVisitor);
const t0 = performance.now();
let batch = [];
const flush = () => {
  storage.transaction(() => {
    for (const e of batch) storage.events.insert(store, "gen", e, e.ts);
  });
  batch = [];
};
for (let v = 0; v < visitors && n < target; v++) {
  // Arrivals spread over the days, busier in the afternoon.
  const day = Math.floor(rand() * days);
  const hour = 8 + Math.floor(rand() * 12);
  let ts = start + day * 86_400_000 + hour * 3_600_000 + Math.floor(rand() * 3_600_000);
  const visitor = `g${v.toString(36)}`;
  const path = ["entrance", ...Array.from({ length: 3 }, () => zones[1 + Math.floor(rand() * 18)]), rand() < 0.8 ? "checkout" : zones[1 + Math.floor(rand() * 18)]];
  for (const zone of path) {
    batch.push({ type: "enter", id: id(), ts, zone, visitor });
    ts += 5_000 + Math.floor(rand() * 300_000);
    batch.push({ type: "exit", id: id(), ts, zone, visitor });
    ts += 1_000;
    n += 2;
  }
  batch.push({ type: "count", id: id(), ts, zone: "entrance", in: 1, out: 0 });
  n++;
  if (batch.length >= 20_000) flush();
  if (v % 100_000 === 0 && v > 0) process.stderr.write(`  generated ${n.toLocaleString()} events\n`);
}
flush();
storage.close();
process.stdout.write(JSON.stringify({ store, events: n, days, start, end, seconds: (performance.now() - t0) / 1000 }) + "\n");
