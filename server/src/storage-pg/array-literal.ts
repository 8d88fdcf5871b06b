/**
 * PostgreSQL array literals (`{"a","b",NULL}`) for the hot statements' `unnest($1::text[], ...)`
 * parameters, built here rather than by node-postgres. node-postgres escapes every element with two
 * regular expressions (and quotes numbers too): in a chain server's CPU profile its array building
 * was 7 % of the ingest thread. Here a column of numbers is one `join`, a string is quoted as it is
 * unless it holds a quote or a backslash (then those are escaped): a column of 5,000 events' stores,
 * ids, timestamps or visitors takes 0.3-1.0 of node-postgres's time (test/bench/pg-arrays.mjs; BENCHMARKS,
 * issue 12, session 12).
 *
 * An element is NULL (null or undefined), a number or bigint, a boolean, a string, or a Buffer
 * (bytea, in hex). A nested array is refused (no statement passes one).
 */

/** A string element, quoted, with `"` and `\` escaped: the only characters a quoted element escapes. */
const quoted = (s: string): string => (s.includes('"') || s.includes("\\") ? `"${s.replace(/[\\"]/g, "\\$&")}"` : `"${s}"`);

function element(v: unknown): string {
  if (v === null || v === undefined) return "NULL";
  switch (typeof v) {
    case "string":
      return quoted(v);
    case "number":
    case "bigint":
      return String(v);
    case "boolean":
      return v ? "t" : "f";
  }
  // bytea's hex form (`\x0a1b`), its backslash escaped inside the quoted element.
  if (Buffer.isBuffer(v)) return `"\\\\x${v.toString("hex")}"`;
  throw new TypeError(`array literal: an element of type ${Array.isArray(v) ? "array" : typeof v} is not supported`);
}

/** The array literal of `values` (see the module's comment for the elements it takes). */
export function arrayLiteral(values: readonly unknown[]): string {
  const n = values.length;
  if (n === 0) return "{}";
  let numbers = true;
  for (let i = 0; i < n && numbers; i++) if (typeof values[i] !== "number") numbers = false;
  if (numbers) return `{${values.join(",")}}`;
  // Concatenated (V8 joins the pieces once, when the text is written): a join with a separator of
  // several characters, or a scan of all the text first, made a column of 5,000 event ids slower than
  // node-postgres (each makes a string of over 128 KiB, which V8 allocates apart).
  let out = "{";
  for (let i = 0; i < n; i++) out += (i > 0 ? "," : "") + element(values[i]);
  return out + "}";
}
