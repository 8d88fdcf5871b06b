import { csvDecimals, toCsv, type CsvColumn, type CsvFigure, type CsvValue } from "@footfall/core";

// Fields, records and line ends are core's (csv-write.ts), the same in every export of the UI and the server.
export { csvField, toCsv, type CsvColumn } from "@footfall/core";

/** A column of figures of one kind (money in `currency`). */
export function figureColumn(name: string, figure: CsvFigure, currency?: string): CsvColumn {
  return { name, decimals: csvDecimals(figure, currency) };
}

/** The byte-order mark Excel needs to read a CSV file as UTF-8 (names with accents, "–"). */
export const BOM = "\uFEFF";

/** CSV text for a file people open in a spreadsheet: a BOM, then `toCsv`. */
export function toCsvFile(header: readonly (string | CsvColumn)[], rows: readonly (readonly CsvValue[])[]): string {
  return BOM + toCsv(header, rows);
}
