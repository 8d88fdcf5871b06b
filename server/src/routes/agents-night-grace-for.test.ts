/**
 * A box switched off at night is given until its agent-offline rule pages: the rule's threshold and its forSeconds
 * (how long the condition must hold), by the rules that watch that agent (a rule naming another agent gives it none).
 * The old grace was the smallest threshold of the store's rules: 'expected back by 08:02' for a box the rules page for
 * at 08:30, 'offline' in the Agents view, `footfall agent list` and footfall_agents from 08:02 while nobody was paged.
 * Every view reads the same: GET .../agents (problems, expectedBackBy), the chain view's agent cell (GET /overview), the
 * CLI's `agent list` (agentListOpened with storedOpening, as cli.ts calls it) and /metrics footfall_agents{state}.
 * Real SQLite file, the server's clock stepped.
 */
import { describe, expect, it } from "vitest";
import { smallLayout, OPEN_08_TO_21 as HOURS, parisDec2026 as at } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";
import { agentListOpened } from "../agent-list-format.js";
import { storedOpening } from "../analytics/zone-tracking.js";
import { scrape } from "../metrics-listener.js";


let now = at(7, 12);
const t = useTestServer({ now: () => now });

describe("a box down at night: given until its agent-offline rule pages (threshold + forSeconds, its own rules)", () => {
  it("says closed, then expected back by 08:30, then offline from 08:30 in the Agents API, the chain cell, agent list and footfall_agents alike", async () => {
    now = at(7, 12);
    await t.putLayout("held", smallLayout({ name: "held", timezone: "Europe/Paris" }));
    expect((await t.request("PUT", "/api/v1/stores/held/hours", { hours: HOURS })).status).toBe(200);
    await t.server.services.storage.agents.add("held", "cam-1", "camera", at(7, 12));
    await t.server.services.storage.agents.add("held", "door-1", "door", at(7, 12));
    // cam-1's rule: unheard for 10 minutes, held for 20 more: it pages at 08:30. A 2-minute rule on another agent (the
    // door, revoked since: out of every count) watches not cam-1.
    for (const [id, rule] of [
      ["cam-down", { kind: "agent-offline", agent: "cam-1", threshold: 600, forSeconds: 1200, cooldownSeconds: 0, enabled: true }],
      ["door-down", { kind: "agent-offline", agent: "door-1", threshold: 120, forSeconds: 0, cooldownSeconds: 0, enabled: true }],
    ] as const) {
      const res = await t.request("PUT", `/api/v1/stores/held/alert-rules/${id}`, rule);
      expect(res.status, res.text).toBe(200);
    }
    await t.server.services.storage.agents.revoke("held", "door-1", at(7, 13));
    const online = (ts: number) => ({ state: "online" as const, ts, kind: "camera" as const, version: "1.0.0" });
    await t.server.services.storage.agents.recordStatus("held", "cam-1", online(at(7, 21, 14)), at(7, 21, 14));
    await t.server.services.storage.agents.recordStatus("held", "cam-1", { ...online(at(7, 21, 15)), state: "offline" }, at(7, 21, 15));

    const views = async () => {
      const agents = await t.get<{ agents: { agent: string; problems: string[]; expectedBackBy?: number | null }[] }>("/api/v1/stores/held/agents");
      expect(agents.status, agents.text).toBe(200);
      const cam = agents.body.agents.find((a) => a.agent === "cam-1")!;
      const overview = await t.get<{ stores: { id: string; agents: { problems: number } }[] }>("/api/v1/overview");
      expect(overview.status, overview.text).toBe(200);
      const { storage } = t.server.services;
      const list = await agentListOpened(await storage.agents.listAll(), {}, 60_000, now, (s) => storedOpening(storage, s, now));
      const metrics = (await scrape(t.server.services)).body;
      const gauge = (state: string) => Number(new RegExp(`^footfall_agents\\{state="${state}"\\} (\\S+)$`, "m").exec(metrics)?.[1]);
      return {
        offline: cam.problems.includes("offline"),
        back: cam.expectedBackBy ?? null,
        chain: overview.body.stores.find((s) => s.id === "held")!.agents.problems,
        cli: list.find((e) => e.agent === "cam-1")!.status,
        gauge: { closed: gauge("closed"), offline: gauge("offline") },
      };
    };
    // 07:59: closed.
    now = at(8, 7, 59);
    expect(await views()).toEqual({ offline: false, back: null, chain: 0, cli: "closed", gauge: { closed: 1, offline: 0 } });
    // 08:05 and 08:29 (old: offline from 08:02, the door's rule's threshold; by 08:10, its own threshold): expected back by 08:30.
    for (const ts of [at(8, 8, 5), at(8, 8, 29)]) {
      now = ts;
      expect(await views()).toEqual({ offline: false, back: at(8, 8, 30), chain: 0, cli: "closed", gauge: { closed: 1, offline: 0 } });
    }
    // 08:30 and a second: the rule pages; every view says offline.
    now = at(8, 8, 30, 1);
    expect(await views()).toEqual({ offline: true, back: null, chain: 1, cli: "offline", gauge: { closed: 0, offline: 1 } });
  });

  it("a zone's rule watches the agents whose events named the zone, as the alert evaluator reads it, not every agent", async () => {
    now = at(7, 12);
    const { storage } = t.server.services;
    await t.putLayout("zoned", smallLayout({ name: "zoned", timezone: "Europe/Paris" }));
    expect((await t.request("PUT", "/api/v1/stores/zoned/hours", { hours: HOURS })).status).toBe(200);
    // cam-1 reports the fruit zone, cam-2 the bakery.
    for (const [agent, zone] of [
      ["cam-1", "fruit"],
      ["cam-2", "bakery"],
    ] as const) {
      await storage.agents.add("zoned", agent, "camera", at(7, 12));
      await storage.agents.recordIngestMany([{ store: "zoned", agent, events: 1, duplicates: 0, rejects: 0, lastEventTs: at(7, 12), receivedAt: at(7, 12), zones: new Map([[zone, at(7, 12)]]) }]);
    }
    for (const [id, rule] of [
      ["fruit-down", { kind: "agent-offline", zone: "fruit", threshold: 600, forSeconds: 1200, cooldownSeconds: 0, enabled: true }],
      ["bakery-down", { kind: "agent-offline", zone: "bakery", threshold: 120, forSeconds: 0, cooldownSeconds: 0, enabled: true }],
    ] as const) {
      const res = await t.request("PUT", `/api/v1/stores/zoned/alert-rules/${id}`, rule);
      expect(res.status, res.text).toBe(200);
    }
    await storage.agents.revoke("zoned", "cam-2", at(7, 13));
    const online = (ts: number) => ({ state: "online" as const, ts, kind: "camera" as const, version: "1.0.0" });
    await storage.agents.recordStatus("zoned", "cam-1", online(at(7, 21, 14)), at(7, 21, 14));
    await storage.agents.recordStatus("zoned", "cam-1", { ...online(at(7, 21, 15)), state: "offline" }, at(7, 21, 15));
    const cam1 = async () => {
      const agents = await t.get<{ agents: { agent: string; problems: string[]; expectedBackBy?: number | null }[] }>("/api/v1/stores/zoned/agents");
      const cam = agents.body.agents.find((a) => a.agent === "cam-1")!;
      const list = await agentListOpened(await storage.agents.listAll(), { stores: ["zoned"] }, 60_000, now, (s) => storedOpening(storage, s, now));
      return { offline: cam.problems.includes("offline"), back: cam.expectedBackBy ?? null, cli: list.find((e) => e.agent === "cam-1")!.status };
    };
    // The bakery's 2-minute rule watches cam-2 only: cam-1 is given until the fruit rule pages, 08:30.
    now = at(8, 8, 5);
    expect(await cam1()).toEqual({ offline: false, back: at(8, 8, 30), cli: "closed" });
    now = at(8, 8, 30, 1);
    expect(await cam1()).toEqual({ offline: true, back: null, cli: "offline" });
  });
});
