import type { EpochMs, VisitorId, ZoneId } from "../protocol/ids.js";

/** A half-open time range `[from, to)` in epoch ms. */
export interface Range {
  from: EpochMs;
  to: EpochMs;
}

/** Options every batch function of the domain takes. */
export interface DomainOptions {
  /** A visitor silent this long (ms, `>=`) has abandoned its open visits and ended its trip. */
  visitTimeoutMs: number;
}

/**
 * One visit of a visitor to a zone: an accepted `enter`, and the `exit` that closed it.
 * `status`: `closed` (an exit came, dwell = exitTs - enterTs), `abandoned` (the visitor fell
 * silent for visitTimeoutMs first), `open` (neither, as far as the events go).
 */
export interface Visit {
  visitor: VisitorId;
  zone: ZoneId;
  enterTs: EpochMs;
  /** Id of the enter event that opened it (the visit's identity). */
  enterId: string;
  exitTs: EpochMs | null;
  status: "closed" | "open" | "abandoned";
  /** Time of the visitor's last event of any type in the trip this visit belongs to. */
  lastSeenTs: EpochMs;
}

/** One trip of a visitor: a run of its events with no silence of visitTimeoutMs. */
export interface Trip {
  visitor: VisitorId;
  /** `ts` of the trip's first accepted enter (the trip's time for range filters). */
  startTs: EpochMs;
  /** Zones in order of enter, immediate repeats folded. Never empty. */
  zones: ZoneId[];
}

/** Dwell statistics in seconds over closed visits. */
export interface DwellStats {
  mean: number;
  median: number;
  p90: number;
}

/** One zone's row of the dwell report (`dwellByZone`). */
export interface ZoneDwell {
  zone: ZoneId;
  visits: number;
  visitors: number;
  dwell_s: DwellStats | null;
}

/** A zone sequence and how many trips in range followed it. */
export interface PathCount {
  zones: ZoneId[];
  count: number;
}
/** A consecutive pair of zones in paths, and how often it occurs. */
export interface TransitionCount {
  from: ZoneId;
  to: ZoneId;
  count: number;
}
/** Top paths and all transitions of the trips in range (`pathReport`). */
export interface PathReport {
  paths: PathCount[];
  transitions: TransitionCount[];
  /** (v1.1) Every trip in range, not only those of the listed paths. */
  trips: number;
}

/** Traffic bucket size, in the store's local time. */
export type Bucket = "hour" | "day";
/** One local hour or day of traffic (`trafficOf`). */
export interface TrafficBucket {
  /** ISO 8601 with the store's offset, e.g. 2026-03-29T03:00:00+02:00. */
  start: string;
  /** Store enters: the sum over zones of kind `entrance`. */
  enters: number;
  /** Enters per zone (visits opened + door `in`); zones with none are left out. */
  zones: Record<string, number>;
}

/** One zone's live occupancy row; `capacity` null when the layout gives none. */
export interface ZoneOccupancy {
  zone: ZoneId;
  occupancy: number;
  capacity: number | null;
}
/** Occupancy at `ts` in the REST and live-push shape. */
export interface Occupancy {
  ts: EpochMs;
  total: number;
  zones: ZoneOccupancy[];
  /** (this project) The version of the layout in force the figures are counted on (live pushes): a client showing another version fetches it. */
  layoutVersion?: number;
}
