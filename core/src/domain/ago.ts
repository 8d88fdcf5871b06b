/**
 * How long ago `ts` was, relative to `now`: `just now`, `12 s ago`, `5 min ago`, `3 h ago`, `2 d ago`
 * (rounded down); `never` without a time. The web app's and `footfall agent list`'s words.
 */
export function formatAgo(ts: number | null | undefined, now: number): string {
  if (ts === null || ts === undefined || !Number.isFinite(ts)) return "never";
  const d = Math.max(0, now - ts);
  if (d < 5_000) return "just now";
  if (d < 60_000) return `${Math.floor(d / 1000)} s ago`;
  if (d < 3_600_000) return `${Math.floor(d / 60_000)} min ago`;
  if (d < 86_400_000) return `${Math.floor(d / 3_600_000)} h ago`;
  return `${Math.floor(d / 86_400_000)} d ago`;
}
