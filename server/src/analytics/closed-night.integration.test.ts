/**
 * An edge box switched off at night is closed, not "not counted" (core notCountedWhileOpen): a shop
 * open 08:00-21:00 whose till-queue camera's last will fires at 21:15 (on the server's embedded
 * broker, a real link cut) reads "not counted" nowhere while closed (GET .../occupancy, the live
 * queues, the chain overview) and needs no attention (the Agents view, GET /agents?problems=1, the chain
 * view's agent cell), and its open alert is not held (no `alert.not-counted` webhook, to a
 * real receiver checking signatures). A box back before opening is counted as ever; one that does not
 * come back is not counted from the opening, on every surface; its MQTT state (Home Assistant's
 * availability) too, through Debian's mosquitto and its will. The server's clock is the test's, stepped.
 */
import { afterEach, describe, expect, it } from "vitest";
import { topics, type ZoneId } from "@footfall/core";
import type { MqttClient } from "mqtt";
import { EventFactory, OPEN_08_TO_21 as HOURS, parisDec2026 as at } from "../../../test/support/fixtures.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { Mosquitto } from "../../../test/support/mosquitto.js";
import { connectMqtt } from "../../../test/support/mqtt.js";
import { usePostgres } from "../../../test/support/postgres.js";
import { withTillQueue } from "../../../test/support/till-queue-shop.js";
import { waitFor } from "../../../test/support/wait.js";
import { WebhookReceiver } from "../../../test/support/webhook-receiver.js";

const S = 1000;
const M = 60 * S;
const pg = usePostgres();

type Zone = { zone: string; offlineSince: number | null; offlineAgents: string[] };
type Occ = { partial: boolean; zones: Zone[] };
type Queues = { queues: { zone: string; offlineSince: number | null }[] };
type Overview = { stores: { id: string; partial: boolean; notCounted: { zone: string; since: number; agents: string[] }[]; agents: { problems: number } }[] };
type Agents = { problems?: number; agents: { agent: string; problems: string[] }[] };

