/**
 * An agent's clock offset, from its status messages (docs/DESIGN.md, "Agent clock offset").
 *
 * A status is stamped `ts` by the agent's clock when it is published and reaches the server `d` ms
 * later (network, broker, a queue behind commits; d >= 0). With the agent's clock `skew` ms ahead of
 * the server's (negative: behind), one status gives `ts - receivedAt = skew - d`: a lower bound of
 * the skew. The estimate is the largest of these bounds over the live statuses of the last
 * {@link CLOCK_WINDOW_MS} (the one that waited least), so a status that sat in a backlog (large d)
 * does not make a clock look behind while a prompt one came with it. Only statuses received live are
 * samples: a retained one replayed at subscribe time, or a last will (stamped when the agent
 * connected), is old, not skewed.
 */

/** One live status: when the server received it (its clock) and `status.ts - receivedAt`. */
export interface ClockSample {
  at: number;
  offsetMs: number;
}

/** Samples older than this before the newest are dropped: a clock set right (NTP back) shows within this. */
export const CLOCK_WINDOW_MS = 10 * 60_000;
/** At most this many samples are kept (agents send a status every 30 s: a window's worth). */
export const CLOCK_MAX_SAMPLES = 24;
/** The default of FOOTFALL_CLOCK_WARN_MS: an agent whose clock is off by more than this is flagged. */
export const DEFAULT_CLOCK_WARN_MS = 30_000;

/**
 * Whether an offset is flagged: further from 0 than `warnMs` (FOOTFALL_CLOCK_WARN_MS, default
 * {@link DEFAULT_CLOCK_WARN_MS}); an offset not measured yet (null) is not. The Agents view and
 * `footfall agent list` both flag by this.
 */
export function clockOffWarns(offsetMs: number | null | undefined, warnMs: number): boolean {
  return offsetMs !== null && offsetMs !== undefined && Number.isFinite(offsetMs) && Math.abs(offsetMs) > warnMs;
}

/** `offsetMs` in words: "12 s ahead", "2 min behind", "3 h ahead"; under a second, "in step" (the Agents view's and `footfall agent list`'s words). */
export function formatClockOffset(offsetMs: number): string {
  const abs = Math.abs(offsetMs);
  if (abs < 1000) return "in step";
  const way = offsetMs > 0 ? "ahead" : "behind";
  if (abs < 90_000) return `${Math.round(abs / 1000)} s ${way}`;
  const min = Math.round(abs / 60_000);
  return min < 120 ? `${min} min ${way}` : `${Math.round(min / 60)} h ${way}`;
}

/**
 * The samples after one more: those within {@link CLOCK_WINDOW_MS} before the newest, at most
 * {@link CLOCK_MAX_SAMPLES} (the newest), ordered by `at`. A sample with a non-finite value is ignored.
 */
export function addClockSample(samples: readonly ClockSample[], sample: ClockSample): ClockSample[] {
  const all = Number.isFinite(sample.at) && Number.isFinite(sample.offsetMs) ? [...samples, sample] : [...samples];
  all.sort((a, b) => a.at - b.at);
  const newest = all.length ? all[all.length - 1]!.at : 0;
  return all.filter((s) => s.at > newest - CLOCK_WINDOW_MS).slice(-CLOCK_MAX_SAMPLES);
}

/** The estimated offset (agent clock minus server clock, ms; positive: the agent is ahead), or null without samples. */
export function clockOffset(samples: readonly ClockSample[]): number | null {
  let best: number | null = null;
  for (const s of samples) if (best === null || s.offsetMs > best) best = s.offsetMs;
  return best;
}

/**
 * The stored samples (as {@link encodeClockSamples} wrote them, or null) after one more live status stamped
 * `statusTs` and received at `receivedAt`: what each storage adapter writes back.
 */
export function storedWithStatus(stored: string | null | undefined, statusTs: number, receivedAt: number): string {
  return encodeClockSamples(addClockSample(decodeClockSamples(stored), { at: receivedAt, offsetMs: statusTs - receivedAt }));
}

/** Samples as stored (JSON `[[at, offsetMs], ...]`); anything else reads as none. */
export function encodeClockSamples(samples: readonly ClockSample[]): string {
  return JSON.stringify(samples.map((s) => [s.at, s.offsetMs]));
}
export function decodeClockSamples(text: string | null | undefined): ClockSample[] {
  if (!text) return [];
  try {
    const value: unknown = JSON.parse(text);
    if (!Array.isArray(value)) return [];
    return value.flatMap((p: unknown) =>
      Array.isArray(p) && p.length === 2 && Number.isFinite(p[0]) && Number.isFinite(p[1]) ? [{ at: p[0] as number, offsetMs: p[1] as number }] : [],
    );
  } catch {
    return [];
  }
}
