/**
 * A restart of PostgreSQL (Debian's, started by the test, really stopped and started again) as IT
 * sees it in the server's log and /metrics: one line when it stops answering, saying what to do,
 * whatever the number of pooled connections ended, requests and commits failing; one when it answers
 * again; requests meanwhile answered 503 in words, not 500s with a stack each; /health ok again once
 * it answers, not only at the next event. Ports 19800-19802.
 */
import { topics } from "@footfall/core";
import { describe, expect, it } from "vitest";
import { batchJson, connectMqtt, EventFactory, FootfallApi, footfallJson, metricValue, ServerProcess, smallLayout, tempDir, usePostgres, waitFor, type AgentCredentials } from "../../test/support/index.js";

const pg = usePostgres();

describe("PostgreSQL restarting under a running server", () => {
  it("is said once when it stops answering and once when it is back; requests get a 503 meanwhile", async () => {
    const dir = tempDir("footfall-pg-restart-");
    const env = { FOOTFALL_DATABASE_URL: pg.database("footfall_pg_restart"), FOOTFALL_LOG_LEVEL: "info" };
    const cli = <T>(args: string[]) => footfallJson<T>(args, { dataDir: dir.path, env });
    const admin = await cli<{ token: string }>(["token", "add", "--role", "admin"]);
    const agent = await cli<AgentCredentials>(["agent", "add", "cam1", "--store", "shop", "--kind", "camera"]);
    const server = await ServerProcess.start({ dataDir: dir.path, httpPort: 19800, mqttPort: 19801, metricsPort: 19802, env });
    try {
      const api = new FootfallApi(server.httpUrl, admin.token);
      await api.putLayout("shop", smallLayout());
      const client = await connectMqtt({ url: server.mqttUrl, username: agent.username, password: agent.password });
      const cam = new EventFactory("cam1");
      const enter = (visitor: string) => client.publishAsync(topics.events("shop", "cam1"), batchJson("cam1", [cam.enter(visitor, "fruit", Date.now())]), { qos: 1 });
      await enter("v1");
      await waitFor("v1 counted", async () => (await api.occupancy("shop")).zones.find((z) => z.zone === "fruit")?.occupancy === 1);
      // Several connections open in each pool (requests at once), idle when PostgreSQL goes down.
      await Promise.all(Array.from({ length: 8 }, () => api.occupancy("shop")));
      const metrics = async () => (await fetch(server.metricsUrl)).text();
      const reachableBefore = metricValue(await metrics(), "footfall_database_reachable");
      const since = server.output().length;

      pg.server.stopFast();
      const lost = await waitFor("the outage said", () => server.logLines(/does not answer/, since).length > 0 && server.logLines(/does not answer/, since));
      // A request meanwhile: 503 in words (it was a 500 with the driver's stack in the log, twice per request).
      const res = await fetch(`${server.httpUrl}/api/v1/stores/shop/occupancy`, { headers: { authorization: `Bearer ${admin.token}` } });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { message: string }).message).toMatch(/^the database does not answer \(PostgreSQL is restarting or cannot be reached\): try again in a moment$/);
      // An event meanwhile: its commit fails (health degraded), and is delivered again later.
      void enter("v2").catch(() => {});
      await waitFor("health degraded", async () => (await fetch(`${server.httpUrl}/api/v1/health`)).status === 503);
      const reachableDown = metricValue(await metrics(), "footfall_database_reachable");

      pg.server.startAgain();
      await waitFor("the return said", () => server.logLines(/ answers again after /, since).length > 0, { timeoutMs: 20_000 });
      // Health is ok once PostgreSQL answers, though no event has been committed since (it said 'event commits fail' until the next one).
      const health = await fetch(`${server.httpUrl}/api/v1/health`);
      expect(await health.json()).toEqual({ status: "ok", mqtt: "connected", db: "ok" });
      expect(health.status).toBe(200);

      // The whole outage in the log: one line when lost (with what to do), one when back; no line per connection, request or commit.
      expect(lost).toHaveLength(1);
      expect(lost[0]).toMatchObject({ level: 50 });
      expect(lost[0]!.msg).toMatch(/^PostgreSQL at postgres:\/\/footfall@127\.0\.0\.1:\d+\/footfall_pg_restart_\d+_\d+ does not answer \(.+\): the server goes on and reconnects by itself; .* check that PostgreSQL runs there \(systemctl status postgresql, its log\) and that FOOTFALL_DATABASE_URL points at it$/);
      const back = server.logLines(/ answers again after /, since);
      expect(back).toHaveLength(1);
      expect(back[0]).toMatchObject({ level: 30, downS: expect.any(Number), errors: expect.any(Number) });
      expect(server.logLines(/does not answer/, since)).toHaveLength(1);
      expect(server.logLines(/idle connection|request failed|ingest commit failed/, since)).toEqual([]);
      const text = await metrics();
      expect([reachableBefore, reachableDown]).toEqual([1, 0]);
      expect(metricValue(text, "footfall_database_reachable")).toBe(1);
      expect(metricValue(text, "footfall_database_connection_errors_total")).toBeGreaterThanOrEqual(2);
      expect(metricValue(text, "footfall_database_connection_errors_total")).toBe(back[0]!.errors);

      // And the store counts again: the event sent while it was down, then a new one.
      await enter("v3");
      await waitFor("v2 and v3 counted", async () => (await api.occupancy("shop")).zones.find((z) => z.zone === "fruit")?.occupancy === 3, { timeoutMs: 30_000 });
      await client.endAsync(true);
    } finally {
      await server.stop();
      dir.remove();
    }
  }, 120_000);
});
