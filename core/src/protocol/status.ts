import { Type, type Static } from "@sinclair/typebox";
import { compile } from "./validate.js";

export const AGENT_KINDS = ["door", "beacon", "camera", "sim"] as const;
export type AgentKind = (typeof AGENT_KINDS)[number];

/** Retained on `.../agents/{agent}/status`; the last will publishes `state: "offline"`. Extra keys are metrics. */
export const AgentStatusSchema = Type.Object(
  {
    state: Type.Union([Type.Literal("online"), Type.Literal("offline")]),
    ts: Type.Integer({ minimum: 0 }),
    kind: Type.Union(AGENT_KINDS.map((k) => Type.Literal(k))),
    version: Type.String({ pattern: "^\\d+\\.\\d+\\.\\d+" }),
  },
  { additionalProperties: true },
);
export type AgentStatus = Static<typeof AgentStatusSchema> & Record<string, unknown>;
export const agentStatusValidator = compile(AgentStatusSchema);