for (const [db, port, hookPort] of [
  ["SQLite", 19301, 19302],
  ["PostgreSQL", 19303, 19304],
] as const) {
  describe(`a till-queue camera switched off at night (${db})`, () => {
    let now = at(7, 20, 58);
    let t: TestServer | null = null;
    let receiver: WebhookReceiver | null = null;
    const clients = new Map<string, MqttClient>();
    const logins: Record<string, { username: string; password: string }> = {};
    afterEach(async () => {
      for (const c of clients.values()) await c.endAsync(true).catch(() => {});
      clients.clear();
      await t?.close();
      t = null;
      await receiver?.down();
      receiver = null;
    });

    const status = (state: "online" | "offline") => JSON.stringify({ state, ts: now, kind: "camera", version: "1.0.0", statusEveryS: 30 });
    /** The agent's stored row (state, when its status was last heard). */
    const row = async (agent: string) => (await t!.server.services.storage.agents.listAll()).find((a) => a.store === "shop" && a.agent === agent);
    /** An agent as footfall-edge connects: its last will says offline; then its online status, stored before this returns. */
    async function connect(agent: string): Promise<void> {
      const c = await connectMqtt(
        { url: `mqtt://127.0.0.1:${t!.server.mqttPort}`, ...logins[agent]! },
        { clientId: `${agent}-${now}`, reconnectPeriod: 0, will: { topic: topics.status("shop", agent), payload: Buffer.from(status("offline")), qos: 1, retain: true } },
      );
      clients.set(agent, c);
      await beat(agent);
    }
    /** The agent's status every 30 s (what a running agent sends), stored before this returns. */
    async function beat(agent: string): Promise<void> {
      await clients.get(agent)!.publishAsync(topics.status("shop", agent), status("online"), { qos: 1, retain: true });
      await waitFor(`${agent}'s status at ${new Date(now).toISOString()} stored`, async () => {
        const r = await row(agent);
        return r?.state === "online" && r.statusTs === now ? true : undefined;
      });
    }
    /** The clock moves to `ts`; cam-1 (fruit) is up all along, as an agent in a box that stays on. */
    async function step(ts: number): Promise<void> {
      now = ts;
      await beat("cam-1");
    }
    const tick = () => t!.server.services.alertEvaluator!.tick();
    /** The rules with an active alert (GET .../alerts). */
    const firing = async () => {
      const res = await t!.get<{ alerts: { ruleId: string; state: string }[] }>("/api/v1/stores/shop/alerts");
      expect(res.status, res.text).toBe(200);
      return res.body.alerts.filter((a) => a.state !== "resolved").map((a) => a.ruleId);
    };
    const occupancy = async () => {
      const res = await t!.get<Occ>("/api/v1/stores/shop/occupancy");
      expect(res.status, res.text).toBe(200);
      return { partial: res.body.partial, line: res.body.zones.find((z) => z.zone === "line")! };
    };
    const queueLine = async () => {
      const res = await t!.get<Queues>("/api/v1/stores/shop/queues/live");
      expect(res.status, res.text).toBe(200);
      return res.body.queues.find((q) => q.zone === "line")!;
    };
    const chainRow = async () => {
      const res = await t!.get<Overview>("/api/v1/overview");
      expect(res.status, res.text).toBe(200);
      return res.body.stores.find((s) => s.id === "shop")!;
    };
    /** What cam-q needs attention for in the store's Agents view, and how many agents GET /agents?problems=1 lists. */
    const agentProblems = async () => {
      const store = await t!.get<Agents>("/api/v1/stores/shop/agents");
      const all = await t!.get<Agents>("/api/v1/agents?problems=1");
      expect([store.status, all.status]).toEqual([200, 200]);
      return { camQ: store.body.agents.find((a) => a.agent === "cam-q")!.problems, needing: all.body.problems };
    };
    /** What every surface says of the till queue: not counted since when (null: counted, or closed); and of cam-q's box: needing attention. */
    const surfaces = async () => {
      const o = await occupancy();
      const c = await chainRow();
      return {
        occupancy: o.line.offlineSince,
        partial: o.partial,
        queue: (await queueLine()).offlineSince,
        chain: c.notCounted.find((z) => z.zone === "line")?.since ?? null,
        chainPartial: c.partial,
        chainProblems: c.agents.problems,
        ...(await agentProblems()),
      };
    };

    /**
     * The shop at 20:58 on Monday, open 08:00-21:00: cam-1 follows fruit, cam-q the till queue, where five wait;
     * both connected with their last will; a rule at more than 3 waiting has fired to the store's webhook.
     */
    async function setUp(): Promise<void> {
      now = at(7, 20, 58);
      receiver = new WebhookReceiver("", 300, () => now);
      receiver.port = hookPort;
      await receiver.up();
      t = await startTestServer({ now: () => now, config: { mqttPort: port, ...(db === "PostgreSQL" ? { databaseUrl: pg.database("footfall_closed_night") } : {}) } });
      await t.putLayout("shop", withTillQueue());
      const hours = await t.request("PUT", "/api/v1/stores/shop/hours", { hours: HOURS });
      expect(hours.status, hours.text).toBe(200);
      for (const agent of ["cam-1", "cam-q"]) {
        logins[agent] = await t.server.services.storage.agents.add("shop", agent, "camera", now - 60 * M);
        await connect(agent);
      }
      const q = new EventFactory("cam-q");
      // (Sent as they happen: a few seconds late at most, no agent lagging.)
      await t.ingest("shop", "cam-q", [0, 1, 2, 3, 4].map((i) => q.enter(`v${i}`, "line" as ZoneId, now - 5 * S + i * S)));
      await t.ingest("shop", "cam-1", [new EventFactory("cam-1").enter("f1", "fruit" as ZoneId, now - S)]);
      const hook = await t.request("POST", "/api/v1/stores/shop/webhooks", { url: receiver.url, events: ["alert.*"] });
      expect(hook.status, hook.text).toBe(201);
      (receiver as { secret: string }).secret = hook.body.secret as string;
      const rule = await t.request("PUT", "/api/v1/stores/shop/alert-rules/line-long", { kind: "queue-length", zone: "line", threshold: 3, forSeconds: 0, cooldownSeconds: 0, enabled: true });
      expect(rule.status, rule.text).toBe(200);
      // And a rule that pages when cam-q is unheard for 10 minutes.
      const down = await t.request("PUT", "/api/v1/stores/shop/alert-rules/cam-q-down", { kind: "agent-offline", agent: "cam-q", threshold: 600, forSeconds: 0, cooldownSeconds: 0, enabled: true });
      expect(down.status, down.text).toBe(200);
      await tick();
      await waitFor("the firing delivered", async () => (receiver!.taken.length === 1 ? true : undefined));
      expect(receiver.taken[0]!.type).toBe("alert.firing");
    }

    /** 21:15, a quarter of an hour after closing: cam-q's timer plug cuts its box (its last status at 21:14:50), the broker sends its will. */
    async function switchedOff(): Promise<void> {
      await step(at(7, 21, 14, 50));
      await beat("cam-q");
      await step(at(7, 21, 15));
      clients.get("cam-q")!.stream.destroy();
      clients.delete("cam-q");
      await waitFor("cam-q's will stored", async () => ((await row("cam-q"))?.state === "offline" ? true : undefined));
    }

    it("reads the till queue as closed, not 'not counted', all night, holds no alert on it, and counts it again when the box is back before opening", async () => {
      await setUp();
      await switchedOff();
      const closed = { occupancy: null, partial: false, queue: null, chain: null, chainPartial: false, chainProblems: 0, camQ: [], needing: 0 };
      expect(await surfaces()).toEqual(closed);
      // The open alert is not held on figures nobody counts: it is evaluated on the queue's figures (its people
      // left long ago by the visit timeout), no 'alert.not-counted' reaches the pager.
      for (const ts of [at(7, 21, 16), at(7, 22), at(8, 3)]) {
        await step(ts);
        expect(await surfaces()).toEqual(closed);
        await tick();
        // Nor does the agent-offline rule page anyone for a box off while the store is closed.
        expect(await firing()).not.toContain("cam-q-down");
      }
      await waitFor("the alert resolved", async () => (receiver!.taken.some((d) => d.type === "alert.resolved") ? true : undefined));
      expect(receiver!.taken.map((d) => d.type)).toEqual(["alert.firing", "alert.resolved"]);
      const alerts = await t!.get<{ alerts: { notCountedSince?: number }[] }>("/api/v1/stores/shop/alerts");
      expect(alerts.body.alerts.filter((a) => a.notCountedSince !== undefined)).toEqual([]);

      // 07:45: the timer plug powers the box on, cam-q connects; at opening everything is counted.
      await step(at(8, 7, 45));
      expect(await surfaces()).toEqual(closed);
      await connect("cam-q");
      await step(at(8, 8, 0, 30));
      await beat("cam-q");
      expect(await surfaces()).toEqual(closed);
    });

    it("says the till queue is not counted from the opening when the box does not come back, on every surface", async () => {
      await setUp();
      await switchedOff();
      await step(at(8, 7, 59, 59));
      expect(await surfaces()).toMatchObject({ occupancy: null, chainProblems: 0, camQ: [], needing: 0 });
      await tick();
      expect(await firing()).not.toContain("cam-q-down");
      await step(at(8, 8, 0, 30));
      const opening = at(8, 8);
      // Not counted from the opening; but the box is not "offline" (a problem) before the agent-offline rule would page:
      // the Agents view says it is expected back by 08:10 (session 48; before, "offline" at 08:00:30 on every surface).
      expect(await surfaces()).toEqual({ occupancy: opening, partial: true, queue: opening, chain: opening, chainPartial: true, chainProblems: 0, camQ: [], needing: 0 });
      expect((await occupancy()).line.offlineAgents).toEqual(["cam-q"]);
      // The agent-offline rule pages nobody at the opening, a box takes a minute or two to boot: not while the store
      // has been open for the rule's 10 minutes.
      for (const ts of [at(8, 8, 0, 30), at(8, 8, 5), at(8, 8, 10)]) {
        await step(ts);
        await tick();
        expect(await firing()).not.toContain("cam-q-down");
      }
      // 08:10:30, still off: it pages, with its whole silence (cam-q unheard since 21:14:50).
      await step(at(8, 8, 10, 30));
      await tick();
      expect(await firing()).toContain("cam-q-down");
      // Now offline on every surface, as the rule pages.
      expect(await surfaces()).toMatchObject({ chainProblems: 1, camQ: ["offline"], needing: 1 });
      await waitFor("cam-q-down's firing delivered", async () => (receiver!.taken.some((d) => d.type === "alert.firing" && (d.body.data as { rule: { id: string } }).rule.id === "cam-q-down") ? true : undefined));
      const paged = receiver!.taken.find((d) => d.type === "alert.firing" && (d.body.data as { rule: { id: string } }).rule.id === "cam-q-down")!;
      expect((paged.body.data as { alert: { since: number; message: string } }).alert).toMatchObject({ since: at(8, 8, 10, 30), message: "cam-q silent for 10 h 56 min" });
    });

    it("pages nobody for a box switched on at the opening that connects 3 minutes later", async () => {
      await setUp();
      await switchedOff();
      // 08:00: the timer plug powers the box on; it boots, cam-q connects at 08:03.
      for (const ts of [at(8, 8), at(8, 8, 0, 30), at(8, 8, 2)]) {
        await step(ts);
        await tick();
        expect(await firing()).not.toContain("cam-q-down");
      }
      await step(at(8, 8, 3));
      await connect("cam-q");
      for (const ts of [at(8, 8, 3, 30), at(8, 8, 10, 30), at(8, 8, 20)]) {
        await step(ts);
        await beat("cam-q");
        await tick();
        expect(await firing()).not.toContain("cam-q-down");
      }
      expect(receiver!.taken.filter((d) => (d.body.data as { rule: { id: string } }).rule.id === "cam-q-down")).toEqual([]);
    });
  });
}

