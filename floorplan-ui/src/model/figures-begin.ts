/**
 * A store whose figures begin inside the chain view's range (its counters started at 18:00 that day): the chain view
 * says so under its enters, as the digest that links to it says "this day is partial: this store's figures begin Sun 6
 * Dec 18:00" and the Report "This store's figures begin Sun 6 Dec, 18:00 CET: the range before that has no data", so a
 * manager opening a past day from the digest does not read its few hours' enters as a bad day.
 */
import type { OverviewStore } from "../api/chain.js";
import { figuresBegin, rangeIsPartial } from "./coverage.js";
import { formatDateTimeZ } from "./format.js";

/** What the note under a store's enters says and its title (the Report's words), or null. */
export interface BeginsNote {
  text: string;
  title: string;
}

/**
 * Under a store's enters when its figures begin inside `range` (the overview's range): from when they are whole (the
 * API's figuresWholeFrom, core's wholeFrom: a first day counted from the store's opening time is whole, as the digests
 * and the Report count it) lies after the range's start and before its end. It names the first hour counted
 * (figuresFrom, as every screen's "figures begin"): "Figures begin Sun 6 Dec, 18:00 CET". Null when the store was counted
 * through the range, has no figures in it, or the server does not answer figuresWholeFrom.
 */
export function beginsNote(store: Pick<OverviewStore, "figuresFrom" | "timezone"> & Partial<Pick<OverviewStore, "figuresWholeFrom">>, range: { from: number; to: number }): BeginsNote | null {
  const whole = store.figuresWholeFrom;
  if (whole === undefined || whole === null || !rangeIsPartial(range, { from: whole, now: range.to })) return null;
  const when = formatDateTimeZ(figuresBegin({ from: whole, now: range.to, first: store.figuresFrom })!, store.timezone);
  return { text: `Figures begin ${when}`, title: `This store's figures begin ${when}: the range before that has no data, so its figures cover only the rest of the range` };
}
