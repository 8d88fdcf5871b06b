import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nonFiniteField, nonFiniteMessage } from "./finite-numbers.js";

/** A JSON value (finite numbers only) with `hole` put somewhere in it, and the path to where it went. */
const withHole = (hole: number) =>
  fc.jsonValue({ maxDepth: 4 }).chain((base) =>
    fc.array(fc.oneof(fc.string({ minLength: 1, maxLength: 5 }), fc.nat(3)), { maxLength: 4 }).map((keys) => {
      // Build the path from the top: each key becomes an object key, or an array index.
      const root: Record<string, unknown> = { base };
      let at: Record<string, unknown> | unknown[] = root;
      const path = ["body"];
      for (const k of keys) {
        const next: Record<string, unknown> | unknown[] = typeof k === "number" ? [] : {};
        if (Array.isArray(at)) {
          at.push(next);
          path.push(String(at.length - 1));
        } else {
          at[String(k)] = next;
          path.push(String(k));
        }
        at = next;
      }
      if (Array.isArray(at)) {
        at.push(hole);
        path.push(String(at.length - 1));
      } else {
        at.hole = hole;
        path.push("hole");
      }
      return { value: root, path };
    }),
  );

describe("nonFiniteField", () => {
  it("finds the one infinite number wherever it is, and its path", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(Infinity, -Infinity, Number.NaN).chain((hole) => withHole(hole)),
        ({ value, path }) => {
          expect(nonFiniteField({ body: value })).toEqual(path);
        },
      ),
    );
  });

  it("finds nothing in JSON (whose numbers are finite), text or nothing", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(nonFiniteField({ querystring: v, params: {}, body: undefined })).toBeNull();
      }),
    );
    expect(nonFiniteField({ body: "1e309", querystring: { limit: "Infinity" } })).toBeNull();
  });

  it("names a query key, and an element of a repeated one", () => {
    expect(nonFiniteField({ querystring: { from: "2026-11-20", limit: Infinity } })).toEqual(["querystring", "limit"]);
    expect(nonFiniteField({ querystring: { limit: [5, -Infinity] } })).toEqual(["querystring", "limit", "1"]);
  });

  it("walks a body nested 100,000 deep without overflowing the stack", () => {
    let deep: unknown = Infinity;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(nonFiniteField({ body: deep })?.length).toBe(100_001);
  });
});

describe("nonFiniteMessage", () => {
  const schema = {
    type: "object",
    properties: {
      limit: { type: "integer", minimum: 1, maximum: 500 },
      before: { type: "integer", minimum: 1 },
      top: { type: "number", maximum: 9 },
      hand: { properties: { in: { type: "integer" } } },
    },
  };
  it("gives the bounds the schema has", () => {
    expect(nonFiniteMessage(["querystring", "limit"], schema)).toBe(
      "querystring/limit must be a finite number from 1 to 500 (1e309, Infinity and the like are not)",
    );
    expect(nonFiniteMessage(["querystring", "before"], schema)).toBe(
      "querystring/before must be a finite number of at least 1 (1e309, Infinity and the like are not)",
    );
    expect(nonFiniteMessage(["querystring", "top"], schema)).toBe(
      "querystring/top must be a finite number of at most 9 (1e309, Infinity and the like are not)",
    );
    expect(nonFiniteMessage(["body", "hand", "in"], schema)).toBe("body/hand/in must be a finite number (1e309, Infinity and the like are not)");
    expect(nonFiniteMessage(["body", "x", "0"], undefined)).toBe("body/x/0 must be a finite number (1e309, Infinity and the like are not)");
  });
});
