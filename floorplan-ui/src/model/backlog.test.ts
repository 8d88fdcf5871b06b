import { describe, expect, it } from "vitest";
import { backlogCell, clockCell, lagCell, silentNote } from "./backlog.js";

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

describe("clockCell", () => {
  it("says how far the agent's clock is from the server's, either way", () => {
    expect(clockCell(120_400, 30_000)).toMatchObject({ text: "2 min ahead", warn: true, hint: "check NTP" });
    expect(clockCell(-45_000, 30_000)).toMatchObject({ text: "45 s behind", warn: true, hint: "check NTP" });
    expect(clockCell(3 * 3_600_000, 30_000).text).toBe("3 h ahead");
    expect(clockCell(-45_000, 30_000).title).toMatch(/chronyc tracking/);
    expect(clockCell(-45_000, 30_000).title).toMatch(/earlier than they happened/);
    expect(clockCell(120_400, 30_000).title).toMatch(/5 minutes ahead/);
  });
  it("flags only past the threshold; in step under a second; a dash before the first measure", () => {
    expect(clockCell(29_000, 30_000)).toMatchObject({ text: "29 s ahead", warn: false, hint: null });
    expect(clockCell(-30_000, 30_000).warn).toBe(false);
    expect(clockCell(-30_001, 30_000).warn).toBe(true);
    expect(clockCell(20_000, 10_000).warn).toBe(true);
    expect(clockCell(-400, 30_000)).toMatchObject({ text: "in step", warn: false });
    expect(clockCell(null, 30_000)).toMatchObject({ text: "–", warn: false });
    expect(clockCell(undefined, 30_000).title).toMatch(/Not measured yet/);
  });
});

describe("lagCell", () => {
  const T = Date.parse("2026-12-05T05:32:58Z");
  const H = 3_600_000;
  // The demo at 06:33 in Paris: 48 h back-filled at once, the newest event from 21:05 the evening before.
  const backfilled = { lagMs: 9 * H + 27 * 60_000, lastEventTs: T - 9 * H - 27 * 60_000, state: "online" };
  it("says 'caught up', not amber, once a status after a late delivery said the agent held nothing unsent", () => {
    const cell = lagCell({ ...backfilled, lastStatusTs: T + 30_000, backlog: { queued: 0, oldestQueuedAgeMs: null, outboxDropped: 0 } });
    expect(cell).toMatchObject({ text: "caught up", warn: false });
    expect(cell.title).toMatch(/arrived 9 h 27 min after they happened/);
  });
  it("keeps the figure, amber, while the delivery may still be under way or nothing says otherwise", () => {
    const amber = { text: "9 h 27 min", warn: true };
    // The last status came before the delivery (it held 3 then).
    expect(lagCell({ ...backfilled, lastStatusTs: T - 1000, backlog: { queued: 3, oldestQueuedAgeMs: 5000, outboxDropped: 0 } })).toMatchObject(amber);
    // A status after it, but still holding events.
    expect(lagCell({ ...backfilled, lastStatusTs: T + 30_000, backlog: { queued: 12, oldestQueuedAgeMs: 30_000, outboxDropped: 0 } })).toMatchObject(amber);
    // No backlog figure (an older agent), or offline.
    expect(lagCell({ ...backfilled, lastStatusTs: T + 30_000, backlog: null })).toMatchObject(amber);
    expect(lagCell({ ...backfilled, state: "offline", lastStatusTs: T + 30_000, backlog: { queued: 0, oldestQueuedAgeMs: null, outboxDropped: 0 } })).toMatchObject(amber);
  });
  it("shows a small lag as it is, and none as a dash", () => {
    expect(lagCell({ lagMs: 420, lastEventTs: T, lastStatusTs: T + 30_000, state: "online", backlog: { queued: 0, oldestQueuedAgeMs: null, outboxDropped: 0 } })).toMatchObject({ text: "420 ms", warn: false });
    expect(lagCell({ lagMs: null, lastEventTs: null, lastStatusTs: T, state: "online", backlog: null })).toMatchObject({ text: "–", warn: false });
  });
});

describe("silentNote", () => {
  const NOW = Date.UTC(2026, 11, 5, 12, 0);
  it("says an agent flagged silent was last heard from how long ago, and after how long it is flagged", () => {
    const note = silentNote({ problems: ["silent"], lastHeardAt: NOW - 5 * 60_000, statusEveryMs: null }, NOW);
    expect(note?.text).toBe("silent: last heard 5 min ago");
    expect(note?.title).toMatch(/for over 1 min 30 s: 3 of its status intervals \(every 30 s, the default\)/);
    expect(silentNote({ problems: ["silent", "clock"], lastHeardAt: null, statusEveryMs: 300_000 }, NOW)).toMatchObject({ text: "silent: never heard live", title: expect.stringMatching(/over 15 min 00 s: 3 of its status intervals \(every 5 min 00 s, as it says\)/) });
  });
  it("is nothing when the server does not flag it (whatever the browser's clock says)", () => {
    expect(silentNote({ problems: [], lastHeardAt: NOW - 3_600_000 }, NOW)).toBeNull();
    expect(silentNote({ lastHeardAt: NOW - 3_600_000 }, NOW)).toBeNull();
  });
});
