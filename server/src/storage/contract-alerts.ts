/**
 * The storage contract of migration 5 (opening hours, door count drift, alert rules and alerts), 22
 * (each alert's last change whose webhook deliveries are queued) and 26 (the opening hours' history): called by ./contract.ts for every adapter.
 */
import { expect } from "vitest";
import type { Alert, AlertRule, OpeningHours } from "@footfall/core";
import type { Storage } from "./types.js";

const T0 = Date.UTC(2026, 5, 10);

const hours: OpeningHours = {
  weekly: { mon: [{ open: "09:00", close: "19:00" }], tue: [{ open: "09:00", close: "12:30" }, { open: "14:00", close: "19:00" }], wed: [], thu: [], fri: [], sat: [], sun: [] },
  exceptions: [{ date: "2026-12-25", intervals: [], note: "Christmas" }],
};
const rule = (id: string, store = "shop", enabled = true): AlertRule => ({ id, store, kind: "occupancy", zone: "bakery", threshold: 0.8, forSeconds: 30, cooldownSeconds: 300, enabled });
const alert = (id: string, ruleId: string, firedAt: number, more: Partial<Alert> = {}): Alert => ({
  id,
  ruleId,
  store: "shop",
  kind: "occupancy",
  zone: "bakery",
  state: "firing",
  since: firedAt - 30_000,
  firedAt,
  value: 0.9,
  message: "Bakery at 90 % of capacity",
  ...more,
});

