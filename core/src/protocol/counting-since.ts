/**
 * An agent's `countingSince` status metric (this project, additive): the instant (its clock, as the
 * status's `ts`) since which its source has counted without a break, this process's current run of it
 * (a source restarted, or the agent restarted, begins a new run). An agent cut off from the broker that
 * ran on counted all along, crossings or none, and its outbox delivers what it counted; when its link
 * is back its online status says since when it counted, so the server closes its offline span there:
 * the span's hours from that instant on were counted, 0 where nobody crossed. A counter switched off
 * says the instant it started again (inside the span), an older agent says nothing (the span as it
 * was: hours counted only up to the last one it counted someone in, core gapsNotCounted).
 */
import { isProtocolTs } from "./bounds.js";

/** The status metric's key. */
export const COUNTING_SINCE_METRIC = "countingSince";

/** What a status's `countingSince` says: `at` null, it says nothing (older agent, or not counting now); `error`: a forged or impossible value, a counted reject. */
export type CountingSince = { ok: true; at: number | null } | { ok: false; error: string };

/**
 * Reads `countingSince` of an online status stamped `ts` (both the agent's clock): absent or null says
 * nothing; a protocol time (integer, years 2000 to 2099) at or before `ts` is the instant; anything
 * else (a string, a fraction, after the status's own time: it cannot have counted in its future) is an
 * error in words, and the status counts as one without it.
 */
export function countingSinceOf(ts: number, value: unknown): CountingSince {
  if (value === undefined || value === null) return { ok: true, at: null };
  if (!isProtocolTs(value)) return { ok: false, error: `countingSince ${JSON.stringify(value)} is not a time (integer epoch ms, years 2000 to 2099): ignored` };
  if (value > ts) return { ok: false, error: `countingSince ${value} is after the status's own ts ${ts} (its future): ignored` };
  return { ok: true, at: value };
}

/**
 * Where an offline span that began at `from` ends, the agent online again at `onlineAt` (its status's
 * `ts`) saying it counted since `countingSince` (null: not said): the span is the time it did not
 * count, so it ends where its counting began, never before it began nor after `onlineAt`. A span
 * [from, result) of the length 0 is no outage.
 */
export function spanEnd(from: number, onlineAt: number, countingSince: number | null): number {
  const end = countingSince === null ? onlineAt : Math.min(onlineAt, countingSince);
  return Math.max(from, end);
}
