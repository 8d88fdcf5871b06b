/**
 * A PostgreSQL outage (Debian's, started by the test, really stopped and started again) under a running server with
 * several agents on its embedded broker, a tablet on the live link, an alert rule and HTTP requests, as IT reads it in
 * the log: what goes wrong is said once, with what to do, and once when it is over, not once per agent's login retry,
 * per second of the live push, the alert evaluator or the broker's check of the agents' logins. Agents whose link drops
 * meanwhile are refused with "server unavailable" (so they retry), counted in a metric, and let in once it answers.
 * Ports 18400-18402.
 */
import { describe, expect, it } from "vitest";
import type { MqttClient } from "mqtt";
import { io } from "socket.io-client";
import { connectMqtt, FootfallApi, footfallJson, metricValue, Mosquitto, ServerProcess, smallLayout, sleep, tempDir, usePostgres, waitFor, type AgentCredentials } from "../../test/support/index.js";

const pg = usePostgres();

/** The store's agents: four whose link drops during the outage (they log in again and again), two that stay connected. */
const AGENTS = ["cam1", "cam2", "cam3", "cam4", "cam5", "cam6"];
const DROPPED = 4;

describe("PostgreSQL outage under agents, a tablet and requests", () => {
  it("is said once and once when over; agents' logins are refused with 'server unavailable', counted, said once", async () => {
    const dir = tempDir("footfall-pg-outage-log-");
    const env = { FOOTFALL_DATABASE_URL: pg.database("footfall_pg_outage_log"), FOOTFALL_LOG_LEVEL: "info" };
    const cli = <T>(args: string[]) => footfallJson<T>(args, { dataDir: dir.path, env });
    const admin = await cli<{ token: string }>(["token", "add", "--role", "admin"]);
    const staff = await cli<{ token: string }>(["token", "add", "--role", "staff"]);
    const creds: AgentCredentials[] = [];
    for (const a of AGENTS) creds.push(await cli<AgentCredentials>(["agent", "add", a, "--store", "shop", "--kind", "camera"]));
    const server = await ServerProcess.start({ dataDir: dir.path, httpPort: 18400, mqttPort: 18401, metricsPort: 18402, env });
    const clients: MqttClient[] = [];
    const tablet = io(server.httpUrl, { transports: ["websocket"], auth: { token: staff.token } });
    let polling: ReturnType<typeof setInterval> | null = null;
    try {
      const api = new FootfallApi(server.httpUrl, admin.token);
      await api.putLayout("shop", smallLayout());
      // An enabled rule: the alert evaluator reads the stores with rules (every 10 s) and evaluates them (every second).
      expect((await api.request("POST", "/api/v1/stores/shop/alert-rules", { kind: "occupancy", threshold: 0.8, forSeconds: 0, cooldownSeconds: 0, enabled: true })).status).toBeLessThan(300);
      // Connected as the edge agents connect (edge/src/connection.ts): their own client id, a persistent session, and
      // a retry after a refused CONNACK too ("server unavailable" means: try again).
      const refusals = creds.map(() => 0);
      for (const [i, c] of creds.entries()) {
        const client = await connectMqtt(
          { url: server.mqttUrl, username: c.username, password: c.password },
          { clientId: `shop-${AGENTS[i]}`, clean: false, reconnectPeriod: 500, reconnectOnConnackError: true },
        );
        client.on("error", (err) => {
          if (/Server unavailable/i.test(err.message)) refusals[i]!++;
        });
        clients.push(client);
      }
      expect(await new Promise<{ ok: boolean }>((resolve) => tablet.emit("join", "shop", resolve))).toEqual({ ok: true });
      const metrics = async () => (await fetch(server.metricsUrl)).text();
      const since = server.output().length;

      pg.server.stopFast();
      const stoppedAt = Date.now();
      await waitFor("the outage said", () => server.logLines(/does not answer/, since).length > 0);
      // Four agents' links drop (a Wi-Fi cut): they log in again every half second or so, and are refused meanwhile.
      for (const c of clients.slice(0, DROPPED)) (c.stream as unknown as { destroy(): void }).destroy();
      // A load balancer's health check and a screen's request, all along.
      const headers = { authorization: `Bearer ${admin.token}` };
      polling = setInterval(() => {
        void fetch(`${server.httpUrl}/api/v1/health`).catch(() => {});
        void fetch(`${server.httpUrl}/api/v1/stores/shop/occupancy`, { headers }).catch(() => {});
      }, 500);
      await waitFor("each dropped agent refused 3 times", () => refusals.slice(0, DROPPED).every((n) => n >= 3), { timeoutMs: 30_000 });
      expect(refusals.slice(DROPPED)).toEqual([0, 0]);
      // Not a timing check: the outage lasts past the alert evaluator's 10 s re-read of the stores with rules (whose failure ended the process).
      await sleep(Math.max(0, 12_000 - (Date.now() - stoppedAt)));
      clearInterval(polling);
      polling = null;
      const down = await fetch(`${server.httpUrl}/api/v1/health`);
      expect(down.status).toBe(503);

      pg.server.startAgain();
      await waitFor("the return said", () => server.logLines(/ answers again after /, since).length > 0, { timeoutMs: 20_000 });
      await waitFor("every agent connected again", () => clients.every((c) => c.connected), { timeoutMs: 20_000 });
      await waitFor("health ok", async () => (await fetch(`${server.httpUrl}/api/v1/health`)).status === 200);
      const logLines = () => server.output().slice(since).split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as { level: number; msg: string; [k: string]: unknown });
      let lines = logLines();

      // Warnings and errors of the whole outage: each said once, what goes wrong and what to do.
      const said = lines.filter((l) => l.level >= 40).map((l) => l.msg.replace(/postgres:\/\/\S+/, "postgres://…").replace(/\(.*/, "(…"));
      expect(said.sort()).toEqual(
        [
          "MQTT logins are refused with \"server unavailable\" as the agents' logins cannot be read (…",
          "PostgreSQL at postgres://… does not answer (…",
          "could not read the agents' logins to close the connections of revoked agents (…",
        ].sort(),
      );
      // Health is degraded meanwhile, which the outage's line says: not said again, nor its end.
      expect(lines.filter((l) => /^health: /.test(l.msg))).toEqual([]);

      await waitFor("the logins' return said", () => server.logLines(/^MQTT logins are checked again/, since).length > 0);
      await waitFor("the connected agents' logins read again", () => server.logLines(/^the agents' logins are read again/, since).length > 0);
      lines = logLines();
      // Once over: the database, the logins refused (how many, of how many agents), the logins read again.
      const back = lines.filter((l) => l.level === 30 && /answers again|checked again|read again/.test(l.msg)).map((l) => l.msg.replace(/postgres:\/\/\S+/, "postgres://…").replace(/ after \d+ s.*| \d+ refused.*/, ""));
      expect(back.sort()).toEqual(["MQTT logins are checked again:", "PostgreSQL at postgres://… answers again", "the agents' logins are read again"]);
      const logins = lines.find((l) => l.msg.startsWith("MQTT logins are checked again"))!;
      expect(logins.msg).toMatch(/^MQTT logins are checked again: \d+ refused with "server unavailable" over \d+ s \(4 agents\), each let in at its next try$/);
      expect(logins).toMatchObject({ agents: DROPPED, seconds: expect.any(Number) });
      const refused = logins.failures as number;
      expect(refused).toBeGreaterThanOrEqual(3 * DROPPED);
      // Every refusal the agents saw is counted, by its reason.
      expect(refused).toBe(refusals.reduce((a, b) => a + b, 0));
      expect(metricValue(await metrics(), "footfall_mqtt_logins_refused_total", { reason: "unavailable" })).toBe(refused);
      expect((await api.occupancy("shop")).zones.length).toBeGreaterThan(0);
    } finally {
      if (polling) clearInterval(polling);
      tablet.close();
      for (const c of clients) await c.endAsync(true).catch(() => {});
      await server.stop();
      dir.remove();
    }
  }, 150_000);

  it("a chain's server (PostgreSQL and Mosquitto) says it once per thread, not its bus's LISTEN retries or shard lease renewals each second", async () => {
    const dir = tempDir("footfall-pg-outage-chain-");
    const broker = await Mosquitto.anonymous(18410);
    const env = { FOOTFALL_DATABASE_URL: pg.database("footfall_pg_outage_chain"), FOOTFALL_LOG_LEVEL: "info" };
    const admin = await footfallJson<{ token: string }>(["token", "add", "--role", "admin"], { dataDir: dir.path, env });
    const server = await ServerProcess.start({ dataDir: dir.path, httpPort: 18411, metricsPort: 18412, mqttUrl: broker.url, env });
    try {
      await new FootfallApi(server.httpUrl, admin.token).putLayout("shop", smallLayout());
      const since = server.output().length;
      pg.server.stopFast();
      // Not a timing check: long enough for the bus's LISTEN retries (each second) and several lease renewals to fail.
      await sleep(8000);
      pg.server.startAgain();
      await waitFor("each thread's return said", () => server.logLines(/ answers again after /, since).length >= 2, { timeoutMs: 20_000 });
      const said = server
        .output()
        .slice(since)
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as { level: number; msg: string; half?: string })
        .filter((l) => l.level >= 40)
        .map((l) => `${l.half ?? "front"}: ${l.msg.replace(/postgres:\/\/\S+/, "postgres://…").replace(/\(.*/, "(…")}`);
      // A split chain server's two threads each have their own connections: each says it once (its lines carry its half);
      // the ingest half's shard leases say once what the outage does to them (the liveness lock lost, not taken again yet).
      expect(said.sort()).toEqual([
        "front: PostgreSQL at postgres://… does not answer (…",
        "ingest: PostgreSQL at postgres://… does not answer (…",
        "ingest: shard leases: a background step failed (…",
        "ingest: shard leases: a background step failed (…",
      ]);
      const leases = server.logLines(/^shard leases: a background step failed/, since).map((l) => String(l.err).replace(/ \(.*?\)/, ""));
      expect(leases.sort()).toEqual([
        "could not take the liveness lock; until it is held this server's shards move only when their leases run out; trying again",
        "the liveness lock's connection broke; taking the lock again",
      ]);
    } finally {
      await server.stop();
      await broker.stop();
      dir.remove();
    }
  }, 120_000);
});
