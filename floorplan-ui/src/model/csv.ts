import { csvDecimals, csvNumber, csvText, type CsvFigure } from "@footfall/core";

/**
 * A column of a CSV export: its header and, for a column of figures, the decimals its numbers are
 * written with (core's `csvNumber`: counts whole, seconds to 1 decimal, shares and relative changes
 * to 4, points to 2, money to the currency's minor units). A bare header is a column of text.
 */
export interface CsvColumn {
  readonly name: string;
  readonly decimals?: number;
}

/** A column of figures of one kind (money in `currency`). */
export function figureColumn(name: string, figure: CsvFigure, currency?: string): CsvColumn {
  return { name, decimals: csvDecimals(figure, currency) };
}

/**
 * One RFC 4180 field: quoted when it holds a comma, quote or line break, quotes doubled. A number
 * gets its column's `decimals` (as it is, in a column without any); no figure is an empty cell.
 */
export function csvField(value: string | number | null | undefined, decimals?: number): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return decimals === undefined ? (Number.isFinite(value) ? String(value) : "") : csvNumber(value, decimals);
  const safe = csvText(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** CSV text with CRLF line ends: the header's names, then each row's cells with their column's decimals. */
export function toCsv(header: readonly (string | CsvColumn)[], rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  const columns = header.map((h) => (typeof h === "string" ? { name: h } : h));
  const lines = [columns.map((c) => csvField(c.name)), ...rows.map((r) => r.map((v, i) => csvField(v, columns[i]?.decimals)))];
  return lines.map((l) => l.join(",")).join("\r\n") + "\r\n";
}

/** The byte-order mark Excel needs to read a CSV file as UTF-8 (names with accents, "–"). */
export const BOM = "\uFEFF";

/** CSV text for a file people open in a spreadsheet: a BOM, then `toCsv`. */
export function toCsvFile(header: readonly (string | CsvColumn)[], rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  return BOM + toCsv(header, rows);
}
