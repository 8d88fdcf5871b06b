/**
 * Response and body schemas of the accuracy-audit routes (TypeBox and core only: the UI derives its
 * types from them with Static, as it does from routes/schemas.ts).
 */
import { Type } from "@sinclair/typebox";
import { AUDIT_LIMITS, AUDIT_METHODS, AuditCountsSchema } from "@footfall/core";

export const StoredAuditBody = Type.Object({
  store: Type.String(),
  agent: Type.String(),
  id: Type.String(),
  method: Type.Union(AUDIT_METHODS.map((m) => Type.Literal(m)), { description: "clip: counted frame by frame on the camera agent's clip; live: at the door on the agent's page; manual: a person's count for a window entered in the UI (door counters)" }),
  auditor: Type.String({ description: "who counted" }),
  from: Type.Integer({ description: "epoch ms: the audited stretch began" }),
  to: Type.Integer({ description: "epoch ms: and ended" }),
  at: Type.Integer({ description: "epoch ms: the count was submitted" }),
  receivedAt: Type.Integer({ description: "epoch ms: the server stored it" }),
  hand: AuditCountsSchema,
  system: AuditCountsSchema,
  marked: Type.Optional(Type.Integer({ description: "system crossings judged right or wrong" })),
  right: Type.Optional(Type.Integer({ description: "of those, right" })),
  accuracy: Type.Object({ in: Type.Number(), out: Type.Number() }, { description: "per direction: 1 - |system - hand| / hand" }),
  overall: Type.Number({ description: "the lower direction" }),
  certified: Type.Boolean({ description: "both directions at or above certifyAt, with at least one crossing counted" }),
});

export const AgentAuditBody = Type.Object({
  agent: Type.String(),
  last: Type.Union([StoredAuditBody, Type.Null()], { description: "the agent's latest audit, or null: never audited" }),
  auditable: Type.Boolean({ description: "false for a simulated agent (kind sim): it counts no real people, so there is nothing to audit" }),
  due: Type.Boolean({ description: "an auditable agent with no audit, or whose latest is older than dueAfterDays" }),
});

export const AuditsBody = Type.Object({
  certifyAt: Type.Number({ description: "the accuracy each direction needs for 'data certified' (0.95)" }),
  dueAfterDays: Type.Integer({ description: "an audit older than this is due again (FOOTFALL_AUDIT_DUE_DAYS)" }),
  agents: Type.Array(AgentAuditBody, { description: "every agent of the store with its latest audit" }),
  audits: Type.Array(StoredAuditBody, { description: "the store's audits, newest first" }),
});

/** A door counter's audit from the UI: what a person counted at the door in [from, to). */
export const ManualAuditInput = Type.Object(
  {
    from: Type.Integer({ minimum: 0, description: "epoch ms: the person began counting" }),
    to: Type.Integer({ minimum: 0, description: "epoch ms: and stopped" }),
    auditor: Type.String({ minLength: 1, maxLength: AUDIT_LIMITS.maxAuditorLength }),
    hand: AuditCountsSchema,
  },
  { additionalProperties: false },
);
