import { LIMITS, type FootfallEvent } from "@footfall/core";

/** Bounds of one batch message. */
export interface BatchLimits {
  /** Most events in one message (at most `LIMITS.maxEventsPerBatch`). */
  maxEvents: number;
  /** Most bytes in one message (at most `LIMITS.maxBatchBytes`). */
  maxBytes: number;
}

/** One encoded batch message. */
export interface EncodedBatch {
  /** The JSON payload `{"agent","events":[...]}`. */
  payload: string;
  /** How many of the offered events it carries (a prefix). */
  count: number;
  /** UTF-8 size of `payload`. */
  bytes: number;
}

/** Clamp configured limits to the protocol's. */
export function protocolLimits(limits: Partial<BatchLimits> = {}): BatchLimits {
  return {
    maxEvents: Math.max(1, Math.min(limits.maxEvents ?? LIMITS.maxEventsPerBatch, LIMITS.maxEventsPerBatch)),
    maxBytes: Math.max(1024, Math.min(limits.maxBytes ?? LIMITS.maxBatchBytes, LIMITS.maxBatchBytes)),
  };
}

/**
 * Encode the longest prefix of `events` that fits `limits` as one batch message.
 * Returns `count: 0` only when the first event alone is too big (the caller must drop it).
 */
export function encodeBatch(agent: string, events: readonly FootfallEvent[], limits: BatchLimits): EncodedBatch {
  const head = `{"agent":${JSON.stringify(agent)},"events":[`;
  const tail = "]}";
  let bytes = Buffer.byteLength(head) + Buffer.byteLength(tail);
  const parts: string[] = [];
  for (const event of events) {
    if (parts.length >= limits.maxEvents) break;
    const json = JSON.stringify(event);
    const size = Buffer.byteLength(json) + (parts.length > 0 ? 1 : 0);
    if (bytes + size > limits.maxBytes) break;
    parts.push(json);
    bytes += size;
  }
  return { payload: head + parts.join(",") + tail, count: parts.length, bytes };
}
