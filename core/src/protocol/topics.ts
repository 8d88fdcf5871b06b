import type { AgentId, StoreId } from "./ids.js";
import { isId } from "./ids.js";
import type { EventBatchWire } from "./batch.js";
import type { AgentStatus } from "./status.js";
import type { Layout } from "./layout.js";
import type { Receipt } from "./receipts.js";
import type { AlertStateMessage, AvailabilityMessage, QueueMessage, StoreOccupancyMessage, ZoneOccupancyMessage } from "./published.js";
import type { AuditReport } from "./audits.js";

/** Protocol version in every topic. */
export const TOPIC_ROOT = "footfall/v1";

/** Each topic of protocol v1 and the payload it carries: the one map every publisher and subscriber uses. */
export interface Topics {
  events: EventBatchWire;
  status: AgentStatus;
  /** A v1.1 server adds `receipts: true` to the layouts it publishes. */
  layout: Layout & { receipts?: boolean };
  /** v1.1: the server tells an agent which of its events are settled. */
  receipts: Receipt;
  /** Issue 14.4, published by the server, retained, at most 1/s: the store's live occupancy. */
  occupancy: StoreOccupancyMessage;
  /** A zone's live occupancy. */
  zoneOccupancy: ZoneOccupancyMessage;
  /** A checkout queue's length and estimated wait. */
  queue: QueueMessage;
  /** An alert rule's state (Home Assistant binary sensor). */
  alert: AlertStateMessage;
  /** The server's availability: "online", or "offline" (its will). */
  availability: AvailabilityMessage;
  /** v1.1: an agent's completed accuracy audit (issue 18), QoS 1, not retained. */
  audits: AuditReport;
}
export type TopicKind = keyof Topics;

/**
 * The JSON text of a message on a `kind` topic, its payload typed by the `Topics` map: publishers
 * write `encodePayload("status", status)`, so a payload that is not the topic's fails to compile.
 * (Event batches are assembled in size-bounded pieces by the edge's `encodeBatch`, of this same type.)
 */
export function encodePayload<K extends TopicKind>(_kind: K, payload: Topics[K]): string {
  return JSON.stringify(payload);
}

/** Builders: nobody else concatenates topic strings. */
export const topics = {
  events: (store: StoreId | string, agent: AgentId | string) => `${TOPIC_ROOT}/${store}/agents/${agent}/events`,
  status: (store: StoreId | string, agent: AgentId | string) => `${TOPIC_ROOT}/${store}/agents/${agent}/status`,
  layout: (store: StoreId | string) => `${TOPIC_ROOT}/${store}/layout`,
  /** v1.1: published by the server only; the agent subscribes to its own. */
  receipts: (store: StoreId | string, agent: AgentId | string) => `${TOPIC_ROOT}/${store}/agents/${agent}/receipts`,
  /** Issue 14.4: published by the server only (retained); agents may not publish them. */
  occupancy: (store: StoreId | string) => `${TOPIC_ROOT}/${store}/occupancy`,
  zoneOccupancy: (store: StoreId | string, zone: string) => `${TOPIC_ROOT}/${store}/zones/${zone}/occupancy`,
  queue: (store: StoreId | string, zone: string) => `${TOPIC_ROOT}/${store}/queues/${zone}`,
  alert: (store: StoreId | string, rule: string) => `${TOPIC_ROOT}/${store}/alerts/${rule}`,
  availability: () => `${TOPIC_ROOT}/availability`,
  /**
   * A chain's availability of one shard's stores (issue 14.4 in chain mode): "online" while a server
   * holds the shard's session, "offline" as that session's will or when it is handed over.
   */
  shardAvailability: (shard: number) => `${TOPIC_ROOT}/availability/shard-${String(shard).padStart(2, "0")}`,
  /** v1.1: an agent's accuracy audits, published by the agent. */
  audits: (store: StoreId | string, agent: AgentId | string) => `${TOPIC_ROOT}/${store}/agents/${agent}/audits`,
  /** The folder of an agent's topics (it publishes `events`, `status` and `audits`, reads `receipts`). */
  agentPrefix: (store: StoreId | string, agent: AgentId | string) => `${TOPIC_ROOT}/${store}/agents/${agent}/`,
} as const;

/** Wildcard subscriptions for a server that serves every store. */
export const subscriptions = {
  events: `${TOPIC_ROOT}/+/agents/+/events`,
  status: `${TOPIC_ROOT}/+/agents/+/status`,
  audits: `${TOPIC_ROOT}/+/agents/+/audits`,
  layout: (store: StoreId | string) => `${TOPIC_ROOT}/${store}/layout`,
} as const;

export type ParsedTopic =
  | { kind: "events"; store: StoreId; agent: AgentId }
  | { kind: "status"; store: StoreId; agent: AgentId }
  | { kind: "receipts"; store: StoreId; agent: AgentId }
  | { kind: "audits"; store: StoreId; agent: AgentId }
  | { kind: "layout"; store: StoreId };

/** Parse a v1 topic; null for anything else (another version, a bad id, an unknown leaf). */
export function parseTopic(topic: string): ParsedTopic | null {
  const parts = topic.split("/");
  if (parts[0] !== "footfall" || parts[1] !== "v1") return null;
  const store = parts[2];
  if (!isId(store)) return null;
  if (parts.length === 4 && parts[3] === "layout") return { kind: "layout", store: store as StoreId };
  if (parts.length === 6 && parts[3] === "agents" && isId(parts[4]) && (parts[5] === "events" || parts[5] === "status" || parts[5] === "receipts" || parts[5] === "audits")) {
    return { kind: parts[5], store: store as StoreId, agent: parts[4] as AgentId };
  }
  return null;
}

/** What `agent` of `store` publishes on `topic`: its own `events`, `status` or (v1.1) `audits`; null for anything else (receipts and layouts are the server's). */
export function agentPublication(store: string, agent: string, topic: string): "events" | "status" | "audits" | null {
  const parsed = parseTopic(topic);
  return parsed !== null && (parsed.kind === "events" || parsed.kind === "status" || parsed.kind === "audits") && parsed.store === store && parsed.agent === agent ? parsed.kind : null;
}

/** Whether `agent` of `store` may publish to `topic`: only its own `events`, `status` and `audits`. */
export function mayPublish(store: string, agent: string, topic: string): boolean {
  return agentPublication(store, agent, topic) !== null;
}

/** Whether `agent` of `store` may subscribe to `filter`: its store's layout and its own receipts, nothing else. */
export function maySubscribe(store: string, agent: string, filter: string): boolean {
  return filter === topics.layout(store) || filter === topics.receipts(store, agent);
}