export function alertsContract(test: (title: string, fn: (s: Storage) => Promise<void>) => void): void {
  test("opening hours: none until set, then the same back, replaced, removed; drift by date", async (s) => {
    expect(await s.hours.get("shop")).toBeUndefined();
    await s.hours.set("shop", hours, T0);
    expect(await s.hours.get("shop")).toEqual(hours);
    await s.hours.set("shop", { ...hours, exceptions: [] }, T0 + 1);
    expect((await s.hours.get("shop"))?.exceptions).toEqual([]);
    expect(await s.hours.get("other")).toBeUndefined();
    await s.hours.set("shop", null, T0 + 2);
    expect(await s.hours.get("shop")).toBeUndefined();
    await s.hours.recordDrift("shop", "2026-06-11", -3, T0 + 1000);
    await s.hours.recordDrift("shop", "2026-06-10", 4, T0);
    await s.hours.recordDrift("shop", "2026-06-11", 2, T0 + 2000);
    await s.hours.recordDrift("other", "2026-06-10", 9, T0);
    expect(await s.hours.drift("shop", "2026-06-01", "2026-06-30")).toEqual([
      { date: "2026-06-10", drift: 4, at: T0 },
      { date: "2026-06-11", drift: 2, at: T0 + 2000 },
    ]);
    expect(await s.hours.drift("shop", "2026-06-11", "2026-06-11")).toHaveLength(1);
  });

  test("opening hours keep their history (migration 26): each change a version from when it was saved, the same hours saved again none, a removal a version without hours", async (s) => {
    const longer: OpeningHours = { ...hours, weekly: { ...hours.weekly, mon: [{ open: "08:00", close: "21:00" }] } };
    expect(await s.hours.history("shop")).toEqual([]);
    await s.hours.set("shop", null, T0 - 5); // removing hours a store never had: nothing to keep
    expect(await s.hours.history("shop")).toEqual([]);
    await s.hours.set("shop", hours, T0);
    await s.hours.set("shop", longer, T0 + 1000);
    await s.hours.set("shop", longer, T0 + 2000); // saved again unchanged
    await s.hours.set("other", hours, T0 + 1500);
    expect(await s.hours.history("shop")).toEqual([
      { from: T0, hours },
      { from: T0 + 1000, hours: longer },
    ]);
    expect(await s.hours.get("shop")).toEqual(longer);
    await s.hours.set("shop", null, T0 + 3000);
    expect(await s.hours.get("shop")).toBeUndefined();
    // A clock behind the last change (another server's): the new hours replace that version, and are the ones in force.
    await s.hours.set("shop", hours, T0 + 10);
    expect(await s.hours.history("shop")).toEqual([
      { from: T0, hours },
      { from: T0 + 1000, hours: longer },
      { from: T0 + 3000, hours },
    ]);
    expect(await s.hours.get("shop")).toEqual(hours);
    expect(await s.hours.history("other")).toEqual([{ from: T0 + 1500, hours }]);
  });

  test("opening hours scheduled ahead: a version from then, the hours in force until then unchanged, a save now keeps it, cancellable until it is in force", async (s) => {
    const longer: OpeningHours = { ...hours, weekly: { ...hours.weekly, mon: [{ open: "08:00", close: "21:00" }] } };
    const AHEAD = T0 + 10 * 86_400_000;
    await s.hours.set("shop", hours, T0);
    await s.hours.schedule("shop", longer, AHEAD, T0 + 1000);
    expect(await s.hours.get("shop", T0 + 1000)).toEqual(hours);
    expect(await s.hours.get("shop", AHEAD - 1)).toEqual(hours);
    expect(await s.hours.get("shop", AHEAD)).toEqual(longer);
    // A save now (another exception) keeps the scheduled version; saved again unchanged, none added.
    const edited: OpeningHours = { ...hours, exceptions: [] };
    await s.hours.set("shop", edited, T0 + 2000);
    await s.hours.set("shop", edited, T0 + 3000);
    expect(await s.hours.history("shop")).toEqual([
      { from: T0, hours },
      { from: T0 + 2000, hours: edited },
      { from: AHEAD, hours: longer },
    ]);
    expect(await s.hours.get("shop", T0 + 3000)).toEqual(edited);
    // Scheduled again for the same instant: replaced; the hours in force before it: no version then.
    await s.hours.schedule("shop", null, AHEAD, T0 + 4000);
    expect((await s.hours.history("shop")).at(-1)).toEqual({ from: AHEAD, hours: null });
    await s.hours.schedule("shop", edited, AHEAD, T0 + 4000);
    expect(await s.hours.history("shop")).toHaveLength(2);
    await s.hours.schedule("shop", longer, AHEAD, T0 + 5000);
    expect(await s.hours.cancel("shop", AHEAD, AHEAD)).toBe(false); // in force by then: not cancelled
    expect(await s.hours.cancel("shop", T0 + 2000, T0 + 5000)).toBe(false);
    expect(await s.hours.cancel("shop", AHEAD, T0 + 5000)).toBe(true);
    expect(await s.hours.cancel("shop", AHEAD, T0 + 5000)).toBe(false);
    expect(await s.hours.get("shop", AHEAD)).toEqual(edited);
    // A store without hours: none in force until then, not in its past either.
    await s.hours.schedule("other", null, AHEAD, T0);
    expect(await s.hours.history("other")).toEqual([]);
    await s.hours.schedule("other", hours, AHEAD, T0);
    expect(await s.hours.history("other")).toEqual([
      { from: T0, hours: null },
      { from: AHEAD, hours },
    ]);
    expect(await s.hours.get("other", T0 - 1)).toBeUndefined();
    expect(await s.hours.get("other", AHEAD)).toEqual(hours);
    await expect(s.hours.schedule("other", hours, T0 + 1000, T0)).rejects.toThrow(/ahead/);
  });

  test("opening hours: of two transactions editing one scheduled version (cancel, then schedule), the second cancels nothing", async (s) => {
    const AHEAD = T0 + 86_400_000;
    const moved: OpeningHours = { ...hours, exceptions: [] };
    await s.hours.set("race", hours, T0);
    await s.hours.schedule("race", null, AHEAD, T0);
    // The first edit moves the version a day later and holds its transaction open while the second edit begins
    // (PostgreSQL: its cancel waits on the first's row lock; SQLite: its transaction waits for the first's end).
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let edited!: () => void;
    const first = new Promise<void>((r) => (edited = r));
    const a = s.transaction(async (tx) => {
      const ok = await tx.hours.cancel("race", AHEAD, T0);
      await tx.hours.schedule("race", moved, AHEAD + 86_400_000, T0);
      edited();
      await held;
      return ok;
    });
    await first;
    const b = s.transaction((tx) => tx.hours.cancel("race", AHEAD, T0));
    await new Promise((r) => setTimeout(r, 500));
    release();
    // Old code (SELECT, then DELETE) on PostgreSQL: the second's SELECT saw the version the first had not yet committed away: true.
    expect([await a, await b]).toEqual([true, false]);
    expect(await s.hours.history("race")).toEqual([
      { from: T0, hours },
      { from: AHEAD + 86_400_000, hours: moved },
    ]);
  });

  test("alert rules: saved, listed by id, replaced, removed; the stores with enabled rules", async (s) => {
    await s.alerts.saveRule(rule("b"), T0);
    await s.alerts.saveRule(rule("a"), T0);
    await s.alerts.saveRule(rule("x", "other", false), T0);
    expect((await s.alerts.rules("shop")).map((r) => r.id)).toEqual(["a", "b"]);
    expect(await s.alerts.getRule("shop", "a")).toEqual(rule("a"));
    expect(await s.alerts.storesWithRules()).toEqual(["shop"]);
    await s.alerts.saveRule({ ...rule("a"), threshold: 1.2, name: "Bakery full" }, T0 + 1);
    expect(await s.alerts.getRule("shop", "a")).toEqual({ ...rule("a"), threshold: 1.2, name: "Bakery full" });
    await s.alerts.saveRule(rule("x", "other", true), T0);
    expect(await s.alerts.storesWithRules()).toEqual(["other", "shop"]);
    expect(await s.alerts.removeRule("shop", "a")).toBe(true);
    expect(await s.alerts.removeRule("shop", "a")).toBe(false);
    expect(await s.alerts.getRule("shop", "a")).toBeUndefined();
  });

  test("alerts: stored and updated; an acknowledgement happens once and is never undone by a later firing write; history newest first", async (s) => {
    const a1 = alert("r1-1", "r1", T0);
    await s.alerts.saveAlerts([a1, alert("r2-1", "r2", T0 + 1000)]);
    expect(await s.alerts.get("shop", "r1-1")).toEqual(a1);
    expect((await s.alerts.active("shop")).map((a) => a.id)).toEqual(["r1-1", "r2-1"]);
    const acked = await s.alerts.acknowledge("shop", "r1-1", "ana", T0 + 5000);
    expect(acked).toEqual({ ...a1, state: "acknowledged", acknowledgedBy: "ana", acknowledgedAt: T0 + 5000 });
    expect(await s.alerts.acknowledge("shop", "r1-1", "bob", T0 + 6000)).toBeUndefined();
    expect(await s.alerts.acknowledge("shop", "nope", "bob", T0 + 6000)).toBeUndefined();
    // A server that did not see the acknowledgement writes a worse value, still "firing".
    await s.alerts.saveAlerts([{ ...a1, value: 1.1 }]);
    expect(await s.alerts.get("shop", "r1-1")).toEqual({ ...a1, value: 1.1, state: "acknowledged", acknowledgedBy: "ana", acknowledgedAt: T0 + 5000 });
    await s.alerts.saveAlerts([{ ...a1, value: 1.1, state: "resolved", resolvedAt: T0 + 9000 }]);
    const resolved = await s.alerts.get("shop", "r1-1");
    expect(resolved).toMatchObject({ state: "resolved", resolvedAt: T0 + 9000, acknowledgedBy: "ana" });
    // Resolved stays resolved.
    await s.alerts.saveAlerts([{ ...a1, state: "firing" }]);
    expect((await s.alerts.get("shop", "r1-1"))?.state).toBe("resolved");
    expect(await s.alerts.acknowledge("shop", "r1-1", "bob", T0 + 9500)).toBeUndefined();
    expect((await s.alerts.active("shop")).map((a) => a.id)).toEqual(["r2-1"]);
    // An older resolved alert of r1, and one of r2: restore takes the active ones and each rule's latest resolve.
    await s.alerts.saveAlerts([alert("r1-0", "r1", T0 - 100_000, { state: "resolved", resolvedAt: T0 - 50_000 })]);
    const restore = await s.alerts.forRestore("shop");
    expect(restore.map((a) => a.id).sort()).toEqual(["r1-1", "r2-1"]);
    expect((await s.alerts.history("shop", { limit: 10 })).map((a) => a.id)).toEqual(["r2-1", "r1-1", "r1-0"]);
    expect((await s.alerts.history("shop", { limit: 10, from: T0, to: T0 + 1000 })).map((a) => a.id)).toEqual(["r1-1"]);
    expect((await s.alerts.history("shop", { limit: 1 })).map((a) => a.id)).toEqual(["r2-1"]);
    expect(await s.alerts.history("other", { limit: 10 })).toEqual([]);
  });

  test("alerts' changes not queued for the webhooks: listed until marked, in order of change; a change is marked only after those before it", async (s) => {
    const ids = async (before = T0 + 100_000) => (await s.alerts.unnotified(before, 10)).map((u) => [u.alert.id, u.notified]);
    await s.alerts.saveAlerts([alert("r1-1", "r1", T0 + 2000), alert("r2-1", "r2", T0 + 1000)]);
    expect(await ids()).toEqual([["r2-1", null], ["r1-1", null]]);
    expect(await ids(T0 + 1500)).toEqual([["r2-1", null]]);
    // Its firing queued: marked; an acknowledgement before the firing was marked is not.
    expect(await s.alerts.notified("shop", "r2-1", "acknowledged")).toBe(false);
    expect(await s.alerts.notified("shop", "r2-1", "firing")).toBe(true);
    expect(await s.alerts.notified("shop", "r2-1", "firing")).toBe(false);
    expect(await ids()).toEqual([["r1-1", null]]);
    // Acknowledged: listed again (after its firing), then marked; a resolve after it is marked only once the acknowledgement is.
    await s.alerts.acknowledge("shop", "r2-1", "ana", T0 + 3000);
    expect((await s.alerts.unnotified(T0 + 100_000, 10)).map((u) => [u.alert.id, u.alert.state, u.notified])).toEqual([["r1-1", "firing", null], ["r2-1", "acknowledged", "firing"]]);
    await s.alerts.saveAlerts([{ ...alert("r2-1", "r2", T0 + 1000), state: "resolved", resolvedAt: T0 + 4000 }]);
    expect(await s.alerts.notified("shop", "r2-1", "resolved")).toBe(false);
    expect(await s.alerts.notified("shop", "r2-1", "acknowledged")).toBe(true);
    expect(await s.alerts.notified("shop", "r2-1", "resolved")).toBe(true);
    // Resolved without an acknowledgement: from its firing. The reconciliation marks up to the state it read, and not when it changed since.
    await s.alerts.notified("shop", "r1-1", "firing");
    await s.alerts.saveAlerts([{ ...alert("r1-1", "r1", T0 + 2000), state: "resolved", resolvedAt: T0 + 5000 }]);
    expect(await s.alerts.notifiedUpTo("shop", "r1-1", "firing")).toBe(false);
    expect(await s.alerts.notifiedUpTo("shop", "r1-1", "resolved")).toBe(true);
    expect(await s.alerts.notified("shop", "r1-1", "resolved")).toBe(false);
    expect(await ids()).toEqual([]);
  });
}