describe("a till-queue camera switched off at night, as MQTT readers and Home Assistant see it (mosquitto)", () => {
  let now = at(7, 20, 58);
  let t: TestServer | null = null;
  let mosquitto: Mosquitto | null = null;
  const clients: MqttClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.endAsync(true).catch(() => {});
    await t?.close();
    t = null;
    await mosquitto?.dispose();
    mosquitto = null;
  });

  it("keeps the till queue's state counted all night after the box's will, and says it is not counted from the opening when the box stays off", async () => {
    mosquitto = await Mosquitto.anonymous(19305);
    t = await startTestServer({ now: () => now, config: { mqttUrl: mosquitto.url } });
    await t.putLayout("shop", withTillQueue());
    expect((await t.request("PUT", "/api/v1/stores/shop/hours", { hours: HOURS })).status).toBe(200);
    const last = new Map<string, Record<string, unknown>>();
    const reader = await connectMqtt({ url: mosquitto.url, username: "", password: "" });
    clients.push(reader);
    reader.on("message", (topic, payload) => void last.set(topic, JSON.parse(payload.toString()) as Record<string, unknown>));
    await reader.subscribeAsync("footfall/v1/shop/#", { qos: 1 });
    const line = () => last.get(topics.queue("shop", "line"));
    const status = (state: "online" | "offline") => JSON.stringify({ state, ts: now, kind: "camera", version: "1.0.0", statusEveryS: 30 });
    const stored = async (agent: string, state: string) =>
      waitFor(`${agent} ${state} at ${new Date(now).toISOString()}`, async () => {
        const r = (await t!.server.services.storage.agents.listAll()).find((a) => a.agent === agent);
        return r?.state === state && (state === "offline" || r.statusTs === now) ? true : undefined;
      });
    const agents: Record<string, MqttClient> = {};
    const beat = async (agent: string) => {
      await agents[agent]!.publishAsync(topics.status("shop", agent), status("online"), { qos: 1, retain: true });
      await stored(agent, "online");
    };
    for (const agent of ["cam-1", "cam-q"]) {
      await t.server.services.storage.agents.add("shop", agent, "camera", now - 60 * M);
      agents[agent] = await connectMqtt(
        { url: mosquitto.url, username: "", password: "" },
        { clientId: agent, reconnectPeriod: 0, will: { topic: topics.status("shop", agent), payload: Buffer.from(status("offline")), qos: 1, retain: true } },
      );
      clients.push(agents[agent]!);
      await beat(agent);
    }
    const q = new EventFactory("cam-q");
    await t.ingest("shop", "cam-q", [0, 1, 2].map((i) => q.enter(`v${i}`, "line" as ZoneId, now - 30 * S + i * S)));
    await waitFor("the line's 3 waiting over MQTT", async () => (line()?.length === 3 ? true : undefined));

    // 21:15: cam-q's box is switched off a quarter of an hour after closing (its last status at 21:14:50); mosquitto sends its will.
    now = at(7, 21, 14, 50);
    await beat("cam-1");
    await beat("cam-q");
    now = at(7, 21, 15);
    await beat("cam-1");
    agents["cam-q"]!.stream.destroy();
    await stored("cam-q", "offline");
    // 22:00: the line's people have left by the visit timeout; the state says so, and that the line is counted (closed).
    now = at(7, 22);
    await beat("cam-1");
    await waitFor("the line empty over MQTT", async () => (line()?.length === 0 ? true : undefined));
    expect(line()).toMatchObject({ length: 0, offlineSince: null });
    expect(last.get(topics.occupancy("shop"))).toMatchObject({ partial: false });

    // 08:00:30, cam-q still off: not counted since the opening, with no event to say so.
    now = at(8, 8, 0, 30);
    await beat("cam-1");
    await waitFor("the line not counted since the opening over MQTT", async () => (line()?.offlineSince === at(8, 8) ? true : undefined), { timeoutMs: 20_000 });
    await waitFor("the store total partial over MQTT", async () => (last.get(topics.occupancy("shop"))?.partial === true ? true : undefined), { timeoutMs: 20_000 });
  }, 60_000);
});
