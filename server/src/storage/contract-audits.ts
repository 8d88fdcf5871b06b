/**
 * The storage contract of migration 11 (installers' accuracy audits): called by ./contract.ts for
 * every adapter.
 */
import { expect } from "vitest";
import type { AuditReport } from "@footfall/core";
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
}
