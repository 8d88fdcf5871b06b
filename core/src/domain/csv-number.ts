/**
 * How figures are written in CSV exports: one precision per kind of figure, the same in every
 * export (the UI's and the server's), so a spreadsheet reads "2351.27" for money, not "2351.270".
 *
 * - counts (visits, enters, trips, a store's transactions): whole numbers;
 * - a zone's transactions (`split`): 1 decimal, as the report's Zones table and the heatmap show
 *   them, since a sale naming a department of n zones counts 1/n of a transaction in each (a
 *   third reads 0.3, not 0);
 * - seconds (dwell, waits; columns ending `_s`): 1 decimal;
 * - shares (conversion, `share_of_*`, completion: a fraction from 0 to 1) and relative changes
 *   (`*_change`: 0.1234 for +12.34 %): 4 decimals, i.e. to 0.01 % (finer than any screen);
 * - changes in percentage points (`*_change_pts`): 2 decimals;
 * - money: the store's currency's minor units, at least 2 (`moneyDecimals`): cents for EUR,
 *   2 for JPY as on screen, 3 for KWD, so an amount reads as the till recorded it.
 */

/** The decimals of each kind of figure in a CSV export (money: `moneyDecimals`). */
export const CSV_DECIMALS = { count: 0, split: 1, seconds: 1, share: 4, change: 4, points: 2 } as const;

/** The kinds of figure a CSV column can hold. */
export type CsvFigure = keyof typeof CSV_DECIMALS | "money";

/** The decimals of money in `currency` (ISO 4217) in a CSV export: its minor units, at least 2 (2 without a currency or for one Intl does not know). */
export function moneyDecimals(currency?: string): number {
  if (!currency) return 2;
  try {
    const minor = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    return Math.max(2, Math.min(minor, 6));
  } catch {
    return 2;
  }
}

/** The decimals of `figure` (money in `currency`). */
export function csvDecimals(figure: CsvFigure, currency?: string): number {
  return figure === "money" ? moneyDecimals(currency) : CSV_DECIMALS[figure];
}

/**
 * A number as a CSV cell with exactly `decimals` decimals ("2351.27", "0.1250", "12"): a plain
 * decimal a spreadsheet reads as a number in any locale's CSV import that uses "." (no grouping, no
 * exponent below 1e21), never "-0", and "" (no data) for NaN and infinities.
 */
export function csvNumber(value: number, decimals: number): string {
  if (!Number.isFinite(value)) return "";
  const text = value.toFixed(decimals);
  // A tiny negative rounds to "-0.00": that is 0.
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

/**
 * Text for a CSV cell that a spreadsheet will not run as a formula: a leading `=`, `+`, `-`, `@`, tab
 * or carriage return gets a `'` before it (OWASP's advice on CSV injection). Every export writes its
 * text cells (names, notes, verdict texts) through it: the UI's and the server's.
 */
export function csvText(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
