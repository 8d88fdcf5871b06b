import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { agentProblems, expectedBackBy, type AgentAttentionInput } from "../domain/agent-attention.js";
import { alertStep, notMissedYet, ruleValue } from "./evaluate.js";
import { isOpen, WEEKDAYS, type HoursInterval, type OpeningHours } from "./hours.js";
import type { AlertRule } from "./types.js";

const MINUTE = 60_000;
/** Zones whose offsets are whole quarters of an hour (an opening falls on a quarter of UTC too), with and without DST. */
const ZONES = ["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Adelaide"];
/** Around the end of Paris's summer time, and an ordinary week in December. */
const AROUND = [Date.UTC(2026, 9, 24), Date.UTC(2026, 11, 5)];

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
const dayArb: fc.Arbitrary<HoursInterval[]> = fc.uniqueArray(fc.integer({ min: 0, max: 96 }), { maxLength: 4 }).map((cuts) => {
  const s = [...cuts].sort((a, b) => a - b);
  const out: HoursInterval[] = [];
  for (let i = 0; i + 1 < s.length; i += 2) out.push({ open: hhmm(s[i]! * 15), close: hhmm(s[i + 1]! * 15) });
  return out;
});
const hoursArb: fc.Arbitrary<OpeningHours> = fc
  .record(Object.fromEntries(WEEKDAYS.map((d) => [d, dayArb])) as Record<(typeof WEEKDAYS)[number], typeof dayArb>)
  .map((weekly) => ({ weekly, exceptions: [] }));

/**
 * Reference (minute by minute: last heard on a minute, openings and closings on quarters): the first closed minute from
 * when last heard to the grace after; none (open throughout the grace) or after `now`: never left out. Otherwise left
 * out when the first minute the store is open from then is none up to `now`, or no more than `grace` before it.
 */
function leftOutRef(h: OpeningHours, tz: string, lastSeen: number, now: number, grace: number): boolean {
  let closed: number | null = null;
  for (let t = lastSeen; t <= lastSeen + grace; t += MINUTE) {
    if (!isOpen(h, t, tz)) {
      closed = t;
      break;
    }
  }
  if (closed === null || closed > now) return false;
  for (let t = closed; t <= now; t += MINUTE) if (isOpen(h, t, tz)) return now - t <= grace;
  return true;
}

const caseArb = fc.record({
  hours: hoursArb,
  tz: fc.constantFrom(...ZONES),
  base: fc.constantFrom(...AROUND),
  heard: fc.integer({ min: 0, max: 3 * 24 * 60 }),
  after: fc.integer({ min: 0, max: 24 * 60 }),
  graceMin: fc.integer({ min: 0, max: 3 * 60 }),
});

