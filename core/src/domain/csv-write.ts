import { formatBucketStart } from "./calendar.js";
import { csvNumber, csvText } from "./csv-number.js";

/**
 * How every CSV export is written, the UI's and the server's (the views' Export CSV, `queues.csv`, an experiment's
 * `result.csv`, `/counts` for BI tools): RFC 4180 records ending in CRLF, fields quoted when they hold a comma, quote
 * or line break, text cells through `csvText` (no formula), numbers with their column's decimals (`csvNumber`).
 */

/** The line end of every CSV export (RFC 4180: CRLF), on the last record too. */
export const CSV_EOL = "\r\n";

/**
 * A time in a CSV export (a range's ends, a row's start or end): ISO 8601 in the store's zone with its offset, to
 * the whole second (`2026-11-22T09:48:05+01:00`, the milliseconds dropped), the same in every export of the UI and
 * the server, so that files of one range from several screens name it alike and can be pasted together.
 */
export function csvTime(ts: number, timeZone: string): string {
  return formatBucketStart(Math.floor(ts / 1000) * 1000, timeZone);
}

/** A column of a CSV export: its header and, for a column of figures, the decimals its numbers are written with (`csvDecimals`). A bare header is a column of text. */
export interface CsvColumn {
  readonly name: string;
  readonly decimals?: number;
}

/** A cell's value: text, a number, or nothing (an empty cell: no figure). */
export type CsvValue = string | number | null | undefined;

/**
 * One RFC 4180 field: quoted when it holds a comma, quote or line break, quotes doubled. A number
 * gets its column's `decimals` (as it is, in a column without any); no figure is an empty cell.
 */
export function csvField(value: CsvValue, decimals?: number): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return decimals === undefined ? (Number.isFinite(value) ? String(value) : "") : csvNumber(value, decimals);
  const safe = csvText(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One record with its line end: the cells as fields (`decimals[i]` for the i-th), joined by commas. */
export function csvRecord(cells: readonly CsvValue[], decimals: readonly (number | undefined)[] = []): string {
  return cells.map((v, i) => csvField(v, decimals[i])).join(",") + CSV_EOL;
}

/** CSV text: the header's names, then each row's cells with their column's decimals, every record ending in CRLF. */
export function toCsv(header: readonly (string | CsvColumn)[], rows: readonly (readonly CsvValue[])[]): string {
  const columns = header.map((h) => (typeof h === "string" ? { name: h } : h));
  const decimals = columns.map((c) => c.decimals);
  return csvRecord(columns.map((c) => c.name)) + rows.map((r) => csvRecord(r, decimals)).join("");
}
