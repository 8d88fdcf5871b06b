/**
 * The chain view's agent cell counts a box switched off at night as the Agents view does: needing attention only once
 * the store has been open for its agent-offline rule's threshold (core StoreOpening.offlineGraceMs, zone-tracking's
 * withGrace), not for the 10-minute default whatever the rule says. Real SQLite file, the server's clock stepped.
 */
import { describe, expect, it } from "vitest";
import { smallLayout, OPEN_08_TO_21 as HOURS, parisDec2026 as at } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";


let now = at(7, 12);
const t = useTestServer({ now: () => now });

describe("GET /api/v1/overview: a box switched off at night", () => {
  it("needs attention in the chain view when the Agents view says so: after the store's own agent-offline threshold, 5 or 30 minutes, not the 10-minute default", async () => {
    now = at(7, 12);
    // Two shops open 08:00-21:00: 'quick' pages for a box unheard for 5 minutes, 'slow' for 30.
    for (const [store, threshold] of [
      ["quick", 300],
      ["slow", 1800],
    ] as const) {
      await t.putLayout(store, smallLayout({ name: store, timezone: "Europe/Paris" }));
      const hours = await t.request("PUT", `/api/v1/stores/${store}/hours`, { hours: HOURS });
      expect(hours.status, hours.text).toBe(200);
      await t.server.services.storage.agents.add(store, "cam-1", "camera", at(7, 12));
      const rule = await t.request("PUT", `/api/v1/stores/${store}/alert-rules/box-down`, { kind: "agent-offline", agent: "cam-1", threshold, forSeconds: 0, cooldownSeconds: 0, enabled: true });
      expect(rule.status, rule.text).toBe(200);
      // Switched off at 21:15, after the closing: its last status at 21:14, then its will.
      const online = (ts: number) => ({ state: "online" as const, ts, kind: "camera" as const, version: "1.0.0" });
      await t.server.services.storage.agents.recordStatus(store, "cam-1", online(at(7, 21, 14)), at(7, 21, 14));
      await t.server.services.storage.agents.recordStatus(store, "cam-1", { ...online(at(7, 21, 15)), state: "offline" }, at(7, 21, 15));
    }
    /** Per store: the chain view's count of agents needing attention, and the Agents view's (GET .../agents). */
    const cells = async () => {
      const overview = await t.get<{ stores: { id: string; agents: { problems: number } }[] }>("/api/v1/overview");
      expect(overview.status, overview.text).toBe(200);
      const out: Record<string, { chain: number; agents: number }> = {};
      for (const store of ["quick", "slow"]) {
        const agents = await t.get<{ agents: { problems: string[] }[] }>(`/api/v1/stores/${store}/agents`);
        expect(agents.status, agents.text).toBe(200);
        out[store] = { chain: overview.body.stores.find((s) => s.id === store)!.agents.problems, agents: agents.body.agents.filter((a) => a.problems.length > 0).length };
      }
      return out;
    };
    // 07:59 (closed), 08:04 (both within their grace): nobody.
    for (const ts of [at(8, 7, 59), at(8, 8, 4)]) {
      now = ts;
      expect(await cells()).toEqual({ quick: { chain: 0, agents: 0 }, slow: { chain: 0, agents: 0 } });
    }
    // 08:07: quick's rule missed its box at 08:05; slow's waits until 08:30.
    now = at(8, 8, 7);
    expect(await cells()).toEqual({ quick: { chain: 1, agents: 1 }, slow: { chain: 0, agents: 0 } });
    // 08:15: past the 10-minute default, still within slow's 30 minutes.
    now = at(8, 8, 15);
    expect(await cells()).toEqual({ quick: { chain: 1, agents: 1 }, slow: { chain: 0, agents: 0 } });
    now = at(8, 8, 30, 1);
    expect(await cells()).toEqual({ quick: { chain: 1, agents: 1 }, slow: { chain: 1, agents: 1 } });
  });
});
