import { afterAll, describe, expect, it } from "vitest";
import { chunks, EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { usePostgres } from "../../../test/support/postgres.js";
import { syntheticTraffic } from "../../../test/support/traffic.js";
import { waitFor } from "../../../test/support/wait.js";

/**
 * On PostgreSQL (Debian's, started here), as on SQLite (forecast-restart.test.ts): the trained model
 * is kept in the database, so a server restarted on it, or a second server on the same database (a
 * chain's other server), answers with that model from its first request: 'ready', the same
 * trainedAt and the same buckets, not a baseline marked 'training'.
 */
const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Monday 16 November 2026, 10:20 and 14:20 in Paris (UTC+1). */
const MORNING = Date.parse("2026-11-16T09:20:00Z");
const AFTERNOON = Date.parse("2026-11-16T13:20:00Z");
/** Seven weeks of door counts (an hourly model needs six), from Monday 28 September. */
const FROM = Date.parse("2026-09-27T22:00:00Z");

interface Answer {
  method: string;
  model: { state: string; trainedAt: string | null };
  buckets: { start: string; expected: number | null; low: number | null; high: number | null; method: string }[];
}

const pg = usePostgres();
let clock = MORNING;
const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close().catch(() => undefined);
});

const s = syntheticTraffic({ seed: 11, from: FROM, days: 7 * 7 + 1, timeZone: "Europe/Paris", peak: 40 });
const door = new EventFactory("door-1");

describe("the forecast after a restart, on PostgreSQL", () => {
  it("is the model's from the first request, on the restarted server and on a second server of the same database", async () => {
    const databaseUrl = pg.database("forecast_restart");
    const start = async () => {
      const t = await startTestServer({ now: () => clock, maxAgeMs: 200 * DAY, config: { databaseUrl } });
      servers.push(t);
      return t;
    };
    const a = await start();
    await a.putLayout("shop", smallLayout({ validFrom: 0 }));
    const events = s.starts.flatMap((ts, i) => (ts + HOUR <= MORNING - (MORNING % HOUR) && s.values[i]! > 0 ? [door.count("entrance", ts + 1000, s.values[i]!, 0)] : []));
    for (const batch of chunks(events, 1000)) await a.ingest("shop", "door-1", batch);
    await waitFor("the store's forecast model", async () => {
      const r = await a.get<Answer>("/api/v1/stores/shop/forecast");
      return r.body.model.state === "ready" ? r.body : undefined;
    }, { timeoutMs: 120_000, intervalMs: 250 });

    clock = AFTERNOON;
    const before = await a.get<Answer>("/api/v1/stores/shop/forecast");
    expect([before.body.model.state, before.body.model.trainedAt, before.body.method]).toEqual(["ready", new Date(MORNING).toISOString(), "mlp"]);

    // a second server on the same database while the first runs (a chain's other server)
    const b = await start();
    const other = await b.get<Answer>("/api/v1/stores/shop/forecast");
    expect(other.body.model).toEqual(before.body.model);
    expect(other.body.buckets).toEqual(before.body.buckets);

    // the first restarted
    await a.close();
    const c = await start();
    const first = await c.get<Answer>("/api/v1/stores/shop/forecast");
    expect(first.body.model).toEqual(before.body.model);
    expect(first.body.buckets).toEqual(before.body.buckets);
  }, 300_000);
});
