import { agentStatusValidator, parseJson, type Layout } from "@footfall/core";
import type { IngestMessage } from "../ingest/pipeline.js";

/** How the server hears agents and tells them the layout, whichever broker carries it. */
export interface MqttTransport {
  readonly kind: "embedded" | "external";
  connected(): boolean;
  /** Publish a store's current layout, retained, QoS 1. */
  publishLayout(layout: Layout): Promise<void>;
  close(): Promise<void>;
}

/** What a transport hands to the rest of the server. */
export interface TransportHandlers {
  events(msg: IngestMessage): void;
  status(store: string, agent: string, status: ReturnType<typeof decodeStatus>): void;
  /** A message that cannot be taken, counted and logged. */
  reject(store: string, agent: string, reason: string, detail: string): void;
  isKnownAgent(store: string, agent: string): boolean;
}

const decoder = new TextDecoder();
/** Decode a status payload; null when it is not a valid v1 status. */
export function decodeStatus(payload: Buffer) {
  const json = parseJson(decoder.decode(payload));
  if (!json.ok) return { ok: false as const, error: json.error };
  return agentStatusValidator.parse(json.value);
}
