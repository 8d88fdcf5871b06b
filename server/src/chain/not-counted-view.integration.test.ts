/**
 * The chain overview and the live queues read which zones nobody counts now from the server's view of
 * each store's agents (analytics/counting-view.ts), as GET .../occupancy does, on SQLite and
 * PostgreSQL with real agents on the server's embedded broker: asks while nothing changes read no
 * agents (each overview read every agent, each queue answer the store's agents and its line's), and
 * an agent's last will shows in the very next overview and queue answer though the server's clock
 * stands still (so no lifetime of the view could have run out), as does its online status again.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { LayoutInput, ZoneId } from "@footfall/core";
import type { LiveQueues } from "../analytics/queues.js";
import { AgentLinks } from "../../../test/support/agent-links.js";
import { EventFactory, rectZone, smallLayout } from "../../../test/support/fixtures.js";
import { startTestServer } from "../../../test/support/in-process.js";
import { usePostgres } from "../../../test/support/postgres.js";
import { waitFor } from "../../../test/support/wait.js";

/** Sunday 6 Dec 2026, 16:00 in Paris. */
const T0 = Date.UTC(2026, 11, 6, 15);
const S = 1000;
const pg = usePostgres();

/** The small shop and a checkout line queueing for its tills. */
function queueLayout(name: string): LayoutInput {
  const base = smallLayout({ name });
  return { ...base, floor: { width: 20, height: 14 }, zones: [...base.zones, { ...rectZone("line", "queue", 10, 10, 10, 4, 8), queueFor: "checkout" }] };
}

interface Row {
  id: string;
  partial: boolean;
  notCounted: { zone: string; since: number; agents: string[] }[];
}

for (const [db, port] of [
  ["SQLite", 19160],
  ["PostgreSQL", 19161],
] as const) {
  describe(`the chain overview and the live queues, from the view of the stores' agents (${db})`, () => {
    const now = T0;
    let overviews = 0;
    const links = new AgentLinks(() => now);
    afterEach(() => links.close());
    const server = () => links.server!;

    /** Two shops: in each, cam-1 counts fruit and cam-2 the checkout line (one waiting). Returns the reads of agents counted from here on. */
    async function start() {
      overviews = 0;
      const t = links.use(await startTestServer({ now: () => now, config: { mqttPort: port, ...(db === "PostgreSQL" ? { databaseUrl: pg.database("footfall_chain_counting") } : {}) } }));
      const agents = t.server.services.storage.agents;
      const listAll = agents.listAll.bind(agents);
      const logins: Record<string, { username: string; password: string }> = {};
      for (const store of ["shop", "lyon"]) {
        await t.putLayout(store, queueLayout(store));
        for (const agent of ["cam-1", "cam-2"]) {
          logins[`${store}/${agent}`] = await agents.add(store, agent, "camera", T0 - 3_600 * S);
          await links.connect(store, agent, logins[`${store}/${agent}`]!);
        }
        await t.ingest(store, "cam-1", [new EventFactory("cam-1").enter("f1", "fruit" as ZoneId, T0 - 20 * S)]);
        await t.ingest(store, "cam-2", [new EventFactory("cam-2").enter("w1", "line" as ZoneId, T0 - 10 * S)]);
      }
      // Every read of the agents the readers make, from here on.
      const reads = { list: 0, listAll: 0, zoneAgents: 0 };
      const { list, zoneAgents } = agents;
      agents.list = (store) => (reads.list++, list(store));
      agents.listAll = () => (reads.listAll++, listAll());
      agents.zoneAgents = (store, zone) => (reads.zoneAgents++, zoneAgents(store, zone));
      // The overview reads every agent once for its agents' figures (online, needing attention): its zones nobody counts come from that read.
      const beyond = () => reads.list + reads.zoneAgents + Math.max(0, reads.listAll - overviews);
      return { logins, reads, beyond };
    }

    const overview = async () => {
      overviews++;
      const res = await server().get<{ stores: Row[]; totals: { partialStores: number } }>("/api/v1/overview");
      expect(res.status, res.text).toBe(200);
      return res.body;
    };
    const row = (o: { stores: Row[] }, id: string) => o.stores.find((s) => s.id === id)!;
    const line = async (store: string) => {
      const res = await server().get<LiveQueues>(`/api/v1/stores/${store}/queues/live`);
      expect(res.status, res.text).toBe(200);
      return res.body.queues.find((q) => q.zone === "line")!;
    };

    it("answers overviews and queue figures while nothing changes without reading the agents again", async () => {
      const { beyond, reads } = await start();
      // The first asks may read (the views of both shops); the next ones are served from them.
      expect(row(await overview(), "shop")).toMatchObject({ partial: false, notCounted: [] });
      expect(await line("shop")).toMatchObject({ length: 1, offlineSince: null });
      const before = beyond();
      const lists = reads.listAll;
      for (let i = 0; i < 5; i++) {
        expect((await overview()).totals.partialStores).toBe(0);
        for (const store of ["shop", "lyon"]) expect(await line(store)).toMatchObject({ length: 1, offlineSince: null, offlineAgents: [] });
      }
      // Old code: every overview read every agent twice (its agents' figures, then which zones nobody counts), every queue
      // answer the store's agents and its line's (25 reads beyond the overviews' one each).
      expect(beyond() - before, "five overviews and ten queue answers read the agents beyond the overview's one read").toBe(0);
      expect(reads.listAll - lists, "one read of every agent per overview").toBe(5);
    });

    it("says the line is not counted in the next overview and queue answer after its camera's last will, the clock standing still, and counted at its online status", async () => {
      const { logins, beyond } = await start();
      expect(row(await overview(), "shop").partial).toBe(false);
      expect((await line("shop")).offlineSince).toBeNull();
      // shop's cam-2 loses its link without a word: the broker sends its will, which the server stores (stamped now).
      links.of("shop", "cam-2").stream.destroy();
      await waitFor("cam-2's will stored", async () => (await links.stateOf("shop", "cam-2")) === "offline");
      const o = await overview();
      expect(row(o, "shop")).toMatchObject({ partial: true, notCounted: [{ zone: "line", since: now, agents: ["cam-2"] }] });
      expect(row(o, "lyon")).toMatchObject({ partial: false, notCounted: [] });
      expect(await line("shop")).toMatchObject({ length: 1, offlineSince: now, offlineAgents: ["cam-2"] });
      expect((await line("lyon")).offlineSince).toBeNull();
      const reads = beyond();
      for (let i = 0; i < 3; i++) {
        expect(row(await overview(), "shop").notCounted).toHaveLength(1);
        expect((await line("shop")).offlineSince).toBe(now);
      }
      expect(beyond() - reads, "answers while nothing changes read nothing more").toBe(0);

      // Back online: counted again in the next answers.
      await links.connect("shop", "cam-2", logins["shop/cam-2"]!);
      expect(row(await overview(), "shop")).toMatchObject({ partial: false, notCounted: [] });
      expect((await line("shop")).offlineSince).toBeNull();
    });
  });
}
