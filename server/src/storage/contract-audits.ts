/**
 * The storage contract of migration 11 (installers' accuracy audits): called by ./contract.ts for
 * every adapter.
 */
import { expect } from "vitest";
import type { AuditReport, FootfallEvent } from "@footfall/core";
import type { Storage } from "./types.js";

const T0 = Date.UTC(2026, 10, 30, 10);
const report = (id: string, at: number, more: Partial<AuditReport> = {}): AuditReport => ({
  id,
  method: "clip",
  auditor: "Ana",
  from: at - 600_000,
  to: at - 300_000,
  at,
  hand: { in: 40, out: 20 },
  system: { in: 39, out: 20 },
  ...more,
});

export function accuracyAuditsContract(test: (title: string, fn: (s: Storage) => Promise<void>) => void): void {
  test("keeps an audit once per agent and id, with its figures worked out from the counts", async (s) => {
    const a = report("clip-1", T0, { marked: 10, right: 9 });
    expect(await s.accuracyAudits.add("shop", "cam-1", a, T0 + 5)).toBe(true);
    // A copy sent again (the agent re-sends at every start): the first stays.
    expect(await s.accuracyAudits.add("shop", "cam-1", { ...a, auditor: "Bob" }, T0 + 9)).toBe(false);
    // The same id from another agent or store is another audit.
    expect(await s.accuracyAudits.add("shop", "cam-2", a, T0 + 5)).toBe(true);
    expect(await s.accuracyAudits.add("other", "cam-1", a, T0 + 5)).toBe(true);
    const [kept] = await s.accuracyAudits.list("shop", { agent: "cam-1", limit: 10 });
    expect(kept).toEqual({
      ...a,
      store: "shop",
      agent: "cam-1",
      receivedAt: T0 + 5,
      accuracy: { in: 1 - 1 / 40, out: 1 },
      overall: 1 - 1 / 40,
      certified: true,
    });
  });

  test("lists newest first, per agent or store, and each agent's latest", async (s) => {
    await s.accuracyAudits.add("shop", "cam-1", report("a", T0), T0);
    await s.accuracyAudits.add("shop", "cam-1", report("b", T0 + 86_400_000, { system: { in: 30, out: 20 } }), T0);
    await s.accuracyAudits.add("shop", "door-1", report("c", T0 + 3_600_000, { method: "manual" }), T0);
    expect((await s.accuracyAudits.list("shop", { limit: 10 })).map((a) => a.id)).toEqual(["b", "c", "a"]);
    expect((await s.accuracyAudits.list("shop", { limit: 1 })).map((a) => a.id)).toEqual(["b"]);
    expect((await s.accuracyAudits.list("shop", { agent: "door-1", limit: 10 })).map((a) => [a.id, a.method, a.marked])).toEqual([["c", "manual", undefined]]);
    const latest = await s.accuracyAudits.latest("shop");
    expect(latest.map((a) => [a.agent, a.id, a.certified])).toEqual([["cam-1", "b", false], ["door-1", "c", true]]);
    expect(await s.accuracyAudits.latest("nowhere")).toEqual([]);
  });

  test("sums a door counter's count events in a window, and nothing of other agents, kinds or times", async (s) => {
    const count = (id: string, ts: number, i: number, o: number) => ({ type: "count", id, ts, zone: "entrance", in: i, out: o }) as FootfallEvent;
    await s.transaction(async (tx) => {
      await tx.events.insertMany("shop", "door-1", [count("door-1:1", T0 - 1, 5, 5), count("door-1:2", T0, 3, 1), count("door-1:3", T0 + 59_999, 2, 2), count("door-1:4", T0 + 60_000, 7, 7)], T0);
      await tx.events.insertMany("shop", "door-2", [count("door-2:1", T0 + 10, 9, 9)], T0);
      await tx.events.insertMany("shop", "cam-1", [{ type: "enter", id: "cam-1:1", ts: T0 + 5, zone: "entrance", visitor: "v1", confidence: 0.9 } as FootfallEvent], T0);
    });
    expect(await s.accuracyAudits.doorCounts("shop", "door-1", T0, T0 + 60_000)).toEqual({ in: 5, out: 3, events: 2 });
    expect(await s.accuracyAudits.doorCounts("shop", "door-1", T0 + 120_000, T0 + 180_000)).toEqual({ in: 0, out: 0, events: 0 });
  });
}
