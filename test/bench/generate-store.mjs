// Writes synthetic 20-zone stores straight into a data dir's SQLite file (the query and restart
// benchmarks' fixture): `events` accepted events in all over `days` days, spread over `stores`
// stores, each batch inserted and folded into the aggregates in one transaction, as the ingest
// pipeline does. Usage: node generate-store.mjs <dataDir> <events> <days> [stores] [eventsPerVisitor]
// Stores are named `bench` (one) or `bench-000`, `bench-001`, ... Prints a JSON summary.
import { openStorage } from "../../server/dist/storage.js";
import { AnalyticsRegistry } from "../../server/dist/analytics/registry.js";
import { createLogger } from "../../server/dist/log.js";

const [dataDir, eventsArg = "5000000", daysArg = "30", storesArg = "1", perVisitorArg = "11"] = process.argv.slice(2);
const target = Number(eventsArg);
const days = Number(daysArg);
const storeCount = Number(storesArg);
const eventsPerVisitor = Number(perVisitorArg); // 11: five zones and a door count; 3: one visit and a door count
const zones = Array.from({ length: 20 }, (_, i) => (i === 0 ? "entrance" : i === 19 ? "checkout" : `zone-${String(i).padStart(2, "0")}`));
const storage = await openStorage(dataDir);
const end = Math.floor(Date.now() / 3_600_000) * 3_600_000;
const start = end - days * 86_400_000;
const visitTimeoutMs = 30 * 60_000;
const registry = new AnalyticsRegistry(storage, { visitTimeoutMs, now: () => end }, createLogger("silent"));
const stores = Array.from({ length: storeCount }, (_, i) => (storeCount === 1 ? "bench" : `bench-${String(i).padStart(3, "0")}`));
for (const store of stores) {
  await storage.stores.saveLayout(store, {
    name: `Benchmark store ${store}`,
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
}

let seed = 42;
const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 4294967296);
let seq = 0;
let n = 0;
const id = () => `gen:${String(seq++).padStart(10, "0")}`;
const t0 = performance.now();
const flush = async (store, batch) => {
  const analytics = await registry.get(store);
  const staged = await storage.transaction(async (tx) => {
    // Each event is stamped as received at its own time (as a live server would have).
    const fresh = [];
    for (const e of batch) if (await tx.events.insert(store, "gen", e, e.ts)) fresh.push(e);
    return analytics.stage(tx, fresh);
  });
  staged.commit();
};
const perStore = Math.floor(target / storeCount);
let reported = 0;
for (const store of stores) {
  let batch = [];
  // Visitors in time order, as agents send them: the aggregates' cache sees what a live server sees.
  const visitors = Math.floor(perStore / eventsPerVisitor);
  const arrivals = Array.from({ length: visitors }, () => {
    const day = Math.floor(rand() * days);
    const hour = 8 + Math.floor(rand() * 12); // busier in the day
    return start + day * 86_400_000 + hour * 3_600_000 + Math.floor(rand() * 3_600_000);
  }).sort((a, b) => a - b);
  let made = 0;
  for (let v = 0; v < visitors; v++) {
    let ts = arrivals[v];
    const visitor = `g${v.toString(36)}`;
    const steps = Math.max(1, Math.floor((eventsPerVisitor - 1) / 2));
    const path = steps === 1 ? [zones[Math.floor(rand() * 20)]] : ["entrance", ...Array.from({ length: steps - 2 }, () => zones[1 + Math.floor(rand() * 18)]), rand() < 0.8 ? "checkout" : zones[1 + Math.floor(rand() * 18)]];
    for (const zone of path) {
      batch.push({ type: "enter", id: id(), ts, zone, visitor });
      ts += 5_000 + Math.floor(rand() * 300_000);
      batch.push({ type: "exit", id: id(), ts, zone, visitor });
      ts += 1_000;
      made += 2;
    }
    batch.push({ type: "count", id: id(), ts, zone: "entrance", in: 1, out: 0 });
    made++;
    if (batch.length >= 20_000) {
      await flush(store, batch);
      batch = [];
    }
    if (n + made - reported >= 1_000_000) {
      reported = n + made;
      process.stderr.write(`  generated ${reported.toLocaleString("en-US")} events (${Math.round(reported / ((performance.now() - t0) / 1000)).toLocaleString("en-US")}/s)\n`);
    }
  }
  if (batch.length) await flush(store, batch);
  n += made;
}
await storage.close();
process.stdout.write(JSON.stringify({ store: stores[0], stores: storeCount, events: n, days, start, end, seconds: (performance.now() - t0) / 1000 }) + "\n");
