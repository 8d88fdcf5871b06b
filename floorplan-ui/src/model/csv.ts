/** RFC 4180 CSV: fields with a comma, quote or line break are quoted, quotes doubled, CRLF line ends. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  const s = typeof value === "number" ? (Number.isInteger(value) ? String(value) : value.toFixed(3)) : value;
  // A leading = + - @ would run as a formula in a spreadsheet; prefix a quote (OWASP's advice for CSV injection).
  const safe = typeof value === "string" && /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(",")).join("\r\n") + "\r\n";
}

/** The byte-order mark Excel needs to read a CSV file as UTF-8 (names with accents, "–"). */
export const BOM = "\uFEFF";

/** CSV text for a file people open in a spreadsheet: a BOM, then `toCsv`. */
export function toCsvFile(header: readonly string[], rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  return BOM + toCsv(header, rows);
}
