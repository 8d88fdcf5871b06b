/**
 * An agent's clock offset, from its status messages (docs/DESIGN.md, "Agent clock offset").
 *
 * A status is stamped `ts` by the agent's clock when it is published and reaches the server `d` ms
 * later (network, broker, a queue behind commits; d >= 0). With the agent's clock `skew` ms ahead of
 * the server's (negative: behind), one status gives `ts - receivedAt = skew - d`: a lower bound of
 * the skew, which is the skew only when the status came promptly. Nothing in a message says it came
 * promptly: after the server was away from the broker, the statuses the broker queued for it arrive
 * together, each late by as long as it waited, the newest too. So a sample is believed only once it
 * is confirmed: an earlier sample, received at least {@link CLOCK_CONFIRM_SPAN_MS} before it, agrees
 * with it within {@link CLOCK_AGREE_MS}. Two statuses received that far apart with the same
 * `ts - receivedAt` waited the same time; a queue's statuses, delivered back to back, never confirm
 * each other (their stamps lie a status interval apart, their receipts milliseconds apart), and one
 * that agrees with a prompt status was prompt itself. The offset is the newest confirmed sample's;
 * an unconfirmed one changes nothing, so a queue delivered after an outage leaves the offset as it
 * was, and a clock set right (NTP back) shows at its second status (a minute at the agents' 30 s).
 * Limit: statuses that all wait the same time (a server that keeps a steady backlog) cannot be told
 * from a clock that far behind. Only statuses received live are samples: a retained one replayed
 * at subscribe time, or a last will (stamped when the agent connected), is old, not skewed.
 */

/** One live status: when the server received it (its clock) and `status.ts - receivedAt`; `unconfirmed` until an earlier sample agreed with it. */
export interface ClockSample {
  at: number;
  offsetMs: number;
  unconfirmed?: boolean;
}

/** Samples older than this before the newest are dropped (but the newest two, and the newest confirmed one, are kept). */
export const CLOCK_WINDOW_MS = 10 * 60_000;
/** At most this many samples are kept (agents send a status every 30 s: a window's worth). */
export const CLOCK_MAX_SAMPLES = 24;
/** Two samples agree when their offsets are this close: they waited about the same time. */
export const CLOCK_AGREE_MS = 2_000;
/**
 * A sample is confirmed only by one received at least this much earlier: statuses a broker held
 * arrive back to back, and must not confirm each other (agents send one every 30 s).
 */
export const CLOCK_CONFIRM_SPAN_MS = 20_000;
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
 * The samples after one more, ordered by `at`: it is confirmed when a sample received at least
 * {@link CLOCK_CONFIRM_SPAN_MS} before it agrees with it (within {@link CLOCK_AGREE_MS}). Kept: those
 * within {@link CLOCK_WINDOW_MS} before the newest, at most {@link CLOCK_MAX_SAMPLES}, and whatever
 * that drops of the newest two (an agent sending statuses further apart than the window can still
 * confirm one) and of the newest confirmed one (the offset, while a queue's statuses come in after an
 * outage longer than the window). A sample with a non-finite value is ignored.
 */
export function addClockSample(samples: readonly ClockSample[], sample: ClockSample): ClockSample[] {
  const all = [...samples].sort((a, b) => a.at - b.at);
  if (Number.isFinite(sample.at) && Number.isFinite(sample.offsetMs)) {
    const confirmed = all.some((s) => sample.at - s.at >= CLOCK_CONFIRM_SPAN_MS && Math.abs(sample.offsetMs - s.offsetMs) <= CLOCK_AGREE_MS);
    const added: ClockSample = confirmed ? { at: sample.at, offsetMs: sample.offsetMs } : { at: sample.at, offsetMs: sample.offsetMs, unconfirmed: true };
    let i = all.length;
    while (i > 0 && all[i - 1]!.at > added.at) i--;
    all.splice(i, 0, added);
  }
  if (all.length === 0) return all;
  const newest = all[all.length - 1]!.at;
  const keep = new Set(all.filter((s) => s.at > newest - CLOCK_WINDOW_MS).slice(-CLOCK_MAX_SAMPLES));
  for (const s of all.slice(-2)) keep.add(s);
  const reading = newestConfirmed(all);
  if (reading) keep.add(reading);
  return all.filter((s) => keep.has(s));
}

function newestConfirmed(samples: readonly ClockSample[]): ClockSample | null {
  let best: ClockSample | null = null;
  for (const s of samples) if (!s.unconfirmed && (best === null || s.at >= best.at)) best = s;
  return best;
}

/**
 * The estimated offset (agent clock minus server clock, ms; positive: the agent is ahead) and when
 * the status it is read from arrived: the newest confirmed sample's; null before one is confirmed.
 */
export function clockReading(samples: readonly ClockSample[]): { offsetMs: number; measuredAt: number } | null {
  const s = newestConfirmed(samples);
  return s ? { offsetMs: s.offsetMs, measuredAt: s.at } : null;
}

/** The estimated offset ({@link clockReading}'s), or null. */
export function clockOffset(samples: readonly ClockSample[]): number | null {
  return clockReading(samples)?.offsetMs ?? null;
}

/**
 * The stored samples (as {@link encodeClockSamples} wrote them, or null) after one more live status stamped
 * `statusTs` and received at `receivedAt`: what each storage adapter writes back.
 */
export function storedWithStatus(stored: string | null | undefined, statusTs: number, receivedAt: number): string {
  return encodeClockSamples(addClockSample(decodeClockSamples(stored), { at: receivedAt, offsetMs: statusTs - receivedAt }));
}

/**
 * Samples as stored: JSON `[[at, offsetMs], ...]`, an unconfirmed one `[at, offsetMs, 0]` (those
 * stored before confirmation existed read as confirmed: each was an input of the offset then);
 * anything else reads as none.
 */
export function encodeClockSamples(samples: readonly ClockSample[]): string {
  return JSON.stringify(samples.map((s) => (s.unconfirmed ? [s.at, s.offsetMs, 0] : [s.at, s.offsetMs])));
}
export function decodeClockSamples(text: string | null | undefined): ClockSample[] {
  if (!text) return [];
  try {
    const value: unknown = JSON.parse(text);
    if (!Array.isArray(value)) return [];
    return value.flatMap((p: unknown): ClockSample[] => {
      if (!Array.isArray(p) || !Number.isFinite(p[0]) || !Number.isFinite(p[1])) return [];
      if (p.length === 2) return [{ at: p[0] as number, offsetMs: p[1] as number }];
      return p.length === 3 && p[2] === 0 ? [{ at: p[0] as number, offsetMs: p[1] as number, unconfirmed: true }] : [];
    });
  } catch {
    return [];
  }
}
