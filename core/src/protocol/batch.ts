import { Type, type Static } from "@sinclair/typebox";
import { ID_PATTERN, type AgentId } from "./ids.js";
import { LIMITS } from "./limits.js";
import { isEvent, parseEvent, type FootfallEvent } from "./events.js";
import { byteLength, isOwnEventId, personalIdKind } from "./bounds.js";
import { compile, parseJson, type RejectReason, type Result } from "./validate.js";

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
  /** What is wrong, naming the field and the rule. */
  reason: string;
  /** The reject reason counted in metrics: `schema`, `foreign_id` or `personal_id`. */
  code: RejectReason;
}
export interface DecodedBatch {
  agent: AgentId;
  events: FootfallEvent[];
  rejected: RejectedEvent[];
}

/**
 * Why a schema-valid event of `agent` may not be taken (DESIGN v1.1), or null: its id must begin
 * with `${agent}:` (`foreign_id`), and its visitor id must not look like a MAC address, an e-mail
 * address or a phone number (`personal_id`).
 */
export function eventIdentityProblem(agent: string, e: FootfallEvent): { code: RejectReason; reason: string } | null {
  if (!isOwnEventId(agent, e.id)) return { code: "foreign_id", reason: `/id: "${e.id}" does not begin with the publishing agent's id and a colon ("${agent}:")` };
  if (e.type !== "count") {
    const kind = personalIdKind(e.visitor);
    if (kind) return { code: "personal_id", reason: `/visitor: looks like ${kind === "mac" ? "a MAC address" : kind === "email" ? "an e-mail address" : "a phone number"}; send a hashed or rotating id, never what identifies a person` };
  }
  return null;
}

/**
 * Decode an event batch message: size limit, JSON depth, JSON, envelope, then each event (schema,
 * then its id and visitor, see {@link eventIdentityProblem}). A failure of the whole message is
 * an error with its reject reason; bad events inside a good envelope are listed in `rejected`.
 * Never throws, whatever the payload.
 */
export function decodeBatch(payload: Uint8Array | string, decode: (bytes: Uint8Array) => string): Result<DecodedBatch> {
  const size = byteLength(payload);
  if (size > LIMITS.maxBatchBytes) return { ok: false, error: `oversized: ${size} bytes > ${LIMITS.maxBatchBytes}`, reason: "oversized" };
  const json = parseJson(typeof payload === "string" ? payload : decode(payload));
  if (!json.ok) return json;
  const env = envelope.parse(json.value);
  if (!env.ok) return { ok: false, error: `schema: ${env.error}`, reason: "schema" };
  const agent = env.value.agent;
  const events: FootfallEvent[] = [];
  const rejected: RejectedEvent[] = [];
  env.value.events.forEach((raw, index) => {
    // The common case checked without a result object; parseEvent only for the error of a bad event.
    const parsed = isEvent(raw) ? null : parseEvent(raw);
    if (parsed === null || parsed.ok) {
      const e = raw as FootfallEvent;
      const problem = eventIdentityProblem(agent, e);
      if (!problem) events.push(e);
      else rejected.push({ index, id: e.id, reason: `${problem.code}: ${problem.reason}`, code: problem.code });
    } else {
      const id = (raw as { id?: unknown } | null)?.id;
      rejected.push({ index, reason: `schema: ${parsed.error}`, code: "schema", ...(typeof id === "string" && id.length <= LIMITS.maxEventIdLength ? { id } : {}) });
    }
  });
  return { ok: true, value: { agent: agent as AgentId, events, rejected } };
}

export type EventBatchWire = Static<typeof EventBatchSchema>;
