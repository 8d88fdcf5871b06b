/** Limits of protocol v1 (DESIGN.md). */
export const LIMITS = {
  /** Events in one batch message. */
  maxEventsPerBatch: 1000,
  /** Bytes in one batch message. */
  maxBatchBytes: 256 * 1024,
  /** Bytes in one status message (a last will included). */
  maxStatusBytes: 16 * 1024,
  /** Nesting levels of arrays and objects in any JSON message; deeper is rejected before parsing. */
  maxJsonDepth: 16,
  /** Least event or status `ts`: 2000-01-01T00:00:00Z. */
  minTs: 946_684_800_000,
  /** Event and status `ts` stay below this: 2100-01-01T00:00:00Z. */
  maxTs: 4_102_444_800_000,
  /** Crossings of one direction in a `count` event (a door counter's report). */
  maxCrossings: 1_000_000,
  /** Characters in a visitor id. */
  maxVisitorLength: 128,
  /** Characters in an event id. */
  maxEventIdLength: 128,
  /** Events stamped further in the future than this are rejected. */
  maxFutureMs: 5 * 60_000,
  /** Events older than this are rejected (configurable on the server). */
  defaultMaxAgeMs: 7 * 24 * 3_600_000,
  /** An open visit whose visitor is silent this long is abandoned; a trip ends. */
  defaultVisitTimeoutMs: 30 * 60_000,
  /** Zones in one layout. */
  maxZones: 1000,
  /** Corners of one zone polygon. */
  maxPolygonPoints: 200,
} as const;
