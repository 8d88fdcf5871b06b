import { describe, expect, it } from "vitest";
import { alertStep, ruleNotCountedSince, type AlertFigures } from "./evaluate.js";
import { AlertRuleSchema, READS_COUNTED, readsCounted, type AlertKind, type AlertRule } from "./types.js";

const T0 = Date.UTC(2026, 11, 6, 15);
const base = { store: "s", forSeconds: 0, cooldownSeconds: 0, enabled: true } as const;
const busy: AlertRule = { ...base, id: "busy", kind: "occupancy", zone: "till-queue", threshold: 0.8 };
const line: AlertRule = { ...base, id: "line", kind: "queue-length", zone: "till-queue", threshold: 3 };
const full: AlertRule = { ...base, id: "full", kind: "occupancy", threshold: 0.9 };
const zone = (people: number, notCountedSince?: number): AlertFigures => ({
  zones: { "till-queue": { people, capacity: 10 } },
  queues: { "till-queue": { length: people, waitSeconds: 60 } },
  ...(notCountedSince === undefined ? {} : { notCounted: { zones: { "till-queue": notCountedSince } } }),
});
const types = (r: ReturnType<typeof alertStep>) => r.notifications.map((n) => n.type);

describe("alert rules on figures nobody counts now", () => {
  it("open no alert on a zone whose agents are all down, though its frozen figures are over the limit", () => {
    const r = alertStep({}, [busy, line], zone(9, T0 - 60_000), T0);
    expect(types(r)).toEqual([]);
    expect(r.state.busy?.active ?? null).toBeNull();
    expect(r.state.line?.active ?? null).toBeNull();
  });

  it("hold an open alert as it is while its zone is not counted: not resolved when the frozen people time out, nor made worse", () => {
    const fired = alertStep({}, [busy, line], zone(9), T0);
    expect(types(fired)).toEqual(["alert.firing", "alert.firing"]);
    // The camera goes offline; half an hour on the visit timeout has taken the frozen people out of the zone.
    const held = alertStep(fired.state, [busy, line], zone(0, T0 + 1000), T0 + 1_800_000);
    // Said once (webhooks, a pager): each open alert is held, the alert as it is with since when its figure is not counted.
    expect(types(held)).toEqual(["alert.not-counted", "alert.not-counted"]);
    for (const n of held.notifications) {
      const open = fired.state[n.rule.id]!.active!;
      expect(n).toMatchObject({ deliveryId: `${open.id}:not-counted-${T0 + 1000}`, at: T0 + 1_800_000, alert: { ...open, notCountedSince: T0 + 1000 } });
    }
    expect(held.changed).toEqual([]);
    expect(held.state.busy?.active).toEqual(fired.state.busy?.active);
    expect(held.state.line?.active).toEqual(fired.state.line?.active);
    const still = alertStep(held.state, [busy, line], zone(12, T0 + 1000), T0 + 1_900_000);
    expect(still.changed).toEqual([]);
    expect(types(still)).toEqual([]);
  });

  it("resolve the held alert once the zone is counted again and under the limit", () => {
    const fired = alertStep({}, [busy], zone(9), T0);
    const held = alertStep(fired.state, [busy], zone(0, T0 + 1000), T0 + 60_000);
    // Counted again (said once, the alert as stored), then resolved on what is counted now.
    const back = alertStep(held.state, [busy], zone(2), T0 + 120_000);
    expect(types(back)).toEqual(["alert.counted", "alert.resolved"]);
    expect(back.notifications[0]).toMatchObject({ deliveryId: `${fired.state.busy!.active!.id}:counted-${T0 + 1000}`, alert: fired.state.busy!.active! });
    expect(back.notifications[0]!.alert).not.toHaveProperty("notCountedSince");
  });

  it("say counted again while the alert goes on over the limit, a second outage under its own delivery id, and nothing but the resolve for a rule disabled while held", () => {
    const fired = alertStep({}, [line], zone(9), T0);
    const id = fired.state.line!.active!.id;
    const held = alertStep(fired.state, [line], zone(9, T0 + 1000), T0 + 60_000);
    const back = alertStep(held.state, [line], zone(8), T0 + 120_000);
    expect(back.notifications.map((n) => [n.type, n.deliveryId])).toEqual([["alert.counted", `${id}:counted-${T0 + 1000}`]]);
    expect(back.state.line?.active?.state).toBe("firing");
    expect(types(alertStep(back.state, [line], zone(8), T0 + 130_000))).toEqual([]);
    const again = alertStep(back.state, [line], zone(8, T0 + 140_000), T0 + 150_000);
    expect(again.notifications.map((n) => n.deliveryId)).toEqual([`${id}:not-counted-${T0 + 140_000}`]);
    expect(types(alertStep(again.state, [{ ...line, enabled: false }], zone(8, T0 + 140_000), T0 + 160_000))).toEqual(["alert.resolved"]);
  });

  it("start a wait in progress again: a rule held for 60 s fires 60 s after counting resumes, not at once", () => {
    const rule = { ...busy, forSeconds: 60 };
    const pending = alertStep({}, [rule], zone(9), T0);
    const off = alertStep(pending.state, [rule], zone(9, T0 + 1000), T0 + 50_000);
    const back = alertStep(off.state, [rule], zone(9), T0 + 70_000);
    expect(types(back)).toEqual([]);
    expect(types(alertStep(back.state, [rule], zone(9), T0 + 130_000))).toEqual(["alert.firing"]);
  });

  it("read the store's rule as not counted while its total is partial, and leave other kinds to their own figures", () => {
    const f: AlertFigures = { store: { people: 95, capacity: 100 }, notCounted: { store: T0 - 5000, zones: { bakery: T0 - 5000 } } };
    expect(ruleNotCountedSince(full, f)).toBe(T0 - 5000);
    expect(types(alertStep({}, [full], f, T0))).toEqual([]);
    expect(ruleNotCountedSince({ kind: "agent-offline", zone: "bakery" }, f)).toBeNull();
    expect(ruleNotCountedSince({ kind: "queue-wait", zone: "bakery" }, f)).toBe(T0 - 5000);
    expect(ruleNotCountedSince({ kind: "occupancy", zone: "drinks" }, f)).toBeNull();
  });
});

describe("the alert kinds that read counted figures: one table for core, the evaluator and the alerts shown", () => {
  /** Every kind an alert rule may have, as the rule schema itself lists them (not ALERT_KINDS: a kind added to the schema alone shows). */
  const schemaKinds = (AlertRuleSchema.properties.kind.anyOf as { const: AlertKind }[]).map((k) => k.const);

  it("says for every kind of the rule schema whether it reads counted figures, and nothing else", () => {
    expect(Object.keys(READS_COUNTED).sort()).toEqual([...schemaKinds].sort());
    expect(schemaKinds.filter(readsCounted).sort()).toEqual(["occupancy", "queue-length", "queue-wait"]);
  });

  it.each(schemaKinds)("%s: a rule is held on a zone and a store nobody counts exactly when its kind reads counted figures", (kind) => {
    const f: AlertFigures = { notCounted: { store: T0 - 5000, zones: { bakery: T0 - 7000 } } };
    expect(ruleNotCountedSince({ kind, zone: "bakery" }, f)).toBe(readsCounted(kind) ? T0 - 7000 : null);
    expect(ruleNotCountedSince({ kind, zone: "drinks" }, f)).toBeNull();
    expect(ruleNotCountedSince({ kind }, { notCounted: { zones: {} } })).toBeNull();
    if (kind === "occupancy") expect(ruleNotCountedSince({ kind }, f)).toBe(T0 - 5000);
  });
});
