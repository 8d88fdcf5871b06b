import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { agentProblems, expectedBackBy, type AgentAttentionInput, type StoreOpening } from "../domain/agent-attention.js";
import { alertStep, type AlertRulesState } from "./evaluate.js";
import { WEEKDAYS, type HoursInterval, type OpeningHours } from "./hours.js";
import type { AlertRule } from "./types.js";

/**
 * The grace a box switched off at night gets (the Agents view's "closed", "expected back by", the CLI's and the gauge's
 * closed, all core's downWhileClosed / expectedBackBy) ends when the agent-offline rule pages, forSeconds included, for
 * the rules that watch that agent. Reference: the rule engine itself (alertStep), stepped minute by minute. With the old
 * grace (the smallest threshold, forSeconds and rule.agent left out) "expected back by 08:10" came before a rule with
 * forSeconds paged, and a rule naming another agent gave this one its grace.
 */
const MINUTE = 60_000;
const ZONES = ["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata"];
const AROUND = [Date.UTC(2026, 9, 24), Date.UTC(2026, 11, 5)];

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
const dayArb: fc.Arbitrary<HoursInterval[]> = fc.uniqueArray(fc.integer({ min: 0, max: 96 }), { minLength: 2, maxLength: 4 }).map((cuts) => {
  const s = [...cuts].sort((a, b) => a - b);
  const out: HoursInterval[] = [];
  for (let i = 0; i + 1 < s.length; i += 2) out.push({ open: hhmm(s[i]! * 15), close: hhmm(s[i + 1]! * 15) });
  return out;
});
const hoursArb: fc.Arbitrary<OpeningHours> = fc
  .record(Object.fromEntries(WEEKDAYS.map((d) => [d, dayArb])) as Record<(typeof WEEKDAYS)[number], typeof dayArb>)
  .map((weekly) => ({ weekly, exceptions: [] }));
const ruleArb = fc.record({ thresholdMin: fc.integer({ min: 0, max: 90 }), forMin: fc.integer({ min: 0, max: 90 }), agent: fc.constantFrom<string | undefined>("cam", "door", undefined) });

const caseArb = fc.record({
  hours: hoursArb,
  tz: fc.constantFrom(...ZONES),
  base: fc.constantFrom(...AROUND),
  heard: fc.integer({ min: 0, max: 2 * 24 * 60 }),
  // At least one rule watches cam (its own, or the store's); the others may watch the door only.
  rules: fc.tuple(ruleArb.filter((r) => r.agent !== "door"), fc.array(ruleArb, { maxLength: 2 })).map(([first, more]) => [first, ...more]),
});

const HORIZON_MIN = 26 * 60;

describe("a box down at night: the views' grace ends when the agent-offline rule pages (threshold + forSeconds, the rules watching that agent)", () => {
  it("'closed' until the rule fires, 'offline' from the minute it fires, 'expected back by' the minute before", () => {
    fc.assert(
      fc.property(caseArb, ({ hours, tz, base, heard, rules: specs }) => {
        const lastSeen = base + heard * MINUTE;
        const rules: AlertRule[] = specs.map((r, i) => ({
          id: `r${i}`,
          store: "s",
          kind: "agent-offline",
          ...(r.agent !== undefined ? { agent: r.agent } : {}),
          threshold: r.thresholdMin * 60,
          forSeconds: r.forMin * 60,
          cooldownSeconds: 0,
          enabled: true,
        }));
        const opening: StoreOpening = {
          hours,
          timeZone: tz,
          offlineGraceMs: Math.min(...rules.map((r) => r.threshold * 1000)),
          offlineRules: rules.map((r) => ({ thresholdMs: r.threshold * 1000, forMs: r.forSeconds * 1000, ...(r.agent !== undefined ? { agent: r.agent } : {}) })),
        };
        const cam: AgentAttentionInput = { agent: "cam", state: "offline", lastStatusTs: lastSeen, lastHeardAt: lastSeen, lastEventTs: null, lagMs: null, clockOffsetMs: null, backlog: null, revokedAt: null };
        // The reference: the engine stepped each minute; cam down since lastSeen, the door heard at every step.
        let state: AlertRulesState = {};
        let firstFire: number | null = null;
        let wasClosed = false;
        const backs = new Set<number>();
        for (let t = lastSeen; t <= lastSeen + HORIZON_MIN * MINUTE; t += MINUTE) {
          const step = alertStep(state, rules, { agents: { cam: { lastSeen }, door: { lastSeen: t } }, opening: { hours, timeZone: tz } }, t);
          state = step.state;
          if (firstFire === null && step.notifications.some((n) => n.type === "alert.firing")) firstFire = t;
          const offline = agentProblems(cam, 30_000, t, opening).includes("offline");
          const back = expectedBackBy(cam, t, opening);
          // Once a rule paged, the views say offline.
          if (firstFire !== null) expect(offline).toBe(true);
          // From closed to offline: at the minute a rule pages, not before.
          if (wasClosed && offline) expect(firstFire).toBe(t);
          // Expected back by: the last minute before a rule pages (or no rule watching it pages within the horizon).
          if (back !== null) {
            expect(offline).toBe(false);
            expect(back).toBeGreaterThanOrEqual(t);
            backs.add(back);
          }
          wasClosed = !offline;
        }
        // Every "expected back by" said was the minute before the first page (when that is within the horizon).
        for (const back of backs) if (back + MINUTE <= lastSeen + HORIZON_MIN * MINUTE) expect(firstFire).toBe(back + MINUTE);
      }),
      { numRuns: 30 },
    );
  }, 180_000);

  it("08:00 opening, a 10-minute rule held for 20 minutes: expected back by 08:30, not 08:10; a rule naming another agent gives none", () => {
    const weekly = Object.fromEntries(WEEKDAYS.map((d) => [d, [{ open: "08:00", close: "21:00" }]])) as OpeningHours["weekly"];
    const hours = { weekly, exceptions: [] };
    const off = Date.UTC(2026, 11, 7, 21, 15);
    const at = (hh: number, mm: number) => Date.UTC(2026, 11, 8, hh, mm);
    const cam: AgentAttentionInput = { agent: "cam", state: "offline", lastStatusTs: off, lastHeardAt: off, lastEventTs: null, lagMs: null, clockOffsetMs: null, backlog: null, revokedAt: null };
    const opening: StoreOpening = { hours, timeZone: "UTC", offlineGraceMs: 600_000, offlineRules: [{ thresholdMs: 600_000, forMs: 1_200_000 }] };
    expect(expectedBackBy(cam, at(8, 5), opening)).toBe(at(8, 30));
    expect(agentProblems(cam, 30_000, at(8, 20), opening)).not.toContain("offline");
    expect(agentProblems(cam, 30_000, at(8, 31), opening)).toContain("offline");
    // Only a 2-minute rule on the door and a 30-minute one on cam: cam's grace is its own rule's.
    const named: StoreOpening = { hours, timeZone: "UTC", offlineGraceMs: 120_000, offlineRules: [{ thresholdMs: 120_000, forMs: 0, agent: "door" }, { thresholdMs: 1_800_000, forMs: 0, agent: "cam" }] };
    expect(expectedBackBy(cam, at(8, 5), named)).toBe(at(8, 30));
    expect(expectedBackBy({ ...cam, agent: "door" }, at(8, 1), named)).toBe(at(8, 2));
  });
});
