/** `footfall-edge chain --part k/n`: n processes simulate the whole chain between them, no store twice. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { InvalidArgumentError } from "commander";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parsePart, partOf, readLeftInside } from "./cli.js";
import { chainStores } from "./stores.js";

describe("partOf", () => {
  it("splits any chain into n disjoint parts that together are the chain, each in the chain's order", () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 300 }), fc.integer({ min: 1, max: 12 }), (items, n) => {
        const stores = items.map((value, i) => ({ i, value }));
        const parts = Array.from({ length: n }, (_, j) => partOf(stores, { k: j + 1, n }));
        // Reference: store i belongs to exactly one part, and that part's order is the chain's.
        const seen = parts.flat().map((s) => s.i).sort((a, b) => a - b);
        expect(seen).toEqual(stores.map((s) => s.i));
        for (const part of parts) expect(part.map((s) => s.i)).toEqual([...part.map((s) => s.i)].sort((a, b) => a - b));
        // Sizes differ by at most one: the load is shared evenly.
        const sizes = parts.map((p) => p.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it("gives each of two processes stores of every format", () => {
    const stores = chainStores({ count: 200, seed: 1 });
    const formats = (xs: typeof stores) => new Set(xs.map((s) => s.format));
    expect(formats(partOf(stores, { k: 1, n: 2 }))).toEqual(formats(stores));
    expect(formats(partOf(stores, { k: 2, n: 2 }))).toEqual(formats(stores));
  });
});

describe("parsePart", () => {
  it("reads k/n", () => {
    expect(parsePart("1/2")).toEqual({ k: 1, n: 2 });
    expect(parsePart(" 3/3 ")).toEqual({ k: 3, n: 3 });
  });
  it.each(["0/2", "3/2", "1/0", "1", "a/b", "1/2/3", "-1/2"])("refuses %s with what to write", (value) => {
    expect(() => parsePart(value)).toThrow(InvalidArgumentError);
    expect(() => parsePart(value)).toThrow(/k\/n/);
  });
});

describe("readLeftInside", () => {
  const dir = mkdtempSync(join(tmpdir(), "footfall-left-inside-"));
  const file = (text: string) => {
    const f = join(dir, `${Math.random()}.json`);
    writeFileSync(f, text);
    return f;
  };
  it("reads each store's people left inside by a killed run", () => {
    const left = { ts: 1_796_000_000_000, exits: [{ zone: "bakery", visitor: "v1" }], doors: [{ zone: "entrance", out: 3 }] };
    expect(readLeftInside(file(JSON.stringify({ "store-0002": left })))).toEqual(new Map([["store-0002", left]]));
    expect(readLeftInside(file("{}"))).toEqual(new Map());
  });
  it("refuses a bad file with what is wrong and where", () => {
    expect(() => readLeftInside(join(dir, "missing.json"))).toThrow(/cannot read the left-inside file .*missing\.json \(ENOENT\)/);
    expect(() => readLeftInside(file("[]"))).toThrow(/expected a JSON object of store id/);
    expect(() => readLeftInside(file(JSON.stringify({ "store-0001": { ts: 1_796_000_000_000, exits: [], doors: [{ zone: "entrance", out: 0 }] } })))).toThrow(/"store-0001": .*out/);
    rmSync(dir, { recursive: true, force: true });
  });
});
