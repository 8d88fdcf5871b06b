/**
 * A door counter cut off from the broker for hours that ran on counting: its outbox delivers what it
 * counted when its link is back, and an hour nobody crossed after its last count was, before, still
 * "not counted" (counts alone cannot tell a switched-off counter from an empty shop). Now its online
 * status at its return says since when it counted (`countingSince`), and the server ends its offline
 * span there: that hour is counted, 0. An older agent (no `countingSince`) and a counter switched off
 * (it says it counted since its restart) keep their hours not counted. A real edge agent (its memory
 * outbox, its status) on the server's embedded broker (Aedes) through a TCP proxy cut for the outage,
 * the agent's and the server's clock moved on by hours; a SQLite file and PostgreSQL.
 */
import { describe, expect, it } from "vitest";
import type { Agent } from "../../../edge/src/agent.js";
import { useDoorAgents, type MqttLogin } from "../../../test/support/door-agent.js";
import { usePostgres } from "../../../test/support/postgres.js";
import { waitFor } from "../../../test/support/wait.js";

const H = 3_600_000;
/** Monday 30 November 2026, 09:00 UTC: the counter runs from here. */
const T0 = Date.UTC(2026, 10, 30, 9);
const pg = usePostgres();

for (const [db, PORT] of [
  ["SQLite", 19401],
  ["PostgreSQL", 19402],
] as const) {
  describe(`a door counter off the broker for hours that ran on counting (countingSince, ${db})`, () => {
    let now = T0;
    const rig = useDoorAgents({
      mqttPort: PORT,
      now: () => now,
      t0: T0,
      ...(db === "PostgreSQL" ? { databaseUrl: () => pg.database("footfall_counting_since") } : {}),
    });
    const setUp = async (): Promise<{ credentials: MqttLogin }> => {
      now = T0;
      return { credentials: await rig.setUp() };
    };

    const startAgent = (credentials: MqttLogin, opts: { old?: boolean; forged?: boolean } = {}) =>
      rig.startAgent(credentials, {
        edit: (agent: Agent<unknown>) => {
          if (opts.old) {
            // An agent older than countingSince: the same status without it.
            const status = agent.status.bind(agent);
            agent.status = (state, extra) => {
              const { countingSince: _, ...rest } = status(state, extra);
              return rest as ReturnType<typeof status>;
            };
          }
          if (opts.forged) {
            // A forged countingSince: in the future of its own status.
            const status = agent.status.bind(agent);
            agent.status = (state, extra) => {
              const s = status(state, extra);
              return { ...s, countingSince: s.ts + H };
            };
          }
        },
      });

    const spans = rig.spans;
    const outages = async () => {
      const res = await rig.t.get(`/api/v1/stores/shop/traffic?from=${T0}&to=${T0 + 6 * H}&bucket=hour`);
      expect(res.status, res.text).toBe(200);
      return res.body.outages as { hours: number; spans: { from: number; to: number }[] } | null;
    };

    const enters = async () => {
      const res = await rig.t.get(`/api/v1/stores/shop/traffic?from=${T0}&to=${T0 + 6 * H}&bucket=hour`);
      expect(res.status, res.text).toBe(200);
      return (res.body.buckets as { enters: number }[]).reduce((n, b) => n + b.enters, 0);
    };

    /**
     * 09:10 it counts 3 in; 10:00 its link goes down (the broker sends its will); 11:30 it counts 2 in,
     * 2 out (held in its outbox); nobody crosses from 12:00; 14:00 its link is back and its outbox
     * delivers. `switchOff` stops the agent at 12:00 and starts a new one at 13:00 (a counter off for an hour).
     */
    async function outage(opts: { old?: boolean; forged?: boolean; switchOff?: boolean } = {}): Promise<void> {
      const { credentials } = await setUp();
      const first = await startAgent(credentials, opts);
      const source = first.source;
      let agent = first.agent;
      now = T0 + 10 * 60_000;
      source.cross(now, 3, 0);
      await waitFor("the first count delivered", async () => (await enters()) === 3, { timeoutMs: 30_000 });
      now = T0 + H;
      rig.proxy.cut();
      await waitFor("the will's offline span", async () => (await spans()).some((s) => s.to === null), { timeoutMs: 30_000 });
      now = T0 + 2.5 * H;
      source.cross(now, 2, 2);
      now = T0 + 3 * H;
      if (opts.switchOff) {
        await agent.stop(); // switched off: its link is down, its outbox (memory) delivered nothing, it counts nothing
        now = T0 + 4 * H;
        rig.proxy.restore();
        agent = (await startAgent(credentials, opts)).agent;
      } else {
        now = T0 + 5 * H;
        rig.proxy.restore();
        await waitFor("the agent back", () => agent.metrics().connected, { timeoutMs: 30_000 });
      }
      await waitFor("the span closed", async () => (await spans()).every((s) => s.to !== null), { timeoutMs: 30_000 });
      await waitFor("the outbox delivered", () => agent.metrics().queued === 0, { timeoutMs: 30_000 });
    }

    it("counts the hours after its last count 0 once its outbox has delivered: no outage", async () => {
      await outage();
      // Old server: { hours: 2, spans: [12:00-14:00] }, the hours after 11:30's count, nobody crossing, "not counted".
      expect(await outages()).toBeNull();
      // The span ends where its counting began (before the span: it never stopped), so nothing of it is an outage.
      const [span] = await spans();
      expect(span!.to).toBe(span!.from);
      expect(await enters()).toBe(5);
    });

    it("an older agent, saying nothing of its counting, keeps the hours after its last count not counted", async () => {
      await outage({ old: true });
      expect(await outages()).toMatchObject({ hours: 2, spans: [{ from: T0 + 3 * H, to: T0 + 5 * H }] });
    });

    it("a countingSince after its own status's time is a counted reject: the status counts as one without it", async () => {
      await outage({ forged: true });
      expect(await outages()).toMatchObject({ hours: 2, spans: [{ from: T0 + 3 * H, to: T0 + 5 * H }] });
      const res = await rig.t.get("/api/v1/stores/shop/agents");
      expect(res.status, res.text).toBe(200);
      const row = (res.body.agents as { agent: string; rejectReasons: Record<string, number> }[]).find((a) => a.agent === "door-1")!;
      expect(row.rejectReasons.schema).toBeGreaterThan(0);
    });

    it("a counter switched off keeps its hours off not counted: it says it counted since its restart", async () => {
      await outage({ switchOff: true });
      // Off from its will (10:00) to its restart (13:00); its 11:30 count was in a memory outbox, lost: 10:00-13:00 not counted.
      expect(await outages()).toMatchObject({ hours: 3, spans: [{ from: T0 + H, to: T0 + 4 * H }] });
    });
  });
}
