import { dayOf } from "../model/range.js";

/** Saves text as a file the browser downloads (CSV exports). */
export function downloadText(name: string, text: string, type: string): void {
  const blob = new Blob([text], { type });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** A CSV export of a view: `footfall-<store>-<first day>_<last day>-<what>.csv` (days in the store's zone), UTF-8 with the BOM the text carries. */
export function downloadCsv(store: string, range: { from: number; to: number }, timeZone: string, what: string, csv: string): void {
  downloadText(`footfall-${store}-${dayOf(range.from, timeZone)}_${dayOf(range.to - 1, timeZone)}-${what}.csv`, csv, "text/csv;charset=utf-8");
}
