/**
 * Which agents need attention (GET /api/v1/agents?problems=1 and the Agents view's amber cells):
 * examples, and a property test against the rules written out plainly.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { agentProblems, SLOW_BACKLOG_MS, SLOW_LAG_MS, type AgentAttentionInput } from "./agent-attention.js";

const T = Date.UTC(2026, 11, 5, 12, 0, 0);
const fine: AgentAttentionInput = {
  state: "online",
  revokedAt: null,
  lagMs: 300,
  lastEventTs: T,
  lastStatusTs: T + 30_000,
  backlog: { queued: 0, oldestQueuedAgeMs: null, outboxDropped: 0 },
  clockOffsetMs: 200,
};

describe("agentProblems", () => {
  it("names what needs attention, in order", () => {
    expect(agentProblems(fine, 30_000)).toEqual([]);
    expect(agentProblems({ ...fine, state: "offline" }, 30_000)).toEqual(["offline"]);
    expect(
      agentProblems({ ...fine, state: "never-seen", lagMs: null, lastEventTs: null, lastStatusTs: null, backlog: null, clockOffsetMs: null }, 30_000),
    ).toEqual(["never-seen"]);
    expect(agentProblems({ ...fine, clockOffsetMs: -45_000 }, 30_000)).toEqual(["clock"]);
    expect(agentProblems({ ...fine, clockOffsetMs: -45_000 }, 60_000)).toEqual([]);
    expect(agentProblems({ ...fine, lagMs: 60_000, lastStatusTs: T, backlog: { queued: 40, oldestQueuedAgeMs: 90_000, outboxDropped: 0 } }, 30_000)).toEqual([
      "lagging",
      "backlog",
    ]);
    expect(agentProblems({ ...fine, backlog: { queued: 0, oldestQueuedAgeMs: null, outboxDropped: 12 } }, 30_000)).toEqual(["backlog"]);
  });

  it("a late delivery caught up since (a status after it held nothing) is not lagging; a revoked agent needs nothing", () => {
    expect(agentProblems({ ...fine, lagMs: 3_600_000, lastStatusTs: T + 3_600_000 }, 30_000)).toEqual([]);
    expect(agentProblems({ ...fine, lagMs: 3_600_000, lastStatusTs: T + 3_599_999 }, 30_000)).toEqual(["lagging"]);
    expect(agentProblems({ ...fine, state: "offline", clockOffsetMs: 600_000, revokedAt: T }, 30_000)).toEqual([]);
  });

  it("agrees with the rules written out plainly", () => {
    const maybe = <A>(a: fc.Arbitrary<A>) => fc.option(a, { nil: null });
    const input = fc.record({
      state: fc.constantFrom("online", "offline", "never-seen"),
      revokedAt: maybe(fc.integer({ min: T - 1e9, max: T })),
      lagMs: maybe(fc.integer({ min: 0, max: 2 * 3_600_000 })),
      lastEventTs: maybe(fc.integer({ min: T - 1e8, max: T })),
      lastStatusTs: maybe(fc.integer({ min: T - 1e8, max: T + 1e8 })),
      backlog: maybe(
        fc.record({
          queued: fc.integer({ min: 0, max: 1000 }),
          oldestQueuedAgeMs: maybe(fc.integer({ min: 0, max: 600_000 })),
          outboxDropped: maybe(fc.integer({ min: 0, max: 50 })),
        }),
      ),
      clockOffsetMs: maybe(fc.integer({ min: -600_000, max: 600_000 })),
    });
    fc.assert(
      fc.property(input, fc.integer({ min: 1_000, max: 300_000 }), (a, warn) => {
        const expected: string[] = [];
        if (a.revokedAt === null) {
          if (a.state === "offline") expected.push("offline");
          if (a.state === "never-seen") expected.push("never-seen");
          const deliveredAt = a.lastEventTs === null || a.lagMs === null ? null : a.lastEventTs + a.lagMs;
          const heldNothingSince =
            a.state === "online" && a.backlog?.queued === 0 && deliveredAt !== null && a.lastStatusTs !== null && a.lastStatusTs >= deliveredAt;
          if (a.lagMs !== null && a.lagMs > SLOW_LAG_MS && !heldNothingSince) expected.push("lagging");
          if (a.clockOffsetMs !== null && Math.abs(a.clockOffsetMs) > warn) expected.push("clock");
          const b = a.backlog;
          if (b && ((b.queued > 0 && (b.oldestQueuedAgeMs ?? 0) > SLOW_BACKLOG_MS) || (b.outboxDropped ?? 0) > 0)) expected.push("backlog");
        }
        expect(agentProblems(a, warn)).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
