import { describe, expect, it } from "vitest";
import { alertStep } from "../alerts/evaluate.js";
import { WEEKDAYS, type OpeningHours } from "../alerts/hours.js";
import type { AlertRule } from "../alerts/types.js";
import { agentProblems, expectedBackBy } from "./agent-attention.js";
import { notCountedWhileOpen } from "./zone-tracking.js";

const TZ = "Europe/Paris";
/** Paris local time on December 2026 days (UTC+1). */
const at = (day: number, hh: number, mm = 0, ss = 0) => Date.UTC(2026, 11, day, hh - 1, mm, ss);
/** Open 08:00-21:00 every day, closed on 25 December. */
const HOURS: OpeningHours = {
  weekly: Object.fromEntries(WEEKDAYS.map((d) => [d, [{ open: "08:00", close: "21:00" }]])) as OpeningHours["weekly"],
  exceptions: [{ date: "2026-12-25", intervals: [] }],
};
const down = (since: number) => ({ since, agents: ["cam-2"] });

describe("notCountedWhileOpen", () => {
  it("leaves a zone whose agent went down after closing closed, not 'not counted', all night", () => {
    for (const now of [at(7, 21, 16), at(7, 23, 59), at(8, 3), at(8, 7, 59)]) expect(notCountedWhileOpen(down(at(7, 21, 15)), HOURS, now, TZ)).toBeNull();
  });

  it("says it is not counted since the opening once the store opens with the agent still down", () => {
    expect(notCountedWhileOpen(down(at(7, 21, 15)), HOURS, at(8, 8), TZ)).toEqual({ since: at(8, 8), agents: ["cam-2"] });
    expect(notCountedWhileOpen(down(at(7, 21, 15)), HOURS, at(8, 12, 30), TZ)).toEqual({ since: at(8, 8), agents: ["cam-2"] });
  });

  it("keeps an outage that began while open not counted since it began, through the night and the next day", () => {
    for (const now of [at(7, 17), at(7, 22), at(8, 3), at(8, 9)]) expect(notCountedWhileOpen(down(at(7, 16, 52)), HOURS, now, TZ)).toEqual(down(at(7, 16, 52)));
  });

  it("skips a day the store is closed by an exception, and reads an outage of weeks", () => {
    expect(notCountedWhileOpen(down(at(24, 21, 15)), HOURS, at(25, 12), TZ)).toBeNull();
    expect(notCountedWhileOpen(down(at(24, 21, 15)), HOURS, at(26, 9), TZ)).toEqual({ since: at(26, 8), agents: ["cam-2"] });
    const closedAll: OpeningHours = { weekly: HOURS.weekly, exceptions: Array.from({ length: 31 }, (_, i) => ({ date: `2027-01-${String(i + 1).padStart(2, "0")}`, intervals: [] })) };
    expect(notCountedWhileOpen(down(Date.UTC(2026, 11, 31, 21)), closedAll, Date.UTC(2027, 0, 31, 12), TZ)).toBeNull();
    expect(notCountedWhileOpen(down(Date.UTC(2026, 11, 31, 21)), closedAll, Date.UTC(2027, 1, 1, 8), TZ)).toEqual({ since: Date.UTC(2027, 1, 1, 7), agents: ["cam-2"] });
  });

  it("changes nothing for a store without hours, nor for a zone that is counted", () => {
    expect(notCountedWhileOpen(down(at(7, 21, 15)), null, at(8, 3), TZ)).toEqual(down(at(7, 21, 15)));
    expect(notCountedWhileOpen(down(at(7, 21, 15)), undefined, at(8, 3), TZ)).toEqual(down(at(7, 21, 15)));
    expect(notCountedWhileOpen(null, HOURS, at(8, 12), TZ)).toBeNull();
  });
});

describe("an agent switched off after closing, by the agent rules", () => {
  const opening = { hours: HOURS, timeZone: TZ };
  const offAt2115 = { state: "offline", lastStatusTs: at(7, 8), lastHeardAt: at(7, 21, 14, 50), lagMs: null, lastEventTs: null };
  const rule: AlertRule = { id: "cam-q-down", store: "shop", kind: "agent-offline", agent: "cam-q", threshold: 600, forSeconds: 0, cooldownSeconds: 0, enabled: true };
  const fires = (now: number, withHours: boolean) =>
    alertStep({}, [rule], { open: true, agents: { "cam-q": { lastSeen: at(7, 21, 14, 50) } }, ...(withHours ? { opening } : {}) }, now).notifications.map((n) => n.type);

  it("needs no attention until the store has been open for the agent-offline rule's threshold (expected back by then), then is offline", () => {
    expect(agentProblems(offAt2115, 60_000, at(8, 3), opening)).toEqual([]);
    expect(agentProblems(offAt2115, 60_000, at(8, 8, 0, 1), opening)).toEqual([]);
    expect(expectedBackBy(offAt2115, at(8, 8, 0, 1), opening)).toBe(at(8, 8, 10));
    expect(agentProblems(offAt2115, 60_000, at(8, 8, 10, 1), opening)).toEqual(["offline"]);
    expect(expectedBackBy(offAt2115, at(8, 8, 10, 1), opening)).toBeNull();
    expect(agentProblems(offAt2115, 60_000, at(8, 3))).toEqual(["offline"]);
    // Down at 20:30, while open: offline all night.
    expect(agentProblems({ ...offAt2115, lastHeardAt: at(7, 20, 30) }, 60_000, at(8, 3), opening)).toEqual(["offline"]);
  });

  it("pages an agent-offline rule once the store has been open for its threshold, not in the night nor while the box boots", () => {
    expect(fires(at(8, 3), true)).toEqual([]);
    expect(fires(at(8, 8, 0, 1), true)).toEqual([]);
    expect(fires(at(8, 8, 10), true)).toEqual([]);
    expect(fires(at(8, 8, 10, 1), true)).toEqual(["alert.firing"]);
    expect(fires(at(8, 3), false)).toEqual(["alert.firing"]);
  });
});
