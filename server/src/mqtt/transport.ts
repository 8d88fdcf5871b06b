import { decodeAuditReport, decodeStatus as decodeAgentStatus, encodePayload, encodeReceipts, type Layout, type RejectedReceipt } from "@footfall/core";
import type { IngestMessage } from "../ingest/pipeline.js";

/** How the server hears agents and tells them the layout, whichever broker carries it. */
export interface MqttTransport {
  readonly kind: "embedded" | "external";
  connected(): boolean;
  /** Publish a store's current layout, retained, QoS 1, marked `receipts: true` (a v1.1 server). */
  publishLayout(layout: Layout): Promise<void>;
  /**
   * Tell an agent which of its events a commit settled (QoS 1, not retained), on its receipts topic.
   * Call only after the commit. Never throws: a receipt that cannot be sent is logged, and the
   * agent sends those events again after its receipt timeout (they are then settled as duplicates).
   */
  publishReceipt(store: string, agent: string, receipt: SettledEvents): void;
  /**
   * (issue 14.4) Publish a retained message for other systems (occupancy, alerts, Home Assistant
   * discovery; an empty payload deletes the topic), QoS 1. On a chain's broker link the state
   * publisher sends only the stores whose shard the server holds.
   */
  publishRetained?(topic: string, payload: string): Promise<void>;
  /**
   * (issue 15) Close the connections of an agent whose password changed or that was revoked; how
   * many were closed. Only the embedded broker can (an external one is told by its files).
   */
  disconnectAgent?(store: string, agent: string): number;
  close(): Promise<void>;
}

/** What one commit settled for one agent: every event id, and the reasons of those rejected for good. */
export interface SettledEvents {
  settled: readonly string[];
  rejected: readonly RejectedReceipt[];
}

/**
 * The retained layout message: the layout plus `"receipts": true`, which tells agents this server
 * sends receipts. The floor's background image (up to 2 MB) stays out: agents need the polygons,
 * and a broker's packet limit (1 MiB in deploy/mosquitto) must not refuse the layout.
 */
export function layoutPayload(layout: Layout): string {
  const { image: _image, ...floor } = layout.floor;
  return encodePayload("layout", { ...layout, floor, receipts: true });
}

/** Largest layout message sent to an external broker: under its `max_packet_size` with room for the topic. */
export const MAX_LAYOUT_MESSAGE_BYTES = 1024 * 1024 - 4096;

/** The receipt messages of one agent's settled events (several when more than 1,000 ids). */
export function receiptPayloads(receipt: SettledEvents): string[] {
  return encodeReceipts(receipt.settled, receipt.rejected);
}

/** What a transport hands to the rest of the server. */
export interface TransportHandlers {
  events(msg: IngestMessage): void;
  /**
   * A status or will; resolves once it is stored (never rejects: a failure is counted as a reject).
   * `live`: as the agent published it, not a retained copy the broker replayed at subscribe time (the
   * MQTT retain flag on receipt; absent: not live): only a live status measures the agent's clock.
   */
  status(store: string, agent: string, status: ReturnType<typeof decodeStatus>, live?: boolean): void | Promise<void>;
  /** (v1.1) An agent's accuracy audit; resolves once it is stored (never rejects: a failure is counted as a reject). */
  audit(store: string, agent: string, report: ReturnType<typeof decodeAudit>): void | Promise<void>;
  /** A message that cannot be taken, counted and logged. */
  reject(store: string, agent: string, reason: string, detail: string): void;
  isKnownAgent(store: string, agent: string): Promise<boolean>;
}

const decoder = new TextDecoder();
/**
 * Decode a status payload (or a last will) within the v1.1 bounds: size (16 KiB) before anything,
 * JSON depth before parsing, flat metrics. Never throws; a failure carries its reject reason.
 */
export function decodeStatus(payload: Buffer) {
  return decodeAgentStatus(payload, (b) => decoder.decode(b));
}

/** Decode an audit payload within its bounds (4 KiB, JSON depth, the schema, the window). Never throws. */
export function decodeAudit(payload: Buffer) {
  return decodeAuditReport(payload, (b) => decoder.decode(b));
}
