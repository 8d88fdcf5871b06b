/**
 * A chain (Debian's PostgreSQL and mosquitto, two `footfall serve`): an alert change on the server that ingests a store
 * (fired, held on its agent gone offline, counted again, acknowledged, resolved) reaches a viewer's alerts-only link
 * (/alerts, the web app's header sign) on the OTHER server by its alert notice, pushed on arrival. Before, that server
 * learnt of it from the live notices alone, which do not say what changed, and read a store followed only for its
 * alerts at most once per round (a second): here the round is made ten minutes long (FOOTFALL_TEST_ALERTS_ONLY_READ_MS),
 * so each push must come before the other server's next round could run.
 */
import { describe, expect, it } from "vitest";
import { topics } from "@footfall/core";
import type { LiveAlerts } from "../../server/src/alerts/live.js";
import { batchJson, EventFactory, FootfallApi, waitFor } from "../support/index.js";
import { ALERTS_ONLY_ROUND_MS as ROUND_MS, useChainAlertStore } from "../support/chain-alerts.js";

const c = useChainAlertStore({ name: "footfall-chain-alerts-push", database: "footfall_chain_alerts_push", prefix: "ap" });
const { chain, store: STORE, agentId: AGENT, statusOf } = c;

describe("a chain's alert notice", () => {
  it("pushes each alert change of the ingesting server to the other server's alerts-only link at once, before its round", async () => {
    const { holder, other } = await c.holder();
    const holderApi = new FootfallApi(chain.servers.get(holder)!.httpUrl, chain.admin);
    let occupancy = 0;
    /** A viewer's header on `server`: every `alerts` it got, with when. */
    const header = async (server: string): Promise<{ at: number; alerts: LiveAlerts }[]> => {
      const got = await c.header(server, { onOccupancy: () => occupancy++ });
      expect(got.at(-1)!.alerts.alerts, server).toEqual([]);
      return got;
    };
    // The holder's own header, pushed by its evaluator: the change's instant on the holder.
    const onHolder = await header(holder);
    const got = await header(other);
    const joinedAt = Date.now();

    const delays: Record<string, number> = {};
    /** Does `change` on the holder, then waits for the other server's push that `pushed` tells; answers it. */
    const step = async (name: string, change: () => Promise<unknown>, pushed: (a: LiveAlerts) => boolean): Promise<LiveAlerts> => {
      const from = got.length;
      const fromHolder = onHolder.length;
      await change();
      const p = await waitFor(`${name} pushed to ${other}'s /alerts socket`, () => got.slice(from).find((g) => pushed(g.alerts)), { timeoutMs: 20_000 });
      const h = await waitFor(`${name} pushed to ${holder}'s /alerts socket`, () => onHolder.slice(fromHolder).find((g) => pushed(g.alerts)), { timeoutMs: 20_000 });
      delays[name] = p.at - h.at;
      // The order: pushed before the other server's alerts-only round could have read the store again.
      expect(p.at - joinedAt, name).toBeLessThan(ROUND_MS);
      return p.alerts;
    };
    const fruit = (a: LiveAlerts) => a.alerts.find((x) => x.ruleId === "fruit-full");

    // Fired: six people in the fruit zone (capacity 5), published to the store's agent topic; its holder ingests and fires.
    const events = new EventFactory(AGENT, STORE);
    const fired = await step(
      "fired",
      () => c.agent.publishAsync(topics.events(STORE, AGENT), batchJson(AGENT, Array.from({ length: 6 }, (_, i) => events.enter(`v${i}`, "fruit", Date.now() - 200 + i))), { qos: 1 }),
      (a) => fruit(a)?.state === "firing",
    );
    const alertId = fruit(fired)!.id;

    // Held: the store's one agent says it is offline; nobody counts the fruit zone, the alert is held (notCountedSince).
    await step("held", () => c.agent.publishAsync(topics.status(STORE, AGENT), statusOf("offline"), { qos: 1, retain: true }), (a) => fruit(a)?.notCountedSince !== undefined);
    // Counted again: back online.
    await step("counted again", () => c.agent.publishAsync(topics.status(STORE, AGENT), statusOf("online"), { qos: 1, retain: true }), (a) => fruit(a) !== undefined && fruit(a)!.notCountedSince === undefined);

    // Acknowledged on the holder (the tablet's button there).
    await step(
      "acknowledged",
      async () => expect((await holderApi.request("POST", `/api/v1/stores/${STORE}/alerts/${alertId}/ack`, {})).status).toBe(200),
      (a) => fruit(a)?.state === "acknowledged",
    );

    // Resolved: the six leave.
    await step(
      "resolved",
      () => c.agent.publishAsync(topics.events(STORE, AGENT), batchJson(AGENT, Array.from({ length: 6 }, (_, i) => events.exit(`v${i}`, "fruit", Date.now() - 100 + i))), { qos: 1 }),
      (a) => fruit(a) === undefined,
    );

    expect(occupancy).toBe(0);
    console.log(`chain alert notice: the push on ${other}'s /alerts socket after the push on ${holder}'s (ms): ${JSON.stringify(delays)}`);
  }, 180_000);
});
