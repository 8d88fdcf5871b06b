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
