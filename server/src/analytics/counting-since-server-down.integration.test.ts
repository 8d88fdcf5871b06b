/**
 * A door counter switched off while its server was down too: the server killed (kill -9, a power cut), so nobody heard
 * the agent go (the embedded broker went with the server, no will was published), no offline span opened, and its
 * online status at the server's return only closes an open one. Its hours off read as counted, 0, on every screen
 * (traffic, the overview the heatmap's heading reads). Now its online status's `countingSince`, later than the last the
 * server had from it, records a closed span from that last to where its counting began, once (a second restart adds
 * nothing). A real edge agent (memory outbox) on the embedded broker (Aedes) of `footfall serve` (a child process,
 * killed), then of a server in this process on the same SQLite file (PostgreSQL database), the clock moved on by hours.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Agent } from "../../../edge/src/agent.js";
import { validateConfig } from "../../../edge/src/config.js";
import { silentLogger } from "../../../edge/src/log.js";
import { DoorSource, type MqttLogin } from "../../../test/support/door-agent.js";
import { smallLayout } from "../../../test/support/fixtures.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { usePostgres } from "../../../test/support/postgres.js";
import { ServerProcess } from "../../../test/support/server-process.js";
import { tempDir, waitFor } from "../../../test/support/wait.js";

const H = 3_600_000;
const DAY = 24 * H;
const pg = usePostgres();

for (const [db, PORT, HTTP] of [
  ["SQLite", 21261, 21263],
  ["PostgreSQL", 21262, 21264],
] as const) {
  describe(`a door counter off while its server was down too (countingSince, ${db})`, () => {
    /** The clock of the agents and of the server in this process: real time while `footfall serve` runs, then hours on. */
    let offset = 0;
    const now = () => Date.now() + offset;
    let t: TestServer | null = null;
    let child: ServerProcess | null = null;
    const agents: Agent<unknown>[] = [];
    const dirs: { remove(): void }[] = [];
    afterEach(async () => {
      for (const a of agents.splice(0)) await a.stop().catch(() => {});
      await t?.close();
      t = null;
      await child?.kill9();
      child = null;
      for (const d of dirs.splice(0)) d.remove();
      offset = 0;
    });

    const start = async (dataDir: string, databaseUrl: string | undefined): Promise<TestServer> =>
      (t = await startTestServer({ now, maxAgeMs: 30 * DAY, dataDir, config: { mqttPort: PORT, ...(databaseUrl !== undefined ? { databaseUrl } : {}) } }));

    /** A new edge agent door-1 on the broker's port (it connects whenever a server listens there). */
    const startAgent = (credentials: MqttLogin): { agent: Agent<unknown>; source: DoorSource } => {
      const result = validateConfig(
        {
          store: "shop",
          agent: "door-1",
          mqtt: { url: `mqtt://127.0.0.1:${PORT}`, username: credentials.username, password: credentials.password, reconnectMinMs: 100, reconnectMaxMs: 300 },
          shutdownTimeoutMs: 1000,
        },
        "door",
        {},
        (s) => ({ value: s, problems: [] }),
      );
      if (!result.ok) throw new Error(result.problems.join("\n"));
      const source = new DoorSource();
      const agent = new Agent({ config: result.config, source, log: silentLogger, now });
      agents.push(agent);
      agent.start();
      return { agent, source };
    };

    it("records its hours off as not counted, from the last the server had from it to where its counting began, once", async () => {
      const dir = tempDir("footfall-downspan-");
      dirs.push(dir);
      const databaseUrl = db === "PostgreSQL" ? pg.database("footfall_downspan") : undefined;
      // The store, its layout and door-1, then `footfall serve` on the same data.
      await start(dir.path, databaseUrl);
      const hour0 = Math.floor(now() / H) * H;
      await t!.putLayout("shop", smallLayout({ timezone: "UTC" }));
      const credentials = await t!.server.services.storage.agents.add("shop", "door-1", "door", now() - H);
      await t!.close();
      t = null;
      child = await ServerProcess.start({
        dataDir: dir.path,
        mqttPort: PORT,
        httpPort: HTTP,
        maxEventAgeMs: 30 * DAY,
        ...(databaseUrl !== undefined ? { env: { FOOTFALL_DATABASE_URL: databaseUrl } } : {}),
      });
      let { agent, source } = startAgent(credentials);
      await waitFor("the agent connected", () => agent.metrics().connected && source.ctx !== null, { timeoutMs: 30_000 });
      const countedAt = now();
      source.cross(countedAt, 3, 0);
      await waitFor("the count delivered (settled)", () => agent.metrics().queued === 0, { timeoutMs: 30_000 });
      // The server killed: nobody publishes the agent's will, nobody hears it go.
      const killedAt = now();
      await child.kill9();
      child = null;
      await waitFor("the agent cut off", () => !agent.metrics().connected, { timeoutMs: 30_000 });
      offset = 1.5 * H;
      source.cross(now(), 2, 0);
      await agent.stop(); // switched off: its memory outbox's count is lost
      offset = 3 * H;
      const restartFrom = now();
      ({ agent, source } = startAgent(credentials)); // it counts from here, its server still down
      await waitFor("the new agent's source started", () => source.ctx !== null, { timeoutMs: 30_000 });
      const restartTo = now();

      offset = 4 * H;
      await start(dir.path, databaseUrl);
      const spans = () => t!.server.services.storage.offlineSpans.list("shop", hour0 - DAY, hour0 + DAY);
      await waitFor("the agent back", () => agent.metrics().connected, { timeoutMs: 30_000 });
      // Old server: no span at all (none opened, the online status closes nothing).
      await waitFor("its gap recorded", async () => (await spans()).length > 0, { timeoutMs: 20_000 });
      const [span, ...more] = await spans();
      expect(more).toEqual([]);
      // From the last the server had from it (the count's arrival) to its counting's start, on the server's clock.
      expect(span!.agent).toBe("door-1");
      expect(span!.from).toBeGreaterThanOrEqual(countedAt);
      expect(span!.from).toBeLessThanOrEqual(killedAt);
      expect(span!.to).toBeGreaterThanOrEqual(restartFrom);
      expect(span!.to).toBeLessThanOrEqual(restartTo);

      // The hours after the count's to the one its counting began in are not counted (old server: outages null, 0 read).
      const range = `from=${hour0}&to=${hour0 + 6 * H}`;
      const spanTo = span!.to!;
      const notCountedHours = Math.floor(spanTo / H) - Math.floor(span!.from / H) - 1 + (spanTo % H >= 5 * 60_000 ? 1 : 0);
      const traffic = async () => {
        const res = await t!.get(`/api/v1/stores/shop/traffic?${range}&bucket=hour`);
        expect(res.status, res.text).toBe(200);
        return res.body.outages as { hours: number; spans: { from: number; to: number }[] } | null;
      };
      const overview = async () => {
        const res = await t!.get(`/api/v1/overview?${range}&store=shop`);
        expect(res.status, res.text).toBe(200);
        return (res.body.stores as { outages: { range: { hours: number } | null } }[])[0]!.outages.range;
      };
      expect(notCountedHours).toBeGreaterThanOrEqual(2);
      expect(await traffic()).toMatchObject({ hours: notCountedHours, spans: [{ from: Math.floor(span!.from / H) * H + H }] });
      expect(await overview()).toMatchObject({ hours: notCountedHours });

      // Once: a server started again, the agent's status heard again, records nothing more.
      await t!.close();
      t = null;
      offset = 5 * H;
      const back = now();
      await start(dir.path, databaseUrl);
      await waitFor(
        "the agent heard again",
        async () => {
          const res = await t!.get("/api/v1/stores/shop/agents");
          return (res.body.agents as { agent: string; lastHeardAt: number | null }[]).some((a) => a.agent === "door-1" && (a.lastHeardAt ?? 0) >= back);
        },
        { timeoutMs: 30_000 },
      );
      // (The graceful stop heard its will: a span of length 0, its online status saying it counted all along, no outage.)
      expect((await spans()).filter((x) => x.to !== x.from)).toEqual([span]);
      expect(await traffic()).toMatchObject({ hours: notCountedHours });
    }, 180_000);
  });
}