describe("agent-offline's grace at the opening (a box switched off at night)", () => {
  it("leaves out an agent last heard while closed, or within the grace before the closing, until the store has been open for the grace; never one heard while open for the grace after", () => {
    fc.assert(
      fc.property(caseArb, ({ hours, tz, base, heard, after, graceMin }) => {
        const lastSeen = base + heard * MINUTE;
        const now = lastSeen + after * MINUTE;
        expect(notMissedYet(lastSeen, now, { hours, timeZone: tz }, graceMin * MINUTE)).toBe(leftOutRef(hours, tz, lastSeen, now, graceMin * MINUTE));
      }),
      { numRuns: 400 },
    );
  });

  it("the rule fires on its one agent exactly when it is not left out and unheard for more than its threshold", () => {
    fc.assert(
      fc.property(caseArb, ({ hours, tz, base, heard, after, graceMin }) => {
        const lastSeen = base + heard * MINUTE;
        const now = lastSeen + after * MINUTE;
        const rule: AlertRule = {
          id: "cam",
          store: "s",
          kind: "agent-offline",
          agent: "cam",
          threshold: graceMin * 60,
          forSeconds: 0,
          cooldownSeconds: 0,
          enabled: true,
        };
        const figures = { agents: { cam: { lastSeen } }, opening: { hours, timeZone: tz } };
        const leftOut = leftOutRef(hours, tz, lastSeen, now, graceMin * MINUTE);
        expect(ruleValue(rule, figures, now)).toBe(leftOut ? 0 : (now - lastSeen) / 1000);
        const fired = alertStep({}, [rule], figures, now).notifications.map((n) => n.type);
        expect(fired).toEqual(!leftOut && now - lastSeen > graceMin * MINUTE ? ["alert.firing"] : []);
      }),
      { numRuns: 300 },
    );
  });

  it("a box off from 21:15 pages nobody at the 08:00 opening, nor while it boots; still off 10 minutes on, it is missed with its whole silence", () => {
    const weekly = Object.fromEntries(WEEKDAYS.map((d) => [d, [{ open: "08:00", close: "21:00" }]])) as OpeningHours["weekly"];
    const opening = { hours: { weekly, exceptions: [] }, timeZone: "UTC" };
    const off = Date.UTC(2026, 11, 7, 21, 15);
    const at = (hh: number, mm: number, ss = 0) => Date.UTC(2026, 11, 8, hh, mm, ss);
    const rule: AlertRule = { id: "cam", store: "s", kind: "agent-offline", agent: "cam", threshold: 600, forSeconds: 0, cooldownSeconds: 0, enabled: true };
    const value = (now: number) => ruleValue(rule, { agents: { cam: { lastSeen: off } }, opening }, now);
    expect([at(3, 0), at(8, 0), at(8, 3), at(8, 10)].map(value)).toEqual([0, 0, 0, 0]);
    expect(value(at(8, 10, 1))).toBe((at(8, 10, 1) - off) / 1000);
    // Heard while open: its silence from then, as ever.
    expect(ruleValue(rule, { agents: { cam: { lastSeen: at(8, 1) } }, opening }, at(8, 11, 1))).toBe(601);
  });

  it("a box off at 20:59 for a 21:00 closing is given the same grace: nobody paged at night nor before 08:10; one off at 20:45 pages at 20:55 as ever", () => {
    const weekly = Object.fromEntries(WEEKDAYS.map((d) => [d, [{ open: "08:00", close: "21:00" }]])) as OpeningHours["weekly"];
    const opening = { hours: { weekly, exceptions: [] }, timeZone: "UTC" };
    const off = Date.UTC(2026, 11, 7, 20, 59);
    const at = (d: number, hh: number, mm: number, ss = 0) => Date.UTC(2026, 11, d, hh, mm, ss);
    const rule: AlertRule = { id: "cam", store: "s", kind: "agent-offline", agent: "cam", threshold: 600, forSeconds: 0, cooldownSeconds: 0, enabled: true };
    const value = (lastSeen: number, now: number) => ruleValue(rule, { agents: { cam: { lastSeen } }, opening }, now);
    expect([at(7, 21, 9, 1), at(7, 23, 0), at(8, 8, 0), at(8, 8, 10)].map((n) => value(off, n))).toEqual([0, 0, 0, 0]);
    expect(value(off, at(8, 8, 10, 1))).toBe((at(8, 8, 10, 1) - off) / 1000);
    const early = at(7, 20, 45);
    expect(value(early, at(7, 20, 55, 1))).toBe(601);
  });
});

describe("the Agents view's word and the agent-offline rule agree about a box switched off (core agentProblems, expectedBackBy)", () => {
  it("'offline' whenever the rule fires; 'expected back by' exactly while the store is open and the rule leaves it out; otherwise quiet (closed) or down by day", () => {
    fc.assert(
      fc.property(caseArb, ({ hours, tz, base, heard, after, graceMin }) => {
        const lastSeen = base + heard * MINUTE;
        const now = lastSeen + after * MINUTE;
        const grace = graceMin * MINUTE;
        const rule: AlertRule = { id: "cam", store: "s", kind: "agent-offline", agent: "cam", threshold: graceMin * 60, forSeconds: 0, cooldownSeconds: 0, enabled: true };
        const fires = alertStep({}, [rule], { agents: { cam: { lastSeen } }, opening: { hours, timeZone: tz } }, now).notifications.length > 0;
        const agent: AgentAttentionInput = {
          state: "offline",
          lastStatusTs: lastSeen,
          lastHeardAt: lastSeen,
          lastEventTs: null,
          lagMs: null,
          clockOffsetMs: null,
          backlog: null,
          revokedAt: null,
        };
        const opening = { hours, timeZone: tz, offlineGraceMs: grace };
        const offline = agentProblems(agent, 30_000, now, opening).includes("offline");
        const back = expectedBackBy(agent, now, opening);
        const leftOut = leftOutRef(hours, tz, lastSeen, now, grace);
        // The rule pages: the view says offline.
        if (fires) expect(offline).toBe(true);
        // The view says offline exactly when the rule does not leave the box out (by day, before its threshold, too).
        expect(offline).toBe(!leftOut);
        // Expected back: left out while the store is open, by the instant the rule misses it (its silence past the threshold then).
        expect(back !== null).toBe(leftOut && isOpen(hours, now, tz));
        if (back !== null) {
          expect(back).toBeGreaterThanOrEqual(now);
          expect(back - now).toBeLessThanOrEqual(grace);
          expect(isOpen(hours, back - grace, tz)).toBe(true);
          expect(notMissedYet(lastSeen, back, { hours, timeZone: tz }, grace)).toBe(true);
          expect(notMissedYet(lastSeen, back + 1, { hours, timeZone: tz }, grace)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
});
