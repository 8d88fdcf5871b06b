import { describe, expect, it } from "vitest";
import { backlogCell, clockAheadNote } from "./backlog.js";

describe("backlogCell", () => {
  it("says how many events an agent held at its last status and how old the oldest was", () => {
    expect(backlogCell({ queued: 384, oldestQueuedAgeMs: 68_111, outboxDropped: 0 })).toMatchObject({ text: "384, oldest 1 min 08 s", warn: true });
    expect(backlogCell({ queued: 12, oldestQueuedAgeMs: 900, outboxDropped: null })).toMatchObject({ text: "12, oldest 900 ms", warn: false });
    expect(backlogCell({ queued: 0, oldestQueuedAgeMs: null, outboxDropped: 0 })).toMatchObject({ text: "none", warn: false });
  });
  it("says when the outbox dropped events, and when the agent never said", () => {
    expect(backlogCell({ queued: 0, oldestQueuedAgeMs: null, outboxDropped: 2500 })).toMatchObject({ text: "none · 2,500 dropped", warn: true });
    expect(backlogCell(null).text).toBe("–");
    expect(backlogCell(undefined).title).toMatch(/has not said/);
  });
});

describe("clockAheadNote", () => {
  const now = Date.UTC(2026, 11, 4, 20, 0);
  it("says an agent's clock is ahead when its status is stamped over a minute after now", () => {
    expect(clockAheadNote(now + 10 * 60_000, now)?.text).toBe("clock 10 min ahead");
    expect(clockAheadNote(now + 3 * 3_600_000, now)?.text).toBe("clock 3 h ahead");
    expect(clockAheadNote(now + 10 * 60_000, now)?.title).toMatch(/NTP/);
  });
  it("says nothing within a minute, for a status in the past, or without one", () => {
    expect(clockAheadNote(now + 30_000, now)).toBeNull();
    expect(clockAheadNote(now - 3_600_000, now)).toBeNull();
    expect(clockAheadNote(null, now)).toBeNull();
  });
});
