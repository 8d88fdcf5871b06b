import { afterAll, describe, expect, it } from "vitest";
import { smallLayout } from "../../../test/support/fixtures.js";
import { AFTERNOON, DAY, FROM, HOUR, ingestDoorCounts as ingest, MORNING, readyForecast as ready, type ForecastAnswer as Answer } from "../../../test/support/forecast-restart.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { tempDir } from "../../../test/support/wait.js";

/**
 * The forecast a manager read before a restart is the one the restarted server gives: the trained
 * model is kept in the database (migration 23) and read at the first request after the restart, so
 * the first answer is the model's, not a baseline's while it trains again. A model is trained on
 * the hours up to the store's last retrain hour (03:00), and is not trained again before the next.
 */
const dir = tempDir("footfall-forecast-restart-");
let clock = MORNING;
const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close().catch(() => undefined);
  dir.remove();
});

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
  }, 600_000);
});
