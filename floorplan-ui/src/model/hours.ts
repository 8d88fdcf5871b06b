import { localMidnight } from "@footfall/core";

/** Which chart slots fall entirely outside the store's opening hours (to shade them), as runs of slot indexes. */
export function closedRuns(slots: readonly { start: number; end: number }[], open: readonly { from: number; to: number }[] | null | undefined): [number, number][] {
  if (!open) return [];
  const runs: [number, number][] = [];
  slots.forEach((s, i) => {
    const closed = !open.some((o) => o.from < s.end && s.start < o.to);
    if (!closed) return;
    const last = runs[runs.length - 1];
    if (last && last[1] === i - 1) last[1] = i;
    else runs.push([i, i]);
  });
  return runs;
}

/**
 * Why "today so far" has no visits yet, by the store's opening hours: before the store opens it
 * says so and when ("The store has not opened yet today: it opens at 08:00 …"), or that it is closed
 * all day. `range` is a range of at most a day (25 hours: a day the clocks go back) that ends at
 * `now`; `open` the store's open intervals from its start to the end of its local day at least (GET
 * .../hours/open), null without hours (always open). Null when the store has been open within the
 * range (then no visits is news, said with the usual words), for any other range, or without hours.
 */
export function notOpenYet(open: readonly { from: number; to: number }[] | null | undefined, range: { from: number; to: number }, now: number, timeZone: string): { text: string; opensAt: number | null } | null {
  if (!open || range.to !== now || !(range.to > range.from) || range.to - range.from > 25 * 3_600_000) return null;
  if (open.some((iv) => iv.from < range.to && iv.to > range.from)) return null;
  const dayEnd = localMidnight(range.from + 1, timeZone, 1);
  const next = open.find((iv) => iv.from >= now && iv.from < dayEnd);
  if (!next) return { text: "The store is closed all day today (its opening hours), so there are no visits.", opensAt: null };
  const time = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(next.from);
  return { text: `The store has not opened yet today: it opens at ${time} (its opening hours), so there are no visits yet.`, opensAt: next.from };
}
