import { Type, type Static } from "@sinclair/typebox";
import { LIMITS } from "./limits.js";
import { encodePayload } from "./topics.js";
import { compile, parseJson, type Result } from "./validate.js";

/** Bounds of one receipt message (v1.1). */
export const RECEIPT_LIMITS = {
  /**
   * Event ids settled by one receipt message. A group commit that settled more of one agent's
   * events sends several messages: at 1,000 ids of at most 128 characters a receipt stays under the
   * protocol's 256 KiB message limit, which a broker may enforce on the server's publishes too.
   */
  maxSettled: LIMITS.maxEventsPerBatch,
  /** Rejected events listed with their reason in one receipt message (the rest are only settled). */
  maxRejected: 100,
  /** Characters of a reject reason. */
  maxReasonLength: 64,
} as const;

const EventId = Type.String({ minLength: 1, maxLength: LIMITS.maxEventIdLength });

/** Why one of the agent's events was rejected for good (it is settled too: sending it again is useless). */
export const RejectedReceiptSchema = Type.Object({
  id: EventId,
  reason: Type.String({ minLength: 1, maxLength: RECEIPT_LIMITS.maxReasonLength, description: "as counted in the server's metrics, e.g. too_old" }),
});

/**
 * Published by the server on `footfall/v1/{store}/agents/{agent}/receipts` (QoS 1, not retained)
 * right after each group commit: every event id of that agent the commit settled (stored, a known
 * duplicate, or rejected for good), and the reasons of the rejected ones.
 */
export const ReceiptSchema = Type.Object({
  settled: Type.Array(EventId, { maxItems: RECEIPT_LIMITS.maxSettled, description: "event ids the agent may now forget" }),
  rejected: Type.Optional(Type.Array(RejectedReceiptSchema, { maxItems: RECEIPT_LIMITS.maxRejected, description: "settled ids that were rejected, with the reason" })),
});
export type RejectedReceipt = Static<typeof RejectedReceiptSchema>;
export type Receipt = Static<typeof ReceiptSchema>;
export const receiptValidator = compile(ReceiptSchema);

/**
 * Encode what one commit settled for one agent as receipt payloads, in order: one message when the
 * ids fit, else one per `RECEIPT_LIMITS.maxSettled` ids. A rejected entry goes in the message that
 * settles its id (at most `maxRejected` per message; its id is settled either way). Rejected entries
 * whose id is not in `settled` are left out: a receipt never lists an id it does not settle.
 */
export function encodeReceipts(settled: readonly string[], rejected: readonly RejectedReceipt[] = []): string[] {
  const max = RECEIPT_LIMITS.maxSettled;
  if (settled.length === 0) return [];
  const chunks = Math.ceil(settled.length / max);
  const perChunk: RejectedReceipt[][] = Array.from({ length: chunks }, () => []);
  if (rejected.length > 0) {
    const at = new Map<string, number>();
    settled.forEach((id, i) => at.set(id, Math.floor(i / max)));
    for (const r of rejected) {
      const chunk = at.get(r.id);
      if (chunk === undefined || perChunk[chunk]!.length >= RECEIPT_LIMITS.maxRejected) continue;
      perChunk[chunk]!.push({ id: r.id, reason: r.reason.slice(0, RECEIPT_LIMITS.maxReasonLength) || "rejected" });
    }
  }
  const out: string[] = [];
  for (let c = 0; c < chunks; c++) {
    out.push(encodePayload("receipts", { settled: settled.slice(c * max, (c + 1) * max), rejected: perChunk[c]! }));
  }
  return out;
}

/** Decode a receipt payload (what an agent receives); an error names the field and the rule. Never throws. */
export function decodeReceipt(payload: string): Result<Receipt> {
  if (payload.length > LIMITS.maxBatchBytes * 4) return { ok: false, error: `oversized: ${payload.length} characters` };
  const json = parseJson(payload);
  if (!json.ok) return json;
  const parsed = receiptValidator.parse(json.value);
  return parsed.ok ? parsed : { ok: false, error: `schema: ${parsed.error}` };
}

/**
 * Whether a retained layout message comes from a server that sends receipts (v1.1): it carries
 * `"receipts": true` at top level. An older server's layout does not.
 */
export function layoutAnnouncesReceipts(layoutMessage: unknown): boolean {
  return typeof layoutMessage === "object" && layoutMessage !== null && (layoutMessage as { receipts?: unknown }).receipts === true;
}
