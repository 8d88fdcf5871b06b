import { describe, expect, it } from "vitest";
import type { FootfallEvent } from "@footfall/core";
import { MemoryOutbox } from "./outbox.js";

const ev = (i: number): FootfallEvent => ({ type: "count", id: `a:${i}`, ts: 1000 + i, zone: "door", in: 1, out: 0 }) as FootfallEvent;
const evs = (from: number, n: number): FootfallEvent[] => Array.from({ length: n }, (_, k) => ev(from + k));

describe("MemoryOutbox", () => {
  it("gives events back oldest first without removing them", () => {
    const box = new MemoryOutbox();
    box.push(evs(0, 5));
    expect(box.peek(3).map((e) => e.id)).toEqual(["a:0", "a:1", "a:2"]);
    expect(box.size()).toBe(5);
  });

  it("skips events already handed over", () => {
    const box = new MemoryOutbox();
    box.push(evs(0, 5));
    expect(box.peek(10, 3).map((e) => e.id)).toEqual(["a:3", "a:4"]);
  });

  it("removes only the acknowledged prefix", () => {
    const box = new MemoryOutbox();
    box.push(evs(0, 5));
    box.ack(2);
    expect(box.size()).toBe(3);
    expect(box.peek(1)[0]?.id).toBe("a:2");
    expect(box.oldestTs()).toBe(1002);
  });

  it("reports no oldest ts when empty", () => {
    const box = new MemoryOutbox();
    expect(box.oldestTs()).toBeNull();
    box.push(evs(0, 1));
    box.ack(1);
    expect(box.oldestTs()).toBeNull();
  });

  it("refuses to ack more than it holds", () => {
    const box = new MemoryOutbox();
    box.push(evs(0, 2));
    expect(() => box.ack(3)).toThrow(RangeError);
  });

  it("refuses events beyond its capacity and says how many it took", () => {
    const box = new MemoryOutbox(3);
    expect(box.push(evs(0, 5))).toBe(3);
    expect(box.push(evs(5, 1))).toBe(0);
    box.ack(1);
    expect(box.push(evs(6, 2))).toBe(1);
    expect(box.peek(10).map((e) => e.id)).toEqual(["a:1", "a:2", "a:6"]);
  });

  it("keeps order across compactions of a long-running queue", () => {
    const box = new MemoryOutbox();
    let next = 0;
    let expected = 0;
    for (let round = 0; round < 50; round++) {
      box.push(evs(next, 300));
      next += 300;
      const take = 250;
      const got = box.peek(take);
      expect(got[0]?.id).toBe(`a:${expected}`);
      box.ack(take);
      expected += take;
    }
    expect(box.size()).toBe(next - expected);
    expect(box.peek(1)[0]?.id).toBe(`a:${expected}`);
  });
});
