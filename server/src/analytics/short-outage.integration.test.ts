/**
 * An agent restarted in seconds (the demo's server and simulator take about 8 s) in an hour nobody
 * crossed: before, that hour read "not counted 1 h" on every screen and export, the whole-hour rule
 * taking any outage, however short, for the whole hour. Now (core SHORT_OUTAGE_MS) an hour a zone was
 * not counted for under 5 minutes is counted, 0 a zero; a restart that takes 12 minutes keeps its hour
 * not counted. A real edge agent (its shutdown's offline status, or its link cut and the broker's will
 * for a power cut, then a new agent whose status says it counts since its start: countingSince) on the server's embedded broker (Aedes), the clock moved on
 * by the outage; GET .../traffic (the traffic chart, week grid, CSVs) and .../dwell (the heatmap and its
 * CSV) alike; a SQLite file and PostgreSQL. An outage still going on keeps only the hour not over yet
 * not counted: an hour over reads the same while the agent is still off and once it is back.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Layout } from "@footfall/core";
import { Agent } from "../../../edge/src/agent.js";
import { validateConfig } from "../../../edge/src/config.js";
import { silentLogger } from "../../../edge/src/log.js";
import type { EventDraft, Source, SourceContext } from "../../../edge/src/source.js";
import { smallLayout } from "../../../test/support/fixtures.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { usePostgres } from "../../../test/support/postgres.js";
import { TcpProxy } from "../../../test/support/proxy.js";
import { waitFor } from "../../../test/support/wait.js";

const S = 1_000;
const MIN = 60_000;
const H = 3_600_000;
const DAY = 24 * H;
/** Monday 30 November 2026, 09:00 UTC: the counter runs from here. */
const T0 = Date.UTC(2026, 10, 30, 9);
const pg = usePostgres();

/** A door counter the test drives: `cross` sends a count. */
class DoorSource implements Source {
  ctx: SourceContext | null = null;
  async start(ctx: SourceContext): Promise<void> {
    this.ctx = ctx;
    ctx.onLayout((_layout: Layout) => {});
  }
  async stop(): Promise<void> {}
  cross(ts: number, nIn: number, nOut: number): void {
    const draft: EventDraft = { type: "count", ts, zone: "entrance", in: nIn, out: nOut };
    this.ctx!.emit(draft);
  }
}

type Outages = { hours: number; zones?: string[]; spans: { from: number; to: number }[] } | null;

