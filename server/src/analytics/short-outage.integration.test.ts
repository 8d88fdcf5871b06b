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
import { describe, expect, it } from "vitest";
import { useDoorAgents, type MqttLogin } from "../../../test/support/door-agent.js";
import { usePostgres } from "../../../test/support/postgres.js";
import { waitFor } from "../../../test/support/wait.js";

const S = 1_000;
const MIN = 60_000;
const H = 3_600_000;
/** Monday 30 November 2026, 09:00 UTC: the counter runs from here. */
const T0 = Date.UTC(2026, 10, 30, 9);
const pg = usePostgres();

type Outages = { hours: number; zones?: string[]; spans: { from: number; to: number }[] } | null;

for (const [db, PORT] of [
  ["SQLite", 19820],
  ["PostgreSQL", 19821],
] as const) {
  describe(`an agent restarted in seconds leaves its hour counted, one off for minutes does not (${db})`, () => {
    let now = T0;
    const rig = useDoorAgents({
      mqttPort: PORT,
      now: () => now,
      t0: T0,
      ...(db === "PostgreSQL" ? { databaseUrl: () => pg.database("footfall_short_outage") } : {}),
    });
    const setUp = (): Promise<MqttLogin> => {
      now = T0;
      return rig.setUp();
    };

    const spans = rig.spans;
    const range = `from=${T0}&to=${T0 + 3 * H}`;
    const traffic = async () => {
      const res = await rig.t.get(`/api/v1/stores/shop/traffic?${range}&bucket=hour`);
      expect(res.status, res.text).toBe(200);
      return res.body as { buckets: { start: string; enters: number }[]; outages: Outages };
    };
    const dwellOutages = async () => {
      const res = await rig.t.get(`/api/v1/stores/shop/dwell?${range}`);
      expect(res.status, res.text).toBe(200);
      return res.body.outages as Outages;
    };

    /**
     * 09:10 the agent counts 3 in (delivered); at `offAt` it stops (its offline status), or with `powerCut` its
     * link drops (the broker sends its will); resolves once its offline span is open. Nobody crosses after 09:10.
     */
    async function countThenOff(offAt: number, opts: { powerCut?: boolean } = {}) {
      const credentials = await setUp();
      const first = await rig.startAgent(credentials);
      now = T0 + 10 * MIN;
      first.source.cross(now, 3, 0);
      await waitFor("the first count delivered", async () => (await traffic()).buckets.reduce((n, b) => n + b.enters, 0) === 3, { timeoutMs: 30_000 });
      now = offAt;
      // A power cut: its link drops (the broker sends its will), the box is gone; else a clean stop (its offline status).
      if (opts.powerCut) rig.proxy.cut();
      else await first.agent.stop();
      await waitFor("the offline span", async () => (await spans()).some((s) => s.to === null), { timeoutMs: 30_000 });
      return { credentials, first };
    }

    /**
     * 09:10 it counts 3 in; at 10:15 the agent stops (its offline status) and a new one starts
     * `off` later (its status: counting since its start); nobody crosses from 09:10 to 12:00.
     */
    async function restart(off: number, opts: { powerCut?: boolean } = {}): Promise<void> {
      const { credentials, first } = await countThenOff(T0 + H + 15 * MIN, opts);
      if (opts.powerCut) await first.agent.stop();
      now += off;
      rig.proxy.restore();
      await rig.startAgent(credentials);
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
      await countThenOff(T0 + H + 15 * MIN);
      now = T0 + H + 17 * MIN;
      const res = await rig.t.get(`/api/v1/stores/shop/traffic?from=${T0}&to=${now}&bucket=hour`);
      expect(res.status, res.text).toBe(200);
      expect(res.body.outages).toMatchObject({ hours: 1, spans: [{ from: T0 + H, to: now }] });
    });

    it("an agent stopped at 10:57 and still off at 11:30: hour 10, over, reads as it will once the agent is back (3 minutes: counted)", async () => {
      const { credentials } = await countThenOff(T0 + H + 57 * MIN);
      // 09:00-11:00 read at 11:30 (a digest of hours over), the agent still off: hour 10 has 3 minutes of it.
      const pastHours = `/api/v1/stores/shop/traffic?from=${T0}&to=${T0 + 2 * H}&bucket=hour`;
      now = T0 + 2 * H + 30 * MIN;
      const whileOff = await rig.t.get(pastHours);
      expect(whileOff.status, whileOff.text).toBe(200);
      // Old server: { hours: 1, spans: [10:00-11:00] } while the agent is off, null once it is back.
      expect(whileOff.body.outages).toBeNull();
      // The hour going on (11:00-11:30 so far) is not counted: the rule of the hour not over is kept.
      const today = await rig.t.get(`/api/v1/stores/shop/traffic?from=${T0}&to=${now}&bucket=hour`);
      expect(today.body.outages).toMatchObject({ hours: 1, spans: [{ from: T0 + 2 * H, to: now }] });
      // Back at 11:40, read at 11:45: the same answer for 09:00-11:00.
      now = T0 + 2 * H + 40 * MIN;
      await rig.startAgent(credentials);
      await waitFor("the span closed", async () => (await spans()).every((s) => s.to !== null), { timeoutMs: 30_000 });
      now = T0 + 2 * H + 45 * MIN;
      const back = await rig.t.get(pastHours);
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
