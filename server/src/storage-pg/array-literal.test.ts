/**
 * The hot statements' array parameters are literals built by arrayLiteral, not by node-postgres: what
 * PostgreSQL reads back from one must be the array it was built from, whatever its strings hold
 * (quotes, backslashes, braces, commas, spaces, the word NULL, any Unicode), with NULLs, numbers and
 * bytea. Checked against the real server, for arbitrary arrays.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { usePostgres } from "../../../test/support/postgres.js";
import { arrayLiteral } from "./array-literal.js";
import { createPgPool } from "./pool.js";

const server = usePostgres();

const pool = () => {
  const p = createPgPool(server.database(), { max: 1 });
  server.onClose(() => p.end());
  return p;
};

/** Strings made of the characters an array literal treats specially, and any other text (PostgreSQL's text holds no NUL). */
const text = fc
  .array(fc.oneof(fc.constantFrom('"', "\\", ",", "{", "}", " ", "\t", "\n", "NULL", "null", "'", "é", "😀", ""), fc.string({ unit: "grapheme" })), { maxLength: 6 })
  .map((parts) => parts.join("").replaceAll("\u0000", ""));

describe("arrayLiteral (PostgreSQL array parameters built here)", () => {
  it("PostgreSQL reads back every text[] it builds: strings with any characters, and NULLs", async () => {
    const db = pool();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.option(text, { nil: null, freq: 5 }), { maxLength: 20 }), async (values) => {
        const { rows } = await db.query<{ a: (string | null)[] }>("SELECT $1::text[] AS a", [arrayLiteral(values)]);
        expect(rows[0]!.a).toEqual(values);
      }),
      { numRuns: 200 },
    );
  });

  it("reads back numbers (float8[] and bigint[] as text), NULLs among them, and bytea[]", async () => {
    const db = pool();
    const double = fc.double().filter((d) => !Object.is(d, -0));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.option(double, { nil: null }), { maxLength: 20 }), async (values) => {
        const { rows } = await db.query<{ a: (number | null)[] }>("SELECT $1::float8[] AS a", [arrayLiteral(values)]);
        expect(rows[0]!.a).toEqual(values);
      }),
      { numRuns: 100 },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.maxSafeInteger(), { maxLength: 20 }), async (values) => {
        const { rows } = await db.query<{ a: string | null }>("SELECT array_to_string($1::bigint[], ',') AS a", [arrayLiteral(values)]);
        expect(rows[0]!.a).toBe(values.join(","));
      }),
      { numRuns: 100 },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.option(fc.uint8Array({ maxLength: 16 }), { nil: null }), { maxLength: 10 }), async (values) => {
        const { rows } = await db.query<{ a: (Buffer | null)[] }>("SELECT $1::bytea[] AS a", [arrayLiteral(values.map((v) => (v ? Buffer.from(v) : v)))]);
        expect(rows[0]!.a.map((b) => (b ? [...b] : null))).toEqual(values.map((v) => (v ? [...v] : null)));
      }),
      { numRuns: 50 },
    );
  });

  it("builds the literal for each kind of element; other elements are refused with the type named", () => {
    expect(arrayLiteral([])).toBe("{}");
    expect(arrayLiteral(["store-1", "a:b:000000001"])).toBe('{"store-1","a:b:000000001"}');
    expect(arrayLiteral([1, 2.5, -3])).toBe("{1,2.5,-3}");
    expect(arrayLiteral(['say "hi"', "a\\b", null, 7, true])).toBe('{"say \\"hi\\"","a\\\\b",NULL,7,t}');
    expect(() => arrayLiteral([["nested"]])).toThrow(/element of type array/);
    expect(() => arrayLiteral([{}])).toThrow(/element of type object/);
  });
});
