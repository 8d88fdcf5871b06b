import { Type, type Static } from "@sinclair/typebox";
import { byteLength } from "./bounds.js";
import { LIMITS } from "./limits.js";
import { flawedText, flawedTextMessage } from "./text.js";
import { compile, parseJson, type Result } from "./validate.js";

export const AGENT_KINDS = ["door", "beacon", "camera", "sim"] as const;
export type AgentKind = (typeof AGENT_KINDS)[number];

/** What a status metric may hold (v1.1): a number, a string, a boolean or null; nothing nested. */
export const StatusMetricSchema = Type.Union([Type.Number(), Type.String(), Type.Boolean(), Type.Null()]);

/**
 * Retained on `.../agents/{agent}/status`; the last will publishes `state: "offline"`. Extra keys
 * are metrics, flat (v1.1); the whole message is at most `LIMITS.maxStatusBytes`.
 */
export const AgentStatusSchema = Type.Object(
  {
    state: Type.Union([Type.Literal("online"), Type.Literal("offline")]),
    ts: Type.Integer({ minimum: LIMITS.minTs, exclusiveMaximum: LIMITS.maxTs }),
    kind: Type.Union(AGENT_KINDS.map((k) => Type.Literal(k))),
    version: Type.String({ pattern: "^\\d+\\.\\d+\\.\\d+", maxLength: 64 }),
  },
  { additionalProperties: StatusMetricSchema },
);
export type StatusMetric = Static<typeof StatusMetricSchema>;
/** Typed loosely for the extra keys; {@link agentStatusValidator} holds them to {@link StatusMetric}. */
export type AgentStatus = Static<typeof AgentStatusSchema> & Record<string, unknown>;
export const agentStatusValidator = compile(AgentStatusSchema);

/**
 * Decode a status message (or a last will): size first, then JSON depth, JSON, the schema and text
 * a database stores (no U+0000, no lone surrogate: core `textFlaw`).
 * The error carries the reject reason (`oversized`, `too_deep`, `malformed`, `schema`). Never throws.
 */
export function decodeStatus(payload: Uint8Array | string, decode: (bytes: Uint8Array) => string): Result<AgentStatus> {
  const size = byteLength(payload);
  if (size > LIMITS.maxStatusBytes) return { ok: false, error: `oversized: ${size} bytes > ${LIMITS.maxStatusBytes}`, reason: "oversized" };
  const json = parseJson(typeof payload === "string" ? payload : decode(payload));
  if (!json.ok) return json;
  const status = agentStatusValidator.parse(json.value);
  if (!status.ok) return { ok: false, error: `schema: ${status.error}`, reason: "schema" };
  // A metric holding U+0000 or half a character: PostgreSQL's jsonb refuses it (the write failed as an internal error).
  const text = flawedText(status.value, [""]);
  return text ? { ok: false, error: `schema: ${flawedTextMessage(text)}`, reason: "schema" } : status;
}
