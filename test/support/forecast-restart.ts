import { chunks, EventFactory } from "./fixtures.js";
import type { TestServer } from "./in-process.js";
import { syntheticTraffic } from "./traffic.js";
import { waitFor } from "./wait.js";

/**
 * The scenario of the forecast-restart tests (SQLite and PostgreSQL): store `shop`, seven weeks of a
 * door counter's hourly counts, a model trained in the morning, a server restarted in the afternoon.
 */
export const DAY = 86_400_000;
export const HOUR = 3_600_000;
/** Monday 16 November 2026, 10:20 and 14:20 in Paris (UTC+1). */
export const MORNING = Date.parse("2026-11-16T09:20:00Z");
export const AFTERNOON = Date.parse("2026-11-16T13:20:00Z");
/** Seven weeks of door counts (an hourly model needs six), from Monday 28 September. */
export const FROM = Date.parse("2026-09-27T22:00:00Z");

/** What the tests read of GET /forecast. */
export interface ForecastAnswer {
  method: string;
  model: { state: string; trainedAt: string | null };
  buckets: { start: string; expected: number | null; low: number | null; high: number | null; method: string }[];
}

const traffic = syntheticTraffic({ seed: 11, from: FROM, days: 7 * 7 + 1, timeZone: "Europe/Paris", peak: 40 });
const door = new EventFactory("door-1");

/** The whole hours of counts in [from, to), as the door counter `door-1` sent them to `shop`. */
export async function ingestDoorCounts(t: TestServer, from: number, to: number): Promise<void> {
  const events = traffic.starts.flatMap((ts, i) => (ts >= from && ts + HOUR <= to && traffic.values[i]! > 0 ? [door.count("entrance", ts + 1000, traffic.values[i]!, 0)] : []));
  for (const batch of chunks(events, 1000)) await t.ingest("shop", "door-1", batch);
}

/**
 * The store's forecast once its model is ready (it trains in the background). The wait is a hang guard:
 * the model was not ready after 120 s once in CI beside the rest of the unit project (run ci114), where it
 * takes 3 s alone; a failed training now says so with the model's notes.
 */
export async function readyForecast(t: TestServer): Promise<ForecastAnswer> {
  const answer = await waitFor("the store's forecast model", async () => {
    const r = await t.get<ForecastAnswer & { model: { notes?: string[] } }>("/api/v1/stores/shop/forecast");
    return r.body.model.state === "ready" || r.body.model.state === "failed" ? r.body : undefined;
  }, { timeoutMs: 300_000, intervalMs: 250 });
  // A failed training is retried only an hour later: say why at once rather than wait out the guard.
  if (answer.model.state === "failed") throw new Error(`the forecast model's training failed: ${JSON.stringify(answer.model)}`);
  return answer;
}
