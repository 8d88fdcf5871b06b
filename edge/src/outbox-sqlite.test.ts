import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { FootfallEvent } from "@footfall/core";
import { SqliteOutbox, readOutboxFile } from "./outbox-sqlite.js";

const ev = (i: number): FootfallEvent => ({ type: "count", id: `a:${String(i).padStart(9, "0")}`, ts: 1000 + i, zone: "door", in: 1, out: 0 }) as FootfallEvent;
const evs = (from: number, n: number): FootfallEvent[] => Array.from({ length: n }, (_, k) => ev(from + k));
const ids = (events: FootfallEvent[]) => events.map((e) => Number(e.id.slice(2)));

let dirs: string[] = [];
const file = () => {
  const dir = mkdtempSync(join(tmpdir(), "outbox-test-"));
  dirs.push(dir);
  return join(dir, "nested", "a.outbox.sqlite");
};
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

describe("SqliteOutbox", () => {
  it("gives events back oldest first, skipping those handed over, without removing them", () => {
    const box = new SqliteOutbox({ path: file(), maxEvents: 1000 });
    box.push(evs(0, 5));
    expect(ids(box.peek(3))).toEqual([0, 1, 2]);
    expect(ids(box.peek(10, 3))).toEqual([3, 4]);
    expect(box.size()).toBe(5);
    box.close();
  });

  it("removes only the acknowledged prefix and follows the oldest ts", () => {
    const box = new SqliteOutbox({ path: file(), maxEvents: 1000 });
    expect(box.oldestTs()).toBeNull();
    box.push(evs(0, 5));
    expect(box.oldestTs()).toBe(1000);
    box.ack(2);
    expect(box.size()).toBe(3);
    expect(ids(box.peek(1))).toEqual([2]);
    expect(box.oldestTs()).toBe(1002);
    expect(() => box.ack(4)).toThrow(RangeError);
    box.close();
  });

  it("keeps unacknowledged events, in order, across a reopen", () => {
    const path = file();
    const box = new SqliteOutbox({ path, maxEvents: 1000 });
    box.push(evs(0, 10));
    box.ack(4);
    box.close();
    const again = new SqliteOutbox({ path, maxEvents: 1000 });
    expect(again.size()).toBe(6);
    expect(ids(again.peek(100))).toEqual([4, 5, 6, 7, 8, 9]);
    again.push(evs(10, 2));
    expect(ids(again.peek(100))).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
    expect(again.stats()).toMatchObject({ written: 12, lastId: "a:000000011", dropped: 0 });
    again.close();
  });

  it("drops the oldest unsent events when full, counts them, and keeps the count across a reopen", () => {
    const path = file();
    const drops: number[] = [];
    const box = new SqliteOutbox({ path, maxEvents: 1000, onDrop: (n) => drops.push(n) });
    box.push(evs(0, 1000));
    expect(box.push(evs(1000, 10))).toBe(10);
    expect(box.size()).toBe(1000);
    expect(ids(box.peek(2))).toEqual([10, 11]);
    expect(box.stats().dropped).toBe(10);
    expect(drops).toEqual([10]);
    box.close();
    expect(readOutboxFile(path)).toMatchObject({ dropped: 10, queued: 1000, written: 1010 });
  });

  it("never drops events in flight: it drops after them, and refuses only when all are in flight", () => {
    let pinned = 3;
    const box = new SqliteOutbox({ path: file(), maxEvents: 1000, pinned: () => pinned });
    box.push(evs(0, 1000));
    box.push(evs(1000, 2));
    expect(ids(box.peek(5))).toEqual([0, 1, 2, 5, 6]);
    pinned = 1000;
    expect(box.push(evs(1002, 1))).toBe(0);
    expect(box.size()).toBe(1000);
    box.close();
  });

  it("refuses a second process on the same file", () => {
    const path = file();
    const box = new SqliteOutbox({ path, maxEvents: 1000 });
    box.push(evs(0, 1));
    expect(() => new SqliteOutbox({ path, maxEvents: 1000, busyTimeoutMs: 50 })).toThrow(/in use by another process/);
    box.close();
  });
});
