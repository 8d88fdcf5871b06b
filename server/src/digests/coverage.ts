/**
 * Whether a digest's period before is covered by its stores' figures, with core's definition of
 * coverage (the heatmap's "previous period is partial"): a store whose figures begin inside the
 * period covers only part of it, and a change against it would overstate growth; a first day counted
 * from the store's opening time is whole (core's `wholeFrom`).
 */
import { localTime, rangeIsPartial } from "@footfall/core";

export interface StoreStart {
  store: string;
  /** When the store's figures begin (`storeDataStart`); null when nothing was counted yet. */
  from: number | null;
  /**
   * From when they are whole (core's `wholeFrom`: the start of the first day when it was counted from
   * its opening time); `from` when not given.
   */
  whole?: number | null;
}

/**
 * The stores whose figures begin inside `range` (they cover only its end), in the order given: a
 * range starting before they are whole; a first day counted from the store's opening time is whole.
 */
export function partialStores(range: { from: number; to: number }, starts: readonly StoreStart[]): { store: string; from: number }[] {
  return starts.flatMap((s) => {
    const whole = s.whole === undefined ? s.from : s.whole;
    return s.from !== null && whole !== null && rangeIsPartial(range, { from: whole, now: range.to }) ? [{ store: s.store, from: s.from }] : [];
  });
}

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
/** "Tue 24 Nov 14:00" in `tz`. */
export function dayTime(ts: number, tz: string): string {
  const t = localTime(ts, tz);
  return `${WEEKDAYS[t.weekday - 1]} ${t.day} ${MONTHS[t.month - 1]} ${String(t.hour).padStart(2, "0")}:${String(t.minute).padStart(2, "0")}`;
}

/** A group's partial stores named at most (the others counted). */
const NAMED = 3;

/**
 * What the digest says when its period before is partial ("" when it is not): a store's digest
 * names when the store's figures begin; a group's, how many of its stores begin during it, and when (the first three named).
 */
export function partialNote(prevWord: string, scope: "store" | "group", partial: readonly { store: string; from: number }[], storeCount: number, tz: string): string {
  if (partial.length === 0) return "";
  const head = `${prevWord[0]!.toUpperCase()}${prevWord.slice(1)} is partial:`;
  const tail = "its figures are marked (partial) and not compared.";
  if (scope === "store") return `${head} this store's figures begin ${dayTime(partial[0]!.from, tz)}, so ${tail}`;
  const named = partial.slice(0, NAMED).map((p) => `${p.store} from ${dayTime(p.from, tz)}`);
  const which = partial.length > NAMED ? `${named.join(", ")} and ${partial.length - NAMED} more` : named.join(", ");
  return `${head} the figures of ${partial.length} of the ${storeCount} stores begin during it (${which}), so ${tail}`;
}

/**
 * What the digest says when its own period is partial ("" when it is not): a store whose figures
 * begin inside it has nothing in the period before to be compared with, and a group with such a
 * store would show its figures as growth. `periodWord`: "this day" or "this week".
 */
export function currentNote(periodWord: string, prevWord: string, scope: "store" | "group", partial: readonly { store: string; from: number }[], storeCount: number, tz: string): string {
  if (partial.length === 0) return "";
  const head = `${periodWord[0]!.toUpperCase()}${periodWord.slice(1)} is partial:`;
  const tail = `so it is not compared with ${prevWord}.`;
  if (scope === "store") return `${head} this store's figures begin ${dayTime(partial[0]!.from, tz)}, ${tail}`;
  const named = partial.slice(0, NAMED).map((p) => `${p.store} from ${dayTime(p.from, tz)}`);
  const which = partial.length > NAMED ? `${named.join(", ")} and ${partial.length - NAMED} more` : named.join(", ");
  return `${head} the figures of ${partial.length} of the ${storeCount} stores begin during it (${which}), ${tail}`;
}
