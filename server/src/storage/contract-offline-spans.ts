/**
 * The storage contract of migration 24 (agents' offline spans, the forecast's ended outages): called
 * by ./contract.ts for every adapter.
 */
import { expect } from "vitest";
import type { Storage } from "./types.js";

const T0 = Date.UTC(2026, 10, 30, 8);
const H = 3_600_000;

export function offlineSpansContract(test: (title: string, fn: (s: Storage) => Promise<void>) => void): void {
  test("an agent's outage is kept after it ended: offline opens a span, online closes it, per store and agent", async (s) => {
    await s.offlineSpans.wentOffline("shop", "door-1", T0);
    await s.offlineSpans.wentOffline("shop", "door-1", T0 + H); // a repeated offline: the span stays open from T0
    await s.offlineSpans.wentOffline("other", "door-1", T0 + 2 * H);
    expect(await s.offlineSpans.list("shop", T0 - H, T0 + 48 * H)).toEqual([{ agent: "door-1", from: T0, to: null }]);
    await s.offlineSpans.cameOnline("shop", "door-1", T0 + 24 * H);
    await s.offlineSpans.cameOnline("shop", "door-1", T0 + 25 * H); // online again: nothing open, nothing changes
    await s.offlineSpans.cameOnline("shop", "cam-1", T0); // never offline: nothing
    await s.offlineSpans.wentOffline("shop", "door-1", T0 + 30 * H);
    await s.offlineSpans.wentOffline("shop", "cam-1", T0 + 2 * H);
    await s.offlineSpans.cameOnline("shop", "cam-1", T0 + H); // its clock behind: the span ends where it began, never before
    expect(await s.offlineSpans.list("shop", T0 - H, T0 + 48 * H)).toEqual([
      { agent: "cam-1", from: T0 + 2 * H, to: T0 + 2 * H },
      { agent: "door-1", from: T0, to: T0 + 24 * H },
      { agent: "door-1", from: T0 + 30 * H, to: null },
    ]);
    expect(await s.offlineSpans.list("other", T0 - H, T0 + 48 * H)).toEqual([{ agent: "door-1", from: T0 + 2 * H, to: null }]);
  });

  test("lists the spans overlapping the range asked; retention deletes only those that ended before its horizon", async (s) => {
    await s.offlineSpans.wentOffline("shop", "door-1", T0);
    await s.offlineSpans.cameOnline("shop", "door-1", T0 + H);
    await s.offlineSpans.wentOffline("shop", "door-1", T0 + 10 * H);
    await s.offlineSpans.cameOnline("shop", "door-1", T0 + 12 * H);
    await s.offlineSpans.wentOffline("shop", "door-2", T0 + 2 * H);
    expect((await s.offlineSpans.list("shop", T0 + H, T0 + 10 * H)).map((x) => [x.agent, x.from])).toEqual([["door-2", T0 + 2 * H]]);
    expect((await s.offlineSpans.list("shop", T0 + 11 * H, T0 + 11 * H + 1)).map((x) => [x.agent, x.from])).toEqual([
      ["door-1", T0 + 10 * H],
      ["door-2", T0 + 2 * H],
    ]);
    expect(await s.offlineSpans.prune(T0 + 11 * H)).toBe(1);
    expect(await s.offlineSpans.list("shop", 0, T0 + 100 * H)).toEqual([
      { agent: "door-1", from: T0 + 10 * H, to: T0 + 12 * H },
      { agent: "door-2", from: T0 + 2 * H, to: null },
    ]);
  });
}
