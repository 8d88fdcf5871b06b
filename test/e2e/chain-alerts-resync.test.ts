/**
 * A chain (Debian's PostgreSQL and mosquitto, two `footfall serve`): the servers' LISTEN connections are cut (as a
 * PostgreSQL restart cuts them) and an alert change on the server that ingests the store is announced while the other
 * server does not listen: that notice is lost. When the other server listens again, its viewers' alerts-only links
 * (/alerts, the web app's header) get the store's alerts read again. Before, the reconnection reloaded layouts only:
 * the header showed the alert as before until the store's next change (at night, the morning), or here (the alerts-only
 * round made ten minutes long with FOOTFALL_TEST_ALERTS_ONLY_READ_MS) never within the test.
 */
import pg from "pg";
import { describe, expect, it } from "vitest";
import { topics } from "@footfall/core";
import type { LiveAlerts } from "../../server/src/alerts/live.js";
import { batchJson, EventFactory, FootfallApi, waitFor } from "../support/index.js";
import { ALERTS_ONLY_ROUND_MS as ROUND_MS, useChainAlertStore } from "../support/chain-alerts.js";

let db: pg.Client;
const c = useChainAlertStore({
  name: "footfall-chain-alerts-resync",
  database: "footfall_chain_alerts_resync",
  prefix: "rs",
  afterStart: async (chain) => {
    db = new pg.Client({ connectionString: chain.databaseUrl });
    await db.connect();
    chain.onClose(() => db.end());
  },
});
const { chain, store: STORE, agentId: AGENT } = c;

/** The servers' LISTEN connections (cluster/bus.ts): pid and when each began (epoch ms). */
const listeners = async () =>
  (await db.query<{ pid: number; started: string }>("SELECT pid, (extract(epoch FROM backend_start) * 1000)::bigint AS started FROM pg_stat_activity WHERE application_name = 'footfall-listen'")).rows.map((r) => ({
    pid: r.pid,
    started: Number(r.started),
  }));

describe("a chain server's LISTEN connection back after a gap", () => {
  it("pushes the store's alerts to its alerts-only links again: an alert change announced during the gap is not lost", async () => {
    const { holder, other } = await c.holder();
    // A viewer's header on each server: every `alerts` it got, with when.
    const onHolder = await c.header(holder);
    const got = await c.header(other);
    const fruit = (a: LiveAlerts) => a.alerts.find((x) => x.ruleId === "fruit-full");
    const holderApi = new FootfallApi(chain.servers.get(holder)!.httpUrl, chain.admin);
    const events = new EventFactory(AGENT, STORE);
    // Each server's processes (its HTTP half and its ingest half) listen each on a connection of their own.
    const listening = (await listeners()).length;
    expect(listening).toBeGreaterThanOrEqual(2);

    // Each round: six people in the fruit zone (capacity 5) fire the alert, which both headers get (every process
    // listening); every LISTEN connection is cut and the alert acknowledged on the holder at once, which announces it.
    // A round counts when no LISTEN connection was back before the holder's header got the acknowledgement (its notice
    // was sent then): the other server could not hear it. Then the six leave (resolved) for the next round.
    let checked = 0;
    for (let round = 0; round < 5 && checked === 0; round++) {
      await waitFor("every LISTEN connection back", async () => (await listeners()).length === listening, { timeoutMs: 30_000, intervalMs: 100 });
      await c.agent.publishAsync(topics.events(STORE, AGENT), batchJson(AGENT, Array.from({ length: 6 }, (_, i) => events.enter(`r${round}v${i}`, "fruit", Date.now() - 200 + i))), { qos: 1 });
      const fired = await waitFor(`fired on ${other}`, () => got.find((g) => fruit(g.alerts)?.state === "firing")?.alerts, { timeoutMs: 20_000 });
      const alertId = fruit(fired)!.id;
      await waitFor(`fired on ${holder}`, () => onHolder.find((g) => fruit(g.alerts)?.id === alertId), { timeoutMs: 20_000 });
      const acked = (a: LiveAlerts) => fruit(a)?.id === alertId && fruit(a)?.state === "acknowledged";
      const from = got.length;
      const fromHolder = onHolder.length;
      const cut = (await db.query<{ pid: number }>("SELECT pid, pg_terminate_backend(pid) AS cut FROM pg_stat_activity WHERE application_name = 'footfall-listen'")).rows.map((r) => r.pid);
      expect(cut).toHaveLength(listening);
      expect((await holderApi.request("POST", `/api/v1/stores/${STORE}/alerts/${alertId}/ack`, {})).status).toBe(200);
      const h = await waitFor(`acknowledged on ${holder}`, () => onHolder.slice(fromHolder).find((g) => acked(g.alerts)), { timeoutMs: 20_000 });
      const back = (await listeners()).filter((l) => !cut.includes(l.pid));
      if (back.some((l) => l.started <= h.at + 200)) {
        // A LISTEN connection was back in time: the notice may have been heard. Not a round.
        console.log(`round ${round}: a LISTEN connection was back ${h.at - Math.min(...back.map((l) => l.started))} ms before the acknowledgement's push; again`);
        await waitFor(`round ${round} settled on ${other}`, () => got.slice(from).find((g) => acked(g.alerts)), { timeoutMs: 20_000 }).catch(() => undefined);
      } else {
        // The notice went while the other server did not listen: its reconnection must push the alerts again.
        const p = await waitFor(`acknowledged pushed to ${other}'s /alerts socket after its LISTEN came back`, () => got.slice(from).find((g) => acked(g.alerts)), { timeoutMs: 30_000 });
        expect(p.at - h.at).toBeLessThan(ROUND_MS);
        checked++;
      }
      // Resolved: the six leave.
      const fromResolved = got.length;
      await c.agent.publishAsync(topics.events(STORE, AGENT), batchJson(AGENT, Array.from({ length: 6 }, (_, i) => events.exit(`r${round}v${i}`, "fruit", Date.now() - 100 + i))), { qos: 1 });
      await waitFor(`resolved on ${other}`, () => got.slice(fromResolved).find((g) => fruit(g.alerts) === undefined), { timeoutMs: 20_000 });
    }
    expect(checked, "a round whose notice went while nobody listened").toBe(1);
  }, 240_000);
});
