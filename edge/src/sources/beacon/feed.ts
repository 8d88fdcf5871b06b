import { LIMITS } from "@footfall/core";
import type { Sighting } from "./tracker.js";

/** Field names of a gateway's records (dotted paths allowed). */
export interface FeedFields {
  receiver: string;
  beacon: string;
  rssi: string;
  ts: string;
}

function at(value: unknown, path: string): unknown {
  let v = value;
  for (const key of path.split(".")) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** A gateway's time: epoch ms, epoch seconds (below 10^11), or an ISO string; else null. */
export function parseFeedTime(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v) && v > 0) return Math.round(v < 1e11 ? v * 1000 : v);
  if (typeof v === "string" && v.trim() !== "") {
    if (/^\d+(\.\d+)?$/.test(v.trim())) return parseFeedTime(Number(v));
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

/**
 * One record of a gateway feed to a sighting (pure), or why not. `receiver` may come from outside
 * the record (a gateway that sends its own id once per message, or in the MQTT topic).
 * Times are clamped to `now` (a gateway clock ahead of ours must not make events from the future);
 * a record without a time is stamped `now`; one dated before 2000 (a gateway whose clock was never
 * set) is refused, saying so.
 */
export function readSighting(record: unknown, fields: FeedFields, now: number, receiver?: string): { ok: true; value: Sighting } | { ok: false; error: string } {
  if (record === null || typeof record !== "object") return { ok: false, error: "a record must be a JSON object" };
  const rx = at(record, fields.receiver) ?? receiver;
  const beacon = at(record, fields.beacon);
  const rssiRaw = at(record, fields.rssi);
  const rssi = typeof rssiRaw === "string" ? Number(rssiRaw) : rssiRaw;
  if (typeof rx !== "string" || rx === "") return { ok: false, error: `${fields.receiver}: expected the receiver id (a string)` };
  if (typeof beacon !== "string" || beacon === "") return { ok: false, error: `${fields.beacon}: expected the beacon id (a string)` };
  if (typeof rssi !== "number" || !Number.isFinite(rssi) || rssi < -130 || rssi > 20)
    return { ok: false, error: `${fields.rssi}: expected an RSSI in dBm (-130..20)${typeof rssi === "number" && Number.isFinite(rssi) ? `, got ${rssi}` : ""}` };
  const rawTs = at(record, fields.ts);
  const ts = rawTs === undefined ? now : parseFeedTime(rawTs);
  if (ts === null) return { ok: false, error: `${fields.ts}: expected epoch ms, epoch s or an ISO time` };
  // A gateway without a set clock counts from 1970 (its uptime): no event may be dated before 2000.
  if (ts < LIMITS.minTs)
    return { ok: false, error: `${fields.ts}: ${new Date(ts).toISOString()} is before 2000: the gateway's clock is not set; set it (NTP), or send records without a time (they are stamped on receipt)` };
  return { ok: true, value: { receiver: rx, beacon, rssi, ts: Math.min(ts, now) } };
}

/**
 * The records of one feed message (pure): a JSON array, an object holding `items` (an array), a
 * single JSON object, or JSON lines (one object per line). Lines that are not JSON are counted as bad.
 */
export function feedRecords(text: string, items?: string): { records: unknown[]; bad: number } {
  const trimmed = text.trim();
  if (trimmed === "") return { records: [], bad: 0 };
  const unwrap = (v: unknown): unknown[] => {
    const inner = items ? at(v, items) : v;
    return Array.isArray(inner) ? inner : [inner];
  };
  try {
    return { records: unwrap(JSON.parse(trimmed)), bad: 0 };
  } catch {
    const records: unknown[] = [];
    let bad = 0;
    for (const line of trimmed.split(/\r?\n/)) {
      if (line.trim() === "") continue;
      try {
        records.push(...unwrap(JSON.parse(line)));
      } catch {
        bad++;
      }
    }
    return { records, bad };
  }
}
