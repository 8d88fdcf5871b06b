/**
 * Which agents need attention (GET /api/v1/agents?problems=1 and the Agents view's amber cells):
 * examples, and a property test against the rules written out plainly.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AGENT_PROBLEM_WORDS, AGENT_PROBLEMS, agentProblems, refusingDetail, silentAfterMs, SLOW_BACKLOG_MS, SLOW_LAG_MS, stalledDetail, type AgentAttentionInput } from "./agent-attention.js";

const T = Date.UTC(2026, 11, 5, 12, 0, 0);
const fine: AgentAttentionInput = {
  state: "online",
  revokedAt: null,
  lagMs: 300,
  lastEventTs: T,
  lastStatusTs: T + 30_000,
  backlog: { queued: 0, oldestQueuedAgeMs: null, outboxDropped: 0 },
  clockOffsetMs: 200,
  lastHeardAt: T + 30_000,
};
/** The server's clock in the examples: 20 s after the fine agent's last status arrived. */
const NOW = T + 50_000;

describe("agentProblems", () => {
  it("names what needs attention, in order", () => {
    expect(agentProblems(fine, 30_000, NOW)).toEqual([]);
    expect(agentProblems({ ...fine, state: "offline" }, 30_000, NOW)).toEqual(["offline"]);
    expect(
      agentProblems({ ...fine, state: "never-seen", lagMs: null, lastEventTs: null, lastStatusTs: null, backlog: null, clockOffsetMs: null }, 30_000, NOW),
    ).toEqual(["never-seen"]);
    expect(agentProblems({ ...fine, clockOffsetMs: -45_000 }, 30_000, NOW)).toEqual(["clock"]);
    expect(agentProblems({ ...fine, clockOffsetMs: -45_000 }, 60_000, NOW)).toEqual([]);
    expect(agentProblems({ ...fine, lagMs: 60_000, lastStatusTs: T, backlog: { queued: 40, oldestQueuedAgeMs: 90_000, outboxDropped: 0 } }, 30_000, NOW)).toEqual([
      "lagging",
      "backlog",
    ]);
    expect(agentProblems({ ...fine, backlog: { queued: 0, oldestQueuedAgeMs: null, outboxDropped: 12 } }, 30_000, NOW)).toEqual(["backlog"]);
  });

  it("a late delivery caught up since (a status after it held nothing) is not lagging; a revoked agent needs nothing", () => {
    expect(agentProblems({ ...fine, lagMs: 3_600_000, lastStatusTs: T + 3_600_000 }, 30_000, NOW)).toEqual([]);
    expect(agentProblems({ ...fine, lagMs: 3_600_000, lastStatusTs: T + 3_599_999 }, 30_000, NOW)).toEqual(["lagging"]);
    expect(agentProblems({ ...fine, state: "offline", clockOffsetMs: 600_000, revokedAt: T }, 30_000, NOW)).toEqual([]);
  });

  it("an online agent the server has not heard from for three status intervals (at least 90 s) is silent; offline or revoked, it is not", () => {
    // The default 30 s statuses: heard 90 s ago is fine, 90.001 s ago silent.
    expect(agentProblems(fine, 30_000, T + 30_000 + 90_000)).toEqual([]);
    expect(agentProblems(fine, 30_000, T + 30_000 + 90_001)).toEqual(["silent"]);
    // Its events count as hearing from it, and so does its last live status; never heard live at all: silent.
    expect(agentProblems({ ...fine, lastHeardAt: null }, 30_000, NOW)).toEqual(["silent"]);
    // An agent that said it sends a status every 5 min: 15 min of quiet before it is silent.
    expect(agentProblems({ ...fine, statusEveryMs: 300_000 }, 30_000, T + 30_000 + 600_000)).toEqual([]);
    expect(agentProblems({ ...fine, statusEveryMs: 300_000 }, 30_000, T + 30_000 + 900_001)).toEqual(["silent"]);
    // Every 5 s: still 90 s, not 15 s (a server a few seconds behind on its messages flags nothing).
    expect(agentProblems({ ...fine, statusEveryMs: 5_000 }, 30_000, T + 30_000 + 60_000)).toEqual([]);
    expect(silentAfterMs(5_000)).toBe(90_000);
    expect(silentAfterMs(null)).toBe(90_000);
    expect(silentAfterMs(120_000)).toBe(360_000);
    // An offline agent is offline (its last will came), not silent; a revoked one needs nothing.
    expect(agentProblems({ ...fine, state: "offline" }, 30_000, T + 3_600_000)).toEqual(["offline"]);
    expect(agentProblems({ ...fine, revokedAt: T }, 30_000, T + 3_600_000)).toEqual([]);
    // With other problems, in the list's order.
    expect(agentProblems({ ...fine, clockOffsetMs: 45_000 }, 30_000, T + 3_600_000)).toEqual(["silent", "clock"]);
  });

  it("an online camera or simulator whose source gave no input for over a minute, or any source failing and restarting for over a minute, is stalled", () => {
    const input = (ageMs: number | null, downMs: number | null = 0, restarts: number | null = 0) => ({ unit: "frame", ageMs, downMs, restarts });
    const camera = { ...fine, kind: "camera" };
    expect(agentProblems({ ...camera, input: input(60_000) }, 30_000, NOW)).toEqual([]);
    expect(agentProblems({ ...camera, input: input(60_001) }, 30_000, NOW)).toEqual(["stalled"]);
    expect(stalledDetail({ ...camera, input: input(180_000) })).toBe("no frame for 3 min");
    expect(stalledDetail({ ...camera, input: input(60_000) })).toBeNull();
    expect(agentProblems({ ...fine, kind: "sim", input: { unit: "tick", ageMs: 61_000, downMs: 0, restarts: 0 } }, 30_000, NOW)).toEqual(["stalled"]);
    // A door counter (or beacons) is quiet while nobody passes: its input's age says nothing...
    const door = { ...fine, kind: "door" };
    expect(agentProblems({ ...door, input: { unit: "line", ageMs: 8 * 3_600_000, downMs: 0, restarts: 0 } }, 30_000, NOW)).toEqual([]);
    // ...but its link failing and restarting for over a minute is stalled.
    expect(agentProblems({ ...door, input: { unit: null, ageMs: null, downMs: 60_001, restarts: 4 } }, 30_000, NOW)).toEqual(["stalled"]);
    expect(stalledDetail({ ...door, input: { unit: null, ageMs: null, downMs: 125_000, restarts: 4 } })).toBe("source restarting for 2 min (4 restarts)");
    expect(agentProblems({ ...door, input: { unit: null, ageMs: null, downMs: 60_000, restarts: 4 } }, 30_000, NOW)).toEqual([]);
    // An agent that says nothing of its input (older than the rule) is never stalled; nor one offline (its last status is old news).
    expect(agentProblems({ ...camera, input: null }, 30_000, NOW)).toEqual([]);
    expect(agentProblems({ ...camera, input: { unit: null, ageMs: null, downMs: null, restarts: null } }, 30_000, NOW)).toEqual([]);
    expect(agentProblems(camera, 30_000, NOW)).toEqual([]);
    expect(agentProblems({ ...camera, state: "offline", input: input(600_000) }, 30_000, NOW)).toEqual(["offline"]);
    // In the list's order, after silent.
    expect(agentProblems({ ...camera, input: input(600_000), clockOffsetMs: 45_000 }, 30_000, T + 3_600_000)).toEqual(["silent", "stalled", "clock"]);
  });

  it("an online agent whose source refused over a tenth of what it read in its last 10 minutes, at least 10, is refusing input", () => {
    // A door counter whose every line no pattern fits: IT saw it only as a count under the Rejects column.
    expect(agentProblems({ ...fine, recentInput: { read: 324, refused: 120 } }, 30_000, NOW)).toEqual(["refusing"]);
    expect(refusingDetail({ ...fine, recentInput: { read: 324, refused: 120 } })).toBe("37% of what it read in the last 10 min (120 of 324)");
    // A sensor pushing with a wrong secret: every push refused.
    expect(agentProblems({ ...fine, recentInput: { read: 12, refused: 12 } }, 30_000, NOW)).toEqual(["refusing"]);
    // A stray garbled line, a small share, refusals that stopped (none in the window), an older agent, an offline one: nothing.
    expect(agentProblems({ ...fine, recentInput: { read: 9, refused: 9 } }, 30_000, NOW)).toEqual([]);
    expect(agentProblems({ ...fine, recentInput: { read: 1000, refused: 100 } }, 30_000, NOW)).toEqual([]);
    expect(agentProblems({ ...fine, recentInput: { read: 1000, refused: 101 } }, 30_000, NOW)).toEqual(["refusing"]);
    expect(agentProblems({ ...fine, recentInput: { read: 500, refused: 0 } }, 30_000, NOW)).toEqual([]);
    expect(agentProblems({ ...fine, recentInput: null }, 30_000, NOW)).toEqual([]);
    expect(agentProblems({ ...fine, state: "offline", recentInput: { read: 12, refused: 12 } }, 30_000, NOW)).toEqual(["offline"]);
    expect(refusingDetail({ ...fine, recentInput: { read: 1000, refused: 100 } })).toBeNull();
  });

  it("has words for every problem, the same on every screen", () => {
    expect(AGENT_PROBLEMS.map((p) => AGENT_PROBLEM_WORDS[p])).toEqual(["offline", "never seen", "silent", "input stalled", "refusing input", "events late", "clock off", "backlog"]);
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
      lastHeardAt: maybe(fc.integer({ min: T - 4 * 3_600_000, max: T })),
      statusEveryMs: maybe(fc.constantFrom(1_000, 5_000, 29_999, 30_000, 30_001, 60_000, 300_000, 3_600_000)),
      kind: fc.constantFrom("camera", "door", "beacon", "sim", "thermal"),
      input: maybe(
        fc.record({
          unit: maybe(fc.constantFrom("frame", "tick", "line")),
          ageMs: maybe(fc.oneof(fc.constantFrom(0, 59_999, 60_000, 60_001), fc.integer({ min: 0, max: 3_600_000 }))),
          downMs: maybe(fc.oneof(fc.constantFrom(0, 59_999, 60_000, 60_001), fc.integer({ min: 0, max: 3_600_000 }))),
          restarts: maybe(fc.integer({ min: 0, max: 100 })),
        }),
      ),
      recentInput: maybe(fc.record({ read: fc.integer({ min: 0, max: 2000 }), refused: fc.oneof(fc.constantFrom(0, 9, 10, 11, 100, 101), fc.integer({ min: 0, max: 2000 })) })),
    });
    // Now: at T, or just around an edge of the silent rule (90 s for 30 s statuses, 3 intervals otherwise).
    const nowOf = (a: { lastHeardAt: number | null }, d: number) => (a.lastHeardAt ?? T) + d;
    const edge = fc.constantFrom(0, 1, 89_999, 90_000, 90_001, 150_000, 179_999, 180_000, 180_001, 900_000, 900_001, 10_800_000, 10_800_001);
    fc.assert(
      fc.property(input, fc.integer({ min: 1_000, max: 300_000 }), fc.oneof(fc.constant(null), edge, fc.integer({ min: 0, max: 4 * 3_600_000 })), (a, warn, d) => {
        const now = d === null ? T : nowOf(a, d);
        const expected: string[] = [];
        if (a.revokedAt === null) {
          if (a.state === "offline") expected.push("offline");
          if (a.state === "never-seen") expected.push("never-seen");
          // Silent: online, and nothing heard live within three status intervals (30 s when not said), 90 s at the least.
          const interval = a.statusEveryMs ?? 30_000;
          let allowed = 3 * interval;
          if (allowed < 90_000) allowed = 90_000;
          if (a.state === "online" && (a.lastHeardAt === null || now - a.lastHeardAt > allowed)) expected.push("silent");
          // Stalled: online, and its last status said its camera (or simulator) had no input for over a minute, or its source had failed and restarted for over a minute.
          const i = a.input;
          const noInput = (a.kind === "camera" || a.kind === "sim") && i !== null && i.ageMs !== null && i.ageMs > 60_000;
          const down = i !== null && i.downMs !== null && i.downMs > 60_000;
          if (a.state === "online" && (noInput || down)) expected.push("stalled");
          // Refusing: online, and its last status said its source refused at least 10 of its input in its last 10 minutes, over a tenth of it.
          const r = a.recentInput;
          if (a.state === "online" && r !== null && r.refused >= 10 && r.refused * 10 > Math.max(r.read, r.refused)) expected.push("refusing");
          const deliveredAt = a.lastEventTs === null || a.lagMs === null ? null : a.lastEventTs + a.lagMs;
          const heldNothingSince =
            a.state === "online" && a.backlog?.queued === 0 && deliveredAt !== null && a.lastStatusTs !== null && a.lastStatusTs >= deliveredAt;
          if (a.lagMs !== null && a.lagMs > SLOW_LAG_MS && !heldNothingSince) expected.push("lagging");
          if (a.clockOffsetMs !== null && Math.abs(a.clockOffsetMs) > warn) expected.push("clock");
          const b = a.backlog;
          if (b && ((b.queued > 0 && (b.oldestQueuedAgeMs ?? 0) > SLOW_BACKLOG_MS) || (b.outboxDropped ?? 0) > 0)) expected.push("backlog");
        }
        expect(agentProblems(a, warn, now)).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