for (const [db, PORT] of [
  ["SQLite", 19820],
  ["PostgreSQL", 19821],
] as const) {
  describe(`an agent restarted in seconds leaves its hour counted, one off for minutes does not (${db})`, () => {
    let now = T0;
    let t: TestServer | null = null;
    let proxy: TcpProxy | null = null;
    const agents: Agent<unknown>[] = [];
    afterEach(async () => {
      for (const a of agents.splice(0)) await a.stop().catch(() => {});
      await proxy?.close();
      await t?.close();
      t = null;
      proxy = null;
    });

    async function setUp(): Promise<{ username: string; password: string }> {
      now = T0;
      t = await startTestServer({
        now: () => now,
        maxAgeMs: 30 * DAY,
        config: { mqttPort: PORT, ...(db === "PostgreSQL" ? { databaseUrl: pg.database("footfall_short_outage") } : {}) },
      });
      await t.putLayout("shop", smallLayout({ timezone: "UTC" }));
      const credentials = await t.server.services.storage.agents.add("shop", "door-1", "door", T0 - H);
      proxy = await TcpProxy.start(PORT);
      return credentials;
    }

    async function startAgent(credentials: { username: string; password: string }): Promise<{ agent: Agent<unknown>; source: DoorSource }> {
      const result = validateConfig(
        {
          store: "shop",
          agent: "door-1",
          mqtt: { url: proxy!.url, username: credentials.username, password: credentials.password, reconnectMinMs: 100, reconnectMaxMs: 300 },
          shutdownTimeoutMs: 2000,
        },
        "door",
        {},
        (s) => ({ value: s, problems: [] }),
      );
      if (!result.ok) throw new Error(result.problems.join("\n"));
      const source = new DoorSource();
      const agent = new Agent({ config: result.config, source, log: silentLogger, now: () => now });
      agents.push(agent);
      agent.start();
      await waitFor("the agent connected, its source started", () => agent.metrics().connected && source.ctx !== null, { timeoutMs: 30_000 });
      return { agent, source };
    }

    const spans = () => t!.server.services.storage.offlineSpans.list("shop", T0 - DAY, T0 + DAY);
    const range = `from=${T0}&to=${T0 + 3 * H}`;
    const traffic = async () => {
      const res = await t!.get(`/api/v1/stores/shop/traffic?${range}&bucket=hour`);
      expect(res.status, res.text).toBe(200);
      return res.body as { buckets: { start: string; enters: number }[]; outages: Outages };
    };
    const dwellOutages = async () => {
      const res = await t!.get(`/api/v1/stores/shop/dwell?${range}`);
      expect(res.status, res.text).toBe(200);
      return res.body.outages as Outages;
    };

    /**
     * 09:10 it counts 3 in; at 10:15 the agent stops (its offline status) and a new one starts
     * `off` later (its status: counting since its start); nobody crosses from 09:10 to 12:00.
     */
    async function restart(off: number, opts: { powerCut?: boolean } = {}): Promise<void> {
      const credentials = await setUp();
      const first = await startAgent(credentials);
      now = T0 + 10 * MIN;
      first.source.cross(now, 3, 0);
      await waitFor("the first count delivered", async () => (await traffic()).buckets.reduce((n, b) => n + b.enters, 0) === 3, { timeoutMs: 30_000 });
      now = T0 + H + 15 * MIN;
      // A power cut: its link drops (the broker sends its will), the box is gone; else a clean stop (its offline status).
      if (opts.powerCut) proxy!.cut();
      else await first.agent.stop();
      await waitFor("the offline span", async () => (await spans()).some((s) => s.to === null), { timeoutMs: 30_000 });
      if (opts.powerCut) await first.agent.stop();
      now += off;
      proxy!.restore();
      await startAgent(credentials);
      await waitFor("the span closed", async () => (await spans()).every((s) => s.to !== null), { timeoutMs: 30_000 });
      now = T0 + 3 * H;
    }

    it("an 8-second restart at 10:15, nobody crossing in that hour: the hour is counted, 0", async () => {
      await restart(8 * S);
      const [span] = await spans();
      expect(span).toMatchObject({ from: T0 + H + 15 * MIN, to: T0 + H + 15 * MIN + 8 * S });
      // Old server: { hours: 1, spans: [10:00-11:00] } on both, "not counted 1 h" for 8 seconds.
      const { buckets, outages } = await traffic();
      expect(outages).toBeNull();
      expect(await dwellOutages()).toBeNull();
      expect(buckets.map((b) => b.enters)).toEqual([3, 0, 0]);
    });

    it("a power cut of 8 seconds (its will, then a new start) leaves the hour counted too", async () => {
      await restart(8 * S, { powerCut: true });
      expect(await spans()).toMatchObject([{ from: T0 + H + 15 * MIN, to: T0 + H + 15 * MIN + 8 * S }]);
      expect((await traffic()).outages).toBeNull();
      expect(await dwellOutages()).toBeNull();
    });

    it("an agent stopped 2 minutes ago and still off: its hour is not counted (an outage going on is not short)", async () => {
      const credentials = await setUp();
      const first = await startAgent(credentials);
      now = T0 + 10 * MIN;
      first.source.cross(now, 3, 0);
      await waitFor("the first count delivered", async () => (await traffic()).buckets.reduce((n, b) => n + b.enters, 0) === 3, { timeoutMs: 30_000 });
      now = T0 + H + 15 * MIN;
      await first.agent.stop();
      await waitFor("the offline span", async () => (await spans()).some((s) => s.to === null), { timeoutMs: 30_000 });
      now = T0 + H + 17 * MIN;
      const res = await t!.get(`/api/v1/stores/shop/traffic?from=${T0}&to=${now}&bucket=hour`);
      expect(res.status, res.text).toBe(200);
      expect(res.body.outages).toMatchObject({ hours: 1, spans: [{ from: T0 + H, to: now }] });
    });

    it("an agent stopped at 10:57 and still off at 11:30: hour 10, over, reads as it will once the agent is back (3 minutes: counted)", async () => {
      const credentials = await setUp();
      const first = await startAgent(credentials);
      now = T0 + 10 * MIN;
      first.source.cross(now, 3, 0);
      await waitFor("the first count delivered", async () => (await traffic()).buckets.reduce((n, b) => n + b.enters, 0) === 3, { timeoutMs: 30_000 });
      now = T0 + H + 57 * MIN;
      await first.agent.stop();
      await waitFor("the offline span", async () => (await spans()).some((s) => s.to === null), { timeoutMs: 30_000 });
      // 09:00-11:00 read at 11:30 (a digest of hours over), the agent still off: hour 10 has 3 minutes of it.
      const pastHours = `/api/v1/stores/shop/traffic?from=${T0}&to=${T0 + 2 * H}&bucket=hour`;
      now = T0 + 2 * H + 30 * MIN;
      const whileOff = await t!.get(pastHours);
      expect(whileOff.status, whileOff.text).toBe(200);
      // Old server: { hours: 1, spans: [10:00-11:00] } while the agent is off, null once it is back.
      expect(whileOff.body.outages).toBeNull();
      // The hour going on (11:00-11:30 so far) is not counted: the rule of the hour not over is kept.
      const today = await t!.get(`/api/v1/stores/shop/traffic?from=${T0}&to=${now}&bucket=hour`);
      expect(today.body.outages).toMatchObject({ hours: 1, spans: [{ from: T0 + 2 * H, to: now }] });
      // Back at 11:40, read at 11:45: the same answer for 09:00-11:00.
      now = T0 + 2 * H + 40 * MIN;
      await startAgent(credentials);
      await waitFor("the span closed", async () => (await spans()).every((s) => s.to !== null), { timeoutMs: 30_000 });
      now = T0 + 2 * H + 45 * MIN;
      const back = await t!.get(pastHours);
      expect(back.status, back.text).toBe(200);
      expect(back.body.outages).toEqual(whileOff.body.outages);
    });

    it("a restart that takes 12 minutes keeps its hour not counted, on the traffic and the heatmap alike", async () => {
      await restart(12 * MIN);
      const hour = [{ from: T0 + H, to: T0 + 2 * H }];
      expect(await traffic()).toMatchObject({ outages: { hours: 1, spans: hour } });
      expect(await dwellOutages()).toMatchObject({ hours: 1, spans: hour, zones: ["entrance"] });
    });
  });
}
