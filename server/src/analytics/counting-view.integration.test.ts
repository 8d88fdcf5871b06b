/**
 * Which zones nobody counts now, served from one view of each store's agents (./counting-view.ts),
 * on SQLite and PostgreSQL, with real agents on the server's embedded broker: the readers' asks at
 * one moment cost one read of the store's agents, not one each; an agent's last will makes its zone
 * "not counted" in the very next answer though the server's clock stands still (so no lifetime of the
 * view could have run out), and its online status counts it again at once, as does an event of an
 * agent that is up naming the zone, at its commit; an agent that falls
 * silent is seen at the moment it does, and one heard since its row was read is not taken for silent.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { ZoneId } from "@footfall/core";
import { AgentLinks } from "../../../test/support/agent-links.js";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { startTestServer } from "../../../test/support/in-process.js";
import { usePostgres } from "../../../test/support/postgres.js";
import { waitFor } from "../../../test/support/wait.js";

/** Sunday 6 Dec 2026, 16:00 in Paris. */
const T0 = Date.UTC(2026, 11, 6, 15);
const S = 1000;
const pg = usePostgres();

type Occ = { partial: boolean; zones: { zone: string; occupancy: number; offlineSince: number | null; offlineAgents: string[] }[] };

for (const [db, port] of [
  ["SQLite", 19111],
  ["PostgreSQL", 19112],
] as const) {
  describe(`zones nobody counts now, from one view of the store's agents (${db})`, () => {
    let now = T0;
    const links = new AgentLinks(() => now);
    afterEach(() => links.close());
    const server = () => links.server!;

    /** The shop: cam-1 counts fruit, cam-2 the bakery; both connected with their last will, online. */
    async function start(): Promise<{ agents: Record<string, { username: string; password: string }>; lists: () => number }> {
      now = T0;
      const t = links.use(await startTestServer({ now: () => now, config: { mqttPort: port, ...(db === "PostgreSQL" ? { databaseUrl: pg.database("footfall_counting") } : {}) } }));
      await t.putLayout("shop", smallLayout());
      const storage = t.server.services.storage;
      const agents: Record<string, { username: string; password: string }> = {};
      for (const agent of ["cam-1", "cam-2"]) {
        agents[agent] = await storage.agents.add("shop", agent, "camera", T0 - 3_600 * S);
        await links.connect("shop", agent, agents[agent]!);
      }
      await t.ingest("shop", "cam-1", [new EventFactory("cam-1").enter("f1", "fruit" as ZoneId, T0 - 20 * S)]);
      await t.ingest("shop", "cam-2", [new EventFactory("cam-2").enter("b1", "bakery" as ZoneId, T0 - 10 * S)]);
      const res = await t.request("PUT", "/api/v1/stores/shop/alert-rules/fruit-busy", { kind: "occupancy", zone: "fruit", threshold: 0.9, forSeconds: 0, cooldownSeconds: 0, enabled: true });
      expect(res.status, res.text).toBe(200);
      // Every read of a store's agents the readers make, from here on.
      let lists = 0;
      const list = storage.agents.list;
      storage.agents.list = (store) => {
        lists++;
        return list(store);
      };
      return { agents, lists: () => lists };
    }

    const stateOf = (agent: string) => links.stateOf("shop", agent);
    const occupancy = async () => {
      const res = await server().get<Occ>("/api/v1/stores/shop/occupancy");
      expect(res.status, res.text).toBe(200);
      return res.body;
    };
    const bakery = (o: Occ) => o.zones.find((z) => z.zone === "bakery")!;

    it("answers the readers' asks of one moment from one read of the store's agents", async () => {
      const { lists } = await start();
      const before = lists();
      for (let i = 0; i < 5; i++) expect(bakery(await occupancy()).offlineSince).toBeNull();
      for (let i = 0; i < 3; i++) await server().server.services.alertEvaluator!.tick();
      // Five answers and three evaluations (and the MQTT states published meanwhile): one read at most, the first ask's (each read its own before).
      expect(lists() - before).toBeLessThanOrEqual(1);
    });

    it("says a zone is not counted in the answer right after its agent's last will, the clock standing still, and counted again at its online status", async () => {
      const { agents, lists } = await start();
      expect(bakery(await occupancy()).offlineSince).toBeNull();
      // cam-2's link dies without a word: the broker sends its will, which the server stores (stamped now: the clock has not moved).
      const cam2 = links.of("shop", "cam-2");
      cam2.stream.destroy();
      await waitFor("cam-2's will stored", async () => (await stateOf("cam-2")) === "offline");
      const down = await occupancy();
      expect(bakery(down)).toMatchObject({ offlineSince: now, offlineAgents: ["cam-2"] });
      expect(down.partial).toBe(true);
      expect(down.zones.find((z) => z.zone === "fruit")!.offlineSince).toBeNull();
      const reads = lists();
      for (let i = 0; i < 5; i++) expect(bakery(await occupancy()).offlineSince).toBe(now);
      expect(lists() - reads, "answers while nothing changes read nothing more").toBe(0);

      // Back: counted again in the next answer.
      await links.connect("shop", "cam-2", agents["cam-2"]!);
      const back = await occupancy();
      expect(bakery(back).offlineSince).toBeNull();
      expect(back.partial).toBe(false);
    });

    it("counts a zone again at the commit of an event of an agent that is up naming it, while the zone's own camera is still offline", async () => {
      await start();
      links.of("shop", "cam-2").stream.destroy();
      await waitFor("cam-2's will stored", async () => (await stateOf("cam-2")) === "offline");
      expect(bakery(await occupancy()).offlineAgents).toEqual(["cam-2"]);
      // cam-1 (online) now sees the bakery too: its event names it, so something counts it again.
      await server().ingest("shop", "cam-1", [new EventFactory("cam-1", "wide").enter("b9", "bakery" as ZoneId, now - S)]);
      const o = await occupancy();
      expect(bakery(o).offlineSince).toBeNull();
      expect(o.partial).toBe(false);
    });

    it("sees an agent fall silent at the moment it does, and one heard since the store's agents were read as up", async () => {
      await start();
      // Both were last heard at T0; an agent unheard for 3 status intervals (3 x 30 s) is silent.
      now = T0 + 90 * S - 300;
      expect((await occupancy()).partial).toBe(false);
      // An event of cam-2 arrives (no status): it was heard just now, after its row was read.
      now = T0 + 90 * S - 200;
      await server().ingest("shop", "cam-2", [new EventFactory("cam-2", "late").enter("b2", "bakery" as ZoneId, now - S)]);
      now = T0 + 90 * S + 200;
      const o = await occupancy();
      expect(o.zones.find((z) => z.zone === "fruit")).toMatchObject({ offlineSince: T0, offlineAgents: ["cam-1"] });
      expect(bakery(o).offlineSince).toBeNull();
      expect(o.partial).toBe(true);
    });
  });
}
