import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HeldAboveReference } from "../../../test/support/alert-reference.js";
import { acknowledgeAlert, alertMessage, alertStep, restoreAlertState, ruleValue, type AlertFigures, type AlertRulesState } from "./evaluate.js";
import type { Alert, AlertNotification, AlertRule } from "./types.js";

const T0 = Date.UTC(2026, 10, 30, 9);

/** One step of a trace: time passes, the zone's people change, maybe someone acknowledges, maybe the server restarts. */
interface Step {
  dt: number;
  people: number | null;
  ack: boolean;
  restart: boolean;
}
const stepArb: fc.Arbitrary<Step> = fc.record({
  dt: fc.integer({ min: 0, max: 20_000 }),
  people: fc.option(fc.integer({ min: 0, max: 12 }), { freq: 8 }),
  ack: fc.boolean(),
  restart: fc.boolean(),
});
const ruleArb: fc.Arbitrary<AlertRule> = fc.record({
  forSeconds: fc.integer({ min: 0, max: 60 }),
  cooldownSeconds: fc.integer({ min: 0, max: 60 }),
  threshold: fc.constantFrom(0.5, 0.8, 1),
}).map((r) => ({ id: "full", store: "s", kind: "occupancy", zone: "bakery", enabled: true, ...r }));

const figures = (people: number | null): AlertFigures => (people === null ? {} : { zones: { bakery: { people, capacity: 10 } } });

interface Run {
  /** Per step: time, whether the condition held, notifications. */
  log: { now: number; holds: boolean; notes: AlertNotification[]; active: Alert | null }[];
}

/** Runs a trace; with `restarts`, the state is rebuilt from the stored alerts where a step says so. */
function run(rule: AlertRule, steps: readonly Step[], restarts: boolean): Run {
  let state: AlertRulesState = {};
  const db = new Map<string, Alert>();
  const store = (changed: Alert[]) => changed.forEach((a) => db.set(a.id, a));
  let now = T0;
  const log: Run["log"] = [];
  for (const s of steps) {
    now += s.dt;
    if (restarts && s.restart) state = restoreAlertState([...db.values()]);
    const r = alertStep(state, [rule], figures(s.people), now);
    store(r.changed);
    state = r.state;
    const notes = [...r.notifications];
    const active = state[rule.id]?.active;
    if (s.ack && active) {
      const a = acknowledgeAlert(state, [rule], active.id, "ana", now);
      store(a.changed);
      state = a.state;
      notes.push(...a.notifications);
    }
    const v = ruleValue(rule, figures(s.people), now);
    log.push({ now, holds: v !== null && v > rule.threshold, notes, active: state[rule.id]?.active ?? null });
  }
  return { log };
}

