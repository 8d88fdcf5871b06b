/** A length of time in words, rounded down: `12 s`, `5 min`, `3 h`, `2 d`. */
export function formatSpan(ms: number): string {
  if (ms < 60_000) return `${Math.floor(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min`;
  if (ms < 86_400_000) return `${Math.floor(ms / 3_600_000)} h`;
  return `${Math.floor(ms / 86_400_000)} d`;
}

/**
 * How long ago `ts` was, relative to `now`: `just now`, `12 s ago`, `5 min ago`, `3 h ago`, `2 d ago`
 * (rounded down); `never` without a time. The web app's and `footfall agent list`'s words.
 */
export function formatAgo(ts: number | null | undefined, now: number): string {
  if (ts === null || ts === undefined || !Number.isFinite(ts)) return "never";
  const d = Math.max(0, now - ts);
  if (d < 5_000) return "just now";
  return `${formatSpan(d)} ago`;
}
