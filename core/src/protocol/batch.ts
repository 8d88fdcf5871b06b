import { Type, type Static } from "@sinclair/typebox";
import { ID_PATTERN, type AgentId } from "./ids.js";
import { LIMITS } from "./limits.js";
import { parseEvent, type FootfallEvent } from "./events.js";
import { compile, parseJson, type Result } from "./validate.js";

/** The wire shape; events are checked one by one so that one bad event does not sink its batch. */
export const EventBatchSchema = Type.Object({
  agent: Type.String({ pattern: ID_PATTERN }),
  events: Type.Array(Type.Unknown(), { maxItems: LIMITS.maxEventsPerBatch }),
});
export interface EventBatch {
  agent: AgentId;
  events: FootfallEvent[];
}
const envelope = compile(EventBatchSchema);

export interface RejectedEvent {
  index: number;
  /** The event id when it had one, to log. */
  id?: string;
  reason: string;
}
export interface DecodedBatch {
  agent: AgentId;
  events: FootfallEvent[];
  rejected: RejectedEvent[];
}

/** Bytes of a UTF-8 payload, whatever its type. */
function byteLength(payload: Uint8Array | string): number {
  if (typeof payload !== "string") return payload.byteLength;
  let n = 0;
  for (let i = 0; i < payload.length; i++) {
    const c = payload.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? (i++, 4) : 3;
  }
  return n;
}

/**
 * Decode an event batch message: size limit, JSON, envelope, then each event.
 * A failure of the whole message is an error; bad events inside a good envelope are listed in `rejected`.
 */
export function decodeBatch(payload: Uint8Array | string, decode: (bytes: Uint8Array) => string): Result<DecodedBatch> {
  const size = byteLength(payload);
  if (size > LIMITS.maxBatchBytes) return { ok: false, error: `oversized: ${size} bytes > ${LIMITS.maxBatchBytes}` };
  const json = parseJson(typeof payload === "string" ? payload : decode(payload));
  if (!json.ok) return json;
  const env = envelope.parse(json.value);
  if (!env.ok) return { ok: false, error: `schema: ${env.error}` };
  const events: FootfallEvent[] = [];
  const rejected: RejectedEvent[] = [];
  env.value.events.forEach((raw, index) => {
    const parsed = parseEvent(raw);
    if (parsed.ok) events.push(parsed.value);
    else {
      const id = (raw as { id?: unknown } | null)?.id;
      rejected.push({ index, reason: `schema: ${parsed.error}`, ...(typeof id === "string" ? { id } : {}) });
    }
  });
  return { ok: true, value: { agent: env.value.agent as AgentId, events, rejected } };
}

export type EventBatchWire = Static<typeof EventBatchSchema>;