describe("alert rule evaluation", () => {
  it("no alert fires before its condition held without a break for its duration", () => {
    fc.assert(
      fc.property(ruleArb, fc.array(stepArb, { maxLength: 40 }), fc.boolean(), (rule, steps, restarts) => {
        const { log } = run(rule, steps, restarts);
        log.forEach((entry, i) => {
          for (const n of entry.notes.filter((n) => n.type === "alert.firing")) {
            expect(entry.holds).toBe(true);
            expect(entry.now - n.alert.since).toBeGreaterThanOrEqual(rule.forSeconds * 1000);
            // Every step after `since` held, and so did the last one at `since` itself: it started to hold
            // then. An earlier step at the same instant may not have (two evaluations in one millisecond,
            // the first without figures: the condition holds from that instant all the same).
            for (let j = i; j >= 0 && log[j]!.now >= n.alert.since; j--) {
              expect(log[j]!.holds).toBe(true);
              if (log[j]!.now === n.alert.since) break;
            }
          }
        });
      }),
      { numRuns: 300 },
    );
  });

  it("a resolved alert fires again only after the cool-down", () => {
    fc.assert(
      fc.property(ruleArb, fc.array(stepArb, { maxLength: 40 }), fc.boolean(), (rule, steps, restarts) => {
        const { log } = run(rule, steps, restarts);
        let lastResolved: number | null = null;
        for (const entry of log) {
          for (const n of entry.notes) {
            if (n.type === "alert.resolved") lastResolved = n.at;
            if (n.type === "alert.firing" && lastResolved !== null) expect(n.at - lastResolved).toBeGreaterThanOrEqual(rule.cooldownSeconds * 1000);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("every alert goes firing, then maybe acknowledged once, then resolved once; a resolve comes exactly when the condition stops", () => {
    fc.assert(
      fc.property(ruleArb, fc.array(stepArb, { maxLength: 40 }), fc.boolean(), (rule, steps, restarts) => {
        const { log } = run(rule, steps, restarts);
        const seen = new Map<string, string[]>();
        let active = false;
        for (const entry of log) {
          for (const n of entry.notes) seen.set(n.alert.id, [...(seen.get(n.alert.id) ?? []), n.type]);
          if (active && !entry.holds) expect(entry.notes.some((n) => n.type === "alert.resolved")).toBe(true);
          active = entry.active !== null;
        }
        for (const types of seen.values()) expect(["alert.firing", "alert.firing,alert.acknowledged", "alert.firing,alert.resolved", "alert.firing,alert.acknowledged,alert.resolved"]).toContain(types.join(","));
        const ids = [...log.flatMap((e) => e.notes.map((n) => n.deliveryId))];
        expect(new Set(ids).size).toBe(ids.length);
      }),
      { numRuns: 300 },
    );
  });

  it("acknowledgement survives a restart: the alert stays acknowledged by the same person, and is neither fired nor acknowledged again", () => {
    fc.assert(
      fc.property(ruleArb, fc.array(stepArb, { maxLength: 40 }), (rule, steps) => {
        const { log } = run(rule, steps, true);
        const acked = new Map<string, number>();
        for (const entry of log) {
          for (const n of entry.notes) if (n.type === "alert.acknowledged") {
            expect(acked.has(n.alert.id)).toBe(false);
            acked.set(n.alert.id, n.at);
          }
          if (entry.active && acked.has(entry.active.id)) {
            expect(entry.active.state).toBe("acknowledged");
            expect(entry.active.acknowledgedBy).toBe("ana");
            expect(entry.active.acknowledgedAt).toBe(acked.get(entry.active.id));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("with no duration, restarting anywhere changes no notification (type, alert, time, acknowledgement)", () => {
    fc.assert(
      fc.property(ruleArb, fc.array(stepArb, { maxLength: 40 }), (rule0, steps) => {
        const rule = { ...rule0, forSeconds: 0 };
        // (only "since" may differ: a wait for the cool-down in progress starts again at a restart)
        const strip = (n: AlertNotification) => ({ ...n, alert: { ...n.alert, since: 0 } });
        const a = run(rule, steps, false).log.flatMap((e) => e.notes.map(strip));
        const b = run(rule, steps, true).log.flatMap((e) => e.notes.map(strip));
        expect(b).toEqual(a);
      }),
      { numRuns: 200 },
    );
  });

  it("a disabled or deleted rule resolves its alert", () => {
    const rule: AlertRule = { id: "r", store: "s", kind: "occupancy", threshold: 0.5, forSeconds: 0, cooldownSeconds: 0, enabled: true };
    const f: AlertFigures = { store: { people: 9, capacity: 10 } };
    const fired = alertStep({}, [rule], f, T0);
    expect(fired.notifications.map((n) => n.type)).toEqual(["alert.firing"]);
    expect(alertStep(fired.state, [{ ...rule, enabled: false }], f, T0 + 1).notifications.map((n) => n.type)).toEqual(["alert.resolved"]);
    expect(alertStep(fired.state, [], f, T0 + 1).notifications.map((n) => n.type)).toEqual(["alert.resolved"]);
  });

  it("a zone's counter-silent rule: fires exactly when its zone's silence while open held above the threshold for the duration, whatever the store's and other zones' counts; resolves at the zone's next count", () => {
    // A naive reference: walk the steps and track since when the zone's condition held.
    const stepArb2 = fc.record({
      dt: fc.integer({ min: 0, max: 120_000 }),
      open: fc.boolean(),
      zoneCount: fc.boolean(),
      otherCount: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 180 }), fc.integer({ min: 0, max: 120 }), fc.array(stepArb2, { maxLength: 40 }), (threshold, forSeconds, steps) => {
        const rule: AlertRule = { id: "silent", store: "s", kind: "counter-silent", zone: "fruit", threshold, forSeconds, cooldownSeconds: 0, enabled: true };
        let state: AlertRulesState = {};
        let now = T0;
        let zoneLast: number | null = null;
        let otherLast: number | null = null;
        const reference = new HeldAboveReference(threshold, forSeconds);
        for (const st of steps) {
          now += st.dt;
          if (st.zoneCount) zoneLast = now;
          if (st.otherCount) otherLast = now;
          const f: AlertFigures = { open: st.open, lastCount: { store: otherLast ?? zoneLast, zones: { fruit: zoneLast, bakery: otherLast } } };
          const r = alertStep(state, [rule], f, now);
          state = r.state;
          const value = st.open && zoneLast !== null ? (now - zoneLast) / 1000 : null;
          const expected = reference.step(now, value);
          expect(r.notifications.map((n) => n.type)).toEqual(expected);
          if (expected[0] === "alert.firing") expect(r.notifications[0]!.alert).toMatchObject({ zone: "fruit", value });
        }
      }),
      { numRuns: 300 },
    );
  });

  it("a zone's agent-offline rule: fires exactly when the longest silence among the agents reporting the zone held above the threshold for the duration, whatever other agents do", () => {
    const agentIds = ["cam-1", "cam-2", "door"] as const;
    const stepArb3 = fc.record({
      dt: fc.integer({ min: 0, max: 120_000 }),
      heard: fc.subarray([...agentIds]),
      reports: fc.subarray([...agentIds]),
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 180 }), fc.integer({ min: 0, max: 120 }), fc.array(stepArb3, { maxLength: 40 }), (threshold, forSeconds, steps) => {
        const rule: AlertRule = { id: "cams", store: "s", kind: "agent-offline", zone: "fruit", threshold, forSeconds, cooldownSeconds: 0, enabled: true };
        let state: AlertRulesState = {};
        let now = T0;
        const lastSeen: Record<string, number | null> = { "cam-1": null, "cam-2": null, door: null };
        const reference = new HeldAboveReference(threshold, forSeconds);
        for (const st of steps) {
          now += st.dt;
          for (const a of st.heard) lastSeen[a] = now;
          const f: AlertFigures = { agents: Object.fromEntries(agentIds.map((a) => [a, { lastSeen: lastSeen[a]! }])), zoneAgents: { fruit: st.reports, bakery: [...agentIds] } };
          // The reference: the zone's agents that were ever heard from, their longest silence.
          const ages = st.reports.flatMap((a) => (lastSeen[a] === null ? [] : [(now - lastSeen[a]!) / 1000]));
          const value = ages.length > 0 ? Math.max(...ages) : null;
          expect(ruleValue(rule, f, now)).toBe(value);
          const r = alertStep(state, [rule], f, now);
          state = r.state;
          expect(r.notifications.map((n) => n.type)).toEqual(reference.step(now, value));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("figures: queue rules without queue figures, and counter-silent while closed, have no value", () => {
    const base = { id: "r", store: "s", threshold: 1, forSeconds: 0, cooldownSeconds: 0, enabled: true } as const;
    expect(ruleValue({ ...base, kind: "queue-length", zone: "q" }, {}, T0)).toBeNull();
    expect(ruleValue({ ...base, kind: "queue-wait", zone: "q" }, { queues: { q: { length: 3, waitSeconds: 240 } } }, T0)).toBe(240);
    expect(ruleValue({ ...base, kind: "counter-silent" }, { open: false, lastCount: { store: T0 - 60_000 } }, T0)).toBeNull();
    expect(ruleValue({ ...base, kind: "counter-silent" }, { open: true, lastCount: { store: T0 - 60_000 } }, T0)).toBe(60);
    expect(ruleValue({ ...base, kind: "agent-offline" }, { agents: { a: { lastSeen: T0 - 5000 }, b: { lastSeen: T0 - 1000 } } }, T0)).toBe(5);
    expect(ruleValue({ ...base, kind: "agent-offline", agent: "b" }, { agents: { a: { lastSeen: T0 - 5000 }, b: { lastSeen: T0 - 1000 } } }, T0)).toBe(1);
  });

  it("forecast-arrivals: the next hour's forecast of the store or zone; fires with the hour in its message and resolves when the forecast drops", () => {
    const rule: AlertRule = { id: "busy", store: "s", kind: "forecast-arrivals", threshold: 100, forSeconds: 0, cooldownSeconds: 0, enabled: true };
    expect(ruleValue(rule, {}, T0)).toBeNull();
    expect(ruleValue(rule, { forecast: { store: null } }, T0)).toBeNull();
    expect(ruleValue(rule, { forecast: { store: { at: "14:00", expected: 120 }, zones: { fruit: { at: "14:00", expected: 7 } } } }, T0)).toBe(120);
    expect(ruleValue({ ...rule, zone: "fruit" }, { forecast: { store: { at: "14:00", expected: 120 }, zones: { fruit: { at: "14:00", expected: 7 } } } }, T0)).toBe(7);
    const fired = alertStep({}, [rule], { forecast: { store: { at: "14:00", expected: 120.4 } } }, T0);
    expect(fired.notifications.map((n) => [n.type, n.alert.message])).toEqual([["alert.firing", "Store: busy from 14:00, expected 120 arrivals (above 100)"]]);
    expect(alertStep(fired.state, [rule], { forecast: { store: { at: "15:00", expected: 80 } } }, T0 + 1000).notifications.map((n) => n.type)).toEqual(["alert.resolved"]);
  });

  it("never writes a share that fired as the threshold or below it: 201 people of 200 over 100 % is 100.5 %, not '100 % (above 100 %)'", () => {
    const base = { id: "r", store: "s", forSeconds: 0, cooldownSeconds: 0, enabled: true } as const;
    const over: AlertRule = { ...base, kind: "occupancy", threshold: 1 };
    const fired = alertStep({}, [over], { store: { people: 201, capacity: 200 } }, T0);
    expect(fired.notifications.map((n) => n.alert.message)).toEqual(["Store at 100.5 % of capacity (above 100 %)"]);
    expect(alertMessage({ ...over, threshold: 0.8 }, 201 / 250)).toBe("Store at 80.4 % of capacity (above 80 %)");
    expect(alertMessage({ ...over, threshold: 0.805 }, 0.81)).toBe("Store at 81 % of capacity (above 80.5 %)");
    expect(alertMessage({ ...over, threshold: 0.8 }, 0.93)).toBe("Store at 93 % of capacity (above 80 %)");
    expect(alertMessage({ ...base, kind: "forecast-occupancy", threshold: 1 }, 1.004, { forecastOccupancy: { store: { at: "17:00", expected: 1.004 } } })).toBe(
      "Store: expected over capacity at 17:00 (100.4 %, above 100 %)",
    );
    // Any people over any capacity and threshold that fire: the share written is above the threshold written.
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 300 }), (capacity, percent, extra) => {
        const threshold = percent / 100;
        const people = Math.floor(threshold * capacity) + Math.ceil(extra / 100);
        const rule: AlertRule = { ...over, threshold };
        const step = alertStep({}, [rule], { store: { people, capacity } }, T0);
        if (people / capacity <= threshold) return;
        const m = /^Store at ([0-9.]+) % of capacity \(above ([0-9.]+) %\)$/.exec(step.notifications[0]!.alert.message);
        expect(m, step.notifications[0]!.alert.message).not.toBeNull();
        expect(Number(m![1])).toBeGreaterThan(Number(m![2]));
        expect(Number(m![2])).toBe(percent);
      }),
      { numRuns: 2000 },
    );
  });

  it("never writes forecast arrivals that fired as the threshold or below it: 100.4 over 100 is not 'expected 100 arrivals (above 100)'", () => {
    const busy: AlertRule = { id: "r", store: "s", kind: "forecast-arrivals", threshold: 100, forSeconds: 0, cooldownSeconds: 0, enabled: true };
    const figures = (expected: number) => ({ forecast: { store: { at: "17:00", expected } } });
    expect(alertStep({}, [busy], figures(100.4), T0).notifications.map((n) => n.alert.message)).toEqual(["Store: busy from 17:00, expected 100.4 arrivals (above 100)"]);
    expect(alertMessage(busy, 100.5, figures(100.5))).toBe("Store: busy from 17:00, expected 101 arrivals (above 100)");
    expect(alertMessage(busy, 120.4, figures(120.4))).toBe("Store: busy from 17:00, expected 120 arrivals (above 100)");
    expect(alertMessage(busy, 100.04, figures(100.04))).toBe("Store: busy from 17:00, expected 100.04 arrivals (above 100)");
  });

  it("messages name a zone by its name in the layout (staff read \"Checkout queue\", not \"checkout-queue\"); the rule's own name first; the id when the layout names none", () => {
    const base = { id: "r", store: "s", forSeconds: 0, cooldownSeconds: 0, enabled: true } as const;
    const zoneNames = { "checkout-queue": "Checkout queue", bakery: "Bakery", blank: " " };
    const queue: AlertRule = { ...base, kind: "queue-length", zone: "checkout-queue", threshold: 2 };
    const fired = alertStep({}, [queue], { queues: { "checkout-queue": { length: 3, waitSeconds: 60 } }, zoneNames }, T0);
    expect(fired.notifications.map((n) => n.alert.message)).toEqual(["Checkout queue: 3 waiting (above 2); open another till"]);
    expect(alertMessage({ ...base, kind: "occupancy", zone: "bakery", threshold: 0.8 }, 0.93, { zoneNames })).toBe("Bakery at 93 % of capacity (above 80 %)");
    expect(alertMessage({ ...base, kind: "occupancy", zone: "bakery", threshold: 0.8, name: "Bread corner" }, 0.93, { zoneNames })).toBe("Bread corner at 93 % of capacity (above 80 %)");
    expect(alertMessage({ ...base, kind: "occupancy", zone: "blank", threshold: 0.8 }, 0.93, { zoneNames })).toBe("blank at 93 % of capacity (above 80 %)");
    expect(alertMessage({ ...base, kind: "occupancy", zone: "gone", threshold: 0.8 }, 0.93, { zoneNames })).toBe("gone at 93 % of capacity (above 80 %)");
    // A name stored before the name rule (a bidi override, an ESC) reaches webhooks, MQTT and the alert history written out.
    expect(alertMessage({ ...base, kind: "occupancy", zone: "bakery", threshold: 0.8 }, 0.93, { zoneNames: { bakery: "Bak\u202Eery" } })).toBe("Bak\\u{202e}ery at 93 % of capacity (above 80 %)");
    expect(alertMessage({ ...base, kind: "queue-length", zone: "bakery", threshold: 2, name: "Till\u001b[2J" }, 3)).toBe("Till\\u{1b}[2J: 3 waiting (above 2); open another till");
    // Any name the layout gives is what the message starts with.
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }).filter((n) => n.trim() !== ""), fc.constantFrom<AlertRule["kind"]>("occupancy", "queue-length", "queue-wait", "counter-silent", "forecast-arrivals", "forecast-occupancy"), (name, kind) => {
        expect(alertMessage({ ...base, kind, zone: "z", threshold: 1 }, 2, { zoneNames: { z: name } }).startsWith(name.trim())).toBe(true);
      }),
    );
  });
});
