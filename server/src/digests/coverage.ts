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

/** A store's open hours nobody counted at its entrance in one period: the chain overview's `outages` (../chain/outages.ts). */
export interface StoreOutage {
  store: string;
  hours: number;
  spans: readonly { from: number; to: number }[];
}

/** "Mon 30 Nov 14:00–18:00" in `tz` (both ends with their day when it runs past midnight). */
function spanText(g: { from: number; to: number }, tz: string): string {
  const a = dayTime(g.from, tz);
  const b = dayTime(g.to, tz);
  return a.slice(0, -6) === b.slice(0, -6) || b.endsWith(" 00:00") ? `${a}–${b.slice(-5)}` : `${a} to ${b}`;
}

/**
 * What the digest says when a store's entrance was counted by no agent for some open hours of either
 * period (its camera or door counter offline: "" when none was): which hours, and that the figures are
 * not compared, since the hours nobody counted would read as fewer shoppers (or the return as growth).
 */
export function outageNote(periodWord: string, prevWord: string, scope: "store" | "group", now: readonly StoreOutage[], before: readonly StoreOutage[], storeCount: number, tz: string): string {
  if (now.length === 0 && before.length === 0) return "";
  const spans = (o: StoreOutage) => `${o.hours} h, ${o.spans.slice(0, 2).map((g) => spanText(g, tz)).join(", ")}${o.spans.length > 2 ? ` and ${o.spans.length - 2} more` : ""}`;
  const which = (list: readonly StoreOutage[], word: string) =>
    list.length === 0 ? null : scope === "store" ? `${word} (${spans(list[0]!)})` : `${word} at ${list.length} of the ${storeCount} stores (${list.slice(0, NAMED).map((o) => `${o.store}: ${spans(o)}`).join("; ")}${list.length > NAMED ? ` and ${list.length - NAMED} more` : ""})`;
  const parts = [which(now, periodWord), which(before, prevWord)].filter((x): x is string => x !== null);
  const whose = scope === "store" ? "This store's entrance" : "A store's entrance";
  return `Not counted: ${whose} was counted by no agent (offline) for some open hours of ${parts.join(" and of ")}: those hours are short by what nobody counted, so ${periodWord} is not compared with ${prevWord}.`;
}
