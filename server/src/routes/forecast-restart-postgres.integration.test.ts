import { afterAll, describe, expect, it } from "vitest";
import { smallLayout } from "../../../test/support/fixtures.js";
import { AFTERNOON, DAY, FROM, HOUR, ingestDoorCounts, MORNING, readyForecast, type ForecastAnswer as Answer } from "../../../test/support/forecast-restart.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { usePostgres } from "../../../test/support/postgres.js";

/**
 * On PostgreSQL (Debian's, started here), as on SQLite (forecast-restart.test.ts): the trained model
 * is kept in the database, so a server restarted on it, or a second server on the same database (a
 * chain's other server), answers with that model from its first request: 'ready', the same
 * trainedAt and the same buckets, not a baseline marked 'training'.
 */
const pg = usePostgres();
let clock = MORNING;
const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close().catch(() => undefined);
});

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
    await ingestDoorCounts(a, FROM, MORNING - (MORNING % HOUR));
    await readyForecast(a);

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
  }, 600_000);
});
