import type { AgentId, StoreId } from "./ids.js";
import { isId } from "./ids.js";
import type { EventBatchWire } from "./batch.js";
import type { AgentStatus } from "./status.js";
import type { Layout } from "./layout.js";

/** Protocol version in every topic. */
export const TOPIC_ROOT = "footfall/v1";

/** Each topic of protocol v1 and the payload it carries: the one map every publisher and subscriber uses. */
export interface Topics {
  events: EventBatchWire;
  status: AgentStatus;
  layout: Layout;
}
export type TopicKind = keyof Topics;

/** Builders: nobody else concatenates topic strings. */
export const topics = {
  events: (store: StoreId | string, agent: AgentId | string) => `${TOPIC_ROOT}/${store}/agents/${agent}/events`,
  status: (store: StoreId | string, agent: AgentId | string) => `${TOPIC_ROOT}/${store}/agents/${agent}/status`,
  layout: (store: StoreId | string) => `${TOPIC_ROOT}/${store}/layout`,
  /** Everything an agent may publish under. */
  agentPrefix: (store: StoreId | string, agent: AgentId | string) => `${TOPIC_ROOT}/${store}/agents/${agent}/`,
} as const;

/** Wildcard subscriptions for a server that serves every store. */
export const subscriptions = {
  events: `${TOPIC_ROOT}/+/agents/+/events`,
  status: `${TOPIC_ROOT}/+/agents/+/status`,
  layout: (store: StoreId | string) => `${TOPIC_ROOT}/${store}/layout`,
} as const;

export type ParsedTopic =
  | { kind: "events"; store: StoreId; agent: AgentId }
  | { kind: "status"; store: StoreId; agent: AgentId }
  | { kind: "layout"; store: StoreId };

/** Parse a v1 topic; null for anything else (another version, a bad id, an unknown leaf). */
export function parseTopic(topic: string): ParsedTopic | null {
  const parts = topic.split("/");
  if (parts[0] !== "footfall" || parts[1] !== "v1") return null;
  const store = parts[2];
  if (!isId(store)) return null;
  if (parts.length === 4 && parts[3] === "layout") return { kind: "layout", store: store as StoreId };
  if (parts.length === 6 && parts[3] === "agents" && isId(parts[4]) && (parts[5] === "events" || parts[5] === "status")) {
    return { kind: parts[5], store: store as StoreId, agent: parts[4] as AgentId };
  }
  return null;
}

/** Whether `agent` of `store` may publish to `topic` (only under its own prefix). */
export function mayPublish(store: string, agent: string, topic: string): boolean {
  const parsed = parseTopic(topic);
  return parsed !== null && parsed.kind !== "layout" && parsed.store === store && parsed.agent === agent;
}
