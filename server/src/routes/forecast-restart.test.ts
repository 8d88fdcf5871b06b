import { afterAll, describe, expect, it } from "vitest";
import { chunks, EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { syntheticTraffic } from "../../../test/support/traffic.js";
import { tempDir, waitFor } from "../../../test/support/wait.js";

/**
 * The forecast a manager read before a restart is the one the restarted server gives: the trained
 * model is kept in the database (migration 23) and read at the first request after the restart, so
 * the first answer is the model's, not a baseline's while it trains again. A model is trained on
 * the hours up to the store's last retrain hour (03:00), and is not trained again before the next.
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

const dir = tempDir("footfall-forecast-restart-");
let clock = MORNING;
const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close().catch(() => undefined);
  dir.remove();
});

const s = syntheticTraffic({ seed: 11, from: FROM, days: 7 * 7 + 1, timeZone: "Europe/Paris", peak: 40 });
const door = new EventFactory("door-1");
/** The hours of counts in [from, to), as the door counter sent them. */
async function ingest(t: TestServer, from: number, to: number): Promise<void> {
  const events = s.starts.flatMap((ts, i) => (ts >= from && ts + HOUR <= to && s.values[i]! > 0 ? [door.count("entrance", ts + 1000, s.values[i]!, 0)] : []));
  for (const batch of chunks(events, 1000)) await t.ingest("shop", "door-1", batch);
}
const ready = (t: TestServer) =>
  waitFor("the store's forecast model", async () => {
    const r = await t.get<Answer>("/api/v1/stores/shop/forecast");
    return r.body.model.state === "ready" ? r.body : undefined;
  }, { timeoutMs: 120_000, intervalMs: 250 });

describe("the forecast after a restart", () => {
  it("is the one given before it, from the first request on (trained at 10:20, restarted at 14:20)", async () => {
    const a = await startTestServer({ now: () => clock, dataDir: dir.path, maxAgeMs: 200 * DAY });
    servers.push(a);
    await a.putLayout("shop", smallLayout({ validFrom: 0 }));
    await ingest(a, FROM, MORNING - (MORNING % HOUR));
    const morning = await ready(a);
    expect(morning.method).toBe("mlp");

    // the afternoon: the counts of the morning come in, and the 10:20 model answers
    clock = AFTERNOON;
    await ingest(a, MORNING - (MORNING % HOUR), AFTERNOON - (AFTERNOON % HOUR));
    const before = await a.get<Answer>("/api/v1/stores/shop/forecast");
    expect(before.body.model.trainedAt).toBe(new Date(MORNING).toISOString());
    expect(before.body.method).toBe("mlp");
    const beforeDays = await a.get<Answer>("/api/v1/stores/shop/forecast?horizon=14d");
    await a.close();

    const b = await startTestServer({ now: () => clock, dataDir: dir.path, maxAgeMs: 200 * DAY });
    servers.push(b);
    const first = await b.get<Answer>("/api/v1/stores/shop/forecast");
    // the model kept in the database answers at once, and is not trained again before the next 03:00
    expect(first.body.model.state).toBe("ready");
    expect(first.body.model.trainedAt).toBe(new Date(MORNING).toISOString());
    expect(first.body.method).toBe("mlp");
    expect(first.body.buckets).toEqual(before.body.buckets);
    const days = await b.get<Answer>("/api/v1/stores/shop/forecast?horizon=14d");
    expect(days.body.model).toEqual(beforeDays.body.model);
    expect(days.body.buckets).toEqual(beforeDays.body.buckets);
  }, 300_000);
});
