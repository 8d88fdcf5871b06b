import { useEffect, useState } from "react";
import { alertsApi } from "../api/alerts.js";
import { compactHours, type StoreHours } from "@footfall/core";
import { ApiError, type Api } from "../api/client.js";
import { useKeptHistory } from "../components/HistoryNote.js";
import { firstDataStart, keptCoverage, wholeFrom, type Coverage } from "../model/coverage.js";
import { useSession } from "../session.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Raw events are kept 90 days by default (FOOTFALL_RETENTION_DAYS). */
const RAW_DAYS = 89;
/** How far back to look for a store's first figures. Data older than that counts as "since always". */
const LOOK_BACK_DAYS = 399; // the API takes ranges of at most 400 days
/** A store with no data yet is asked again after this long (its agents may start any time). */
const RETRY_EMPTY_MS = 60_000;

const cache = new Map<string, { at: number; known: boolean; start: Promise<number | null> }>();

/**
 * When the store's figures begin: the first hour with any enter, found with one daily `/traffic`
 * over the last 399 days and one hourly for the first day with data. Known starts are kept for
 * the session (they never move); "no data yet" is asked again after a minute.
 */
export function dataStart(api: Api, store: string, now: number): Promise<number | null> {
  const key = `${api.token}\u0000${store}`;
  const hit = cache.get(key);
  if (hit && (hit.known || now - hit.at < RETRY_EMPTY_MS)) return hit.start;
  const entry = { at: now, known: false, start: Promise.resolve<number | null>(null) };
  entry.start = (async () => {
    // From a whole hour: the server answers old ranges from hourly rollups (raw events are kept 90 days).
    let from = Math.ceil((now - LOOK_BACK_DAYS * DAY) / HOUR) * HOUR;
    const days = await api.traffic(store, { from, to: now + 1 }, "day").catch(async (err: unknown) => {
      // A server that cannot answer that far back (e.g. hours that are not whole in its zone): look back as far as raw events go.
      if (!(err instanceof ApiError) || err.status !== 400) throw err;
      from = Math.ceil((now - RAW_DAYS * DAY) / HOUR) * HOUR;
      return api.traffic(store, { from, to: now + 1 }, "day");
    });
    const day = firstDataStart(days);
    if (day === null) return null;
    entry.known = true;
    // Data already on the window's first day: it may go back further; take the window's start.
    if (day <= Date.parse(days[0]?.start ?? "")) return from;
    const hours = await api.traffic(store, { from: day, to: Math.min(now + 1, day + DAY + HOUR) }, "hour");
    return firstDataStart(hours) ?? day;
  })();
  entry.start.catch(() => cache.delete(key));
  cache.set(key, entry);
  return entry.start;
}

const hoursCache = new Map<string, Promise<{ hours: StoreHours | null; timezone: string } | null>>();

/**
 * From when the store's figures are whole (`from`) and their first hour (`first`, {@link dataStart}):
 * the start of that hour's day when the store was counted from its opening time (core's `wholeFrom`,
 * by the opening hours that day had (their history, read once a session: hours changed since do not
 * change it): that first day is whole, not partial, its hours before opening a closed store's zeros,
 * as the digests and the chain view count it), else the first hour.
 */
export async function coverageStart(api: Api, store: string, now: number): Promise<{ from: number | null; first: number | null }> {
  const first = await dataStart(api, store, now);
  if (first === null || !Number.isFinite(first)) return { from: first, first };
  const key = `${api.token}\u0000${store}`;
  let hours = hoursCache.get(key);
  // Without the store's hours (not readable, or none): its first hour, as before.
  if (!hours)
    hoursCache.set(
      key,
      (hours = alertsApi(api.token)
        .hoursHistory(store)
        .then((r) => ({ hours: compactHours(r.versions), timezone: r.timezone }))
        .catch(() => null)),
    );
  const opening = await hours;
  return { from: opening ? wholeFrom(first, opening.hours, opening.timezone) : first, first };
}

/**
 * The store's coverage at `now`; undefined until first known (views then wait before saying "no data").
 * Its start moves on with the history kept (FOOTFALL_AGGREGATE_RETENTION_DAYS): hours a retention pass
 * deleted since the start was found are no data kept, not zeros.
 */
export function useCoverage(store: string, now: number): Coverage | undefined {
  const { api } = useSession();
  const history = useKeptHistory();
  const [from, setFrom] = useState<{ store: string; value: number | null; first: number | null } | undefined>(undefined);
  useEffect(() => {
    let live = true;
    coverageStart(api, store, now).then(
      (start) => live && setFrom({ store, value: start.from, first: start.first }),
      // Unknown: treat every slot as data, as before (a failed look-up must not blank the charts).
      () => live && setFrom({ store, value: Number.NEGATIVE_INFINITY, first: null }),
    );
    return () => {
      live = false;
    };
  }, [api, store, now]);
  return from && from.store === store ? keptCoverage({ from: from.value, now, first: from.first }, history) : undefined;
}
