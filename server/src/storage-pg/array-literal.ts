/**
 * PostgreSQL array literals (`{"a","b",NULL}`) for the hot statements' `unnest($1::text[], ...)`
 * parameters, built here rather than by node-postgres. node-postgres escapes every element with two
 * regular expressions (and quotes numbers too): in a chain server's CPU profile its array building
 * was 7 % of the ingest thread. Here a column of plain strings or numbers is one `join`, and only an
 * element with a quote or a backslash is escaped.
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
  let strings = true;
  let numbers = true;
  for (let i = 0; i < n && (strings || numbers); i++) {
    const t = typeof values[i];
    if (t !== "string") strings = false;
    if (t !== "number") numbers = false;
  }
  if (numbers) return `{${values.join(",")}}`;
  if (strings) {
    // One scan of all the text for the two characters that need escaping: without them, one join.
    const all = values.join("");
    if (!all.includes('"') && !all.includes("\\")) return `{"${values.join('","')}"}`;
  }
  let out = "{";
  for (let i = 0; i < n; i++) out += (i > 0 ? "," : "") + element(values[i]);
  return out + "}";
}
