import { describe, expect, it } from "vitest";
import { EventIds, bootIdAt } from "./ids.js";

describe("EventIds", () => {
  it("writes agent, boot id and a 9-digit sequence", () => {
    const ids = new EventIds("cam-1", () => 1_700_000_000_000);
    expect(ids.next()).toBe(`cam-1:${bootIdAt(1_700_000_000_000)}:000000000`);
    expect(ids.next()).toMatch(/^cam-1:[0-9a-z]{8}:000000001$/);
  });

  it("sorts in emission order within a boot", () => {
    const ids = new EventIds("a", () => 1_700_000_000_000);
    const list = Array.from({ length: 1200 }, () => ids.next());
    expect([...list].sort()).toEqual(list);
  });

  it("stays unique and ordered across restarts", () => {
    const first = new EventIds("a", () => 1_700_000_000_000);
    const second = new EventIds("a", () => 1_700_000_005_000);
    const a = [first.next(), first.next()];
    const b = [second.next()];
    expect(new Set([...a, ...b]).size).toBe(3);
    expect(b[0]! > a[1]!).toBe(true);
  });

  it("takes a new boot id instead of overflowing the sequence", () => {
    let now = 1_700_000_000_000;
    const ids = new EventIds("a", () => now, 999_999_999);
    const last = ids.next();
    now += 1;
    const next = ids.next();
    expect(last.endsWith(":999999999")).toBe(true);
    expect(next.endsWith(":000000000")).toBe(true);
    expect(next > last).toBe(true);
  });

  it("keeps boot ids at 8 characters so they sort as text", () => {
    expect(bootIdAt(Date.UTC(2025, 0, 1))).toHaveLength(8);
    expect(bootIdAt(Date.UTC(2050, 0, 1))).toHaveLength(8);
    expect(bootIdAt(Date.UTC(2025, 0, 1)) < bootIdAt(Date.UTC(2050, 0, 1))).toBe(true);
  });
});
