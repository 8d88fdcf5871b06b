/**
 * Webhook signatures (README "Webhooks", DESIGN "Delivery"): every request carries
 *
 *   Footfall-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, `${t}.${body}`)>
 *   Footfall-Delivery: <delivery id>   (the same on every retry: dedupe on it)
 *
 * A receiver recomputes the HMAC over the raw body, compares in constant time, refuses a `t` more
 * than 5 minutes from its clock, and refuses a delivery id it has already taken.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "Footfall-Signature";
export const DELIVERY_HEADER = "Footfall-Delivery";
export const EVENT_HEADER = "Footfall-Event";
/** How far a signature's time may be from the receiver's clock. */
export const REPLAY_WINDOW_SECONDS = 300;

export function sign(secret: string, body: string, tSeconds: number): string {
  return createHmac("sha256", secret).update(`${tSeconds}.${body}`).digest("hex");
}

/** The `Footfall-Signature` value of `body` at `tSeconds`. */
export function signatureHeader(secret: string, body: string, tSeconds: number): string {
  return `t=${tSeconds},v1=${sign(secret, body, tSeconds)}`;
}

export type SignatureCheck = { ok: true; t: number } | { ok: false; why: "malformed" | "mismatch" | "too_old" | "too_new" };

/** Check a `Footfall-Signature` value against the raw body (several v1 values are accepted: a secret rotation). */
export function verifySignature(header: string | undefined, body: string, secret: string, nowSeconds: number, windowSeconds = REPLAY_WINDOW_SECONDS): SignatureCheck {
  if (!header) return { ok: false, why: "malformed" };
  let t: number | null = null;
  const v1: string[] = [];
  for (const part of header.split(",")) {
    const [k, v] = part.trim().split("=", 2);
    if (k === "t" && v && /^\d{1,12}$/.test(v)) t = Number(v);
    else if (k === "v1" && v && /^[0-9a-f]{64}$/.test(v)) v1.push(v);
  }
  if (t === null || v1.length === 0) return { ok: false, why: "malformed" };
  const expected = Buffer.from(sign(secret, body, t), "hex");
  if (!v1.some((v) => timingSafeEqual(Buffer.from(v, "hex"), expected))) return { ok: false, why: "mismatch" };
  if (nowSeconds - t > windowSeconds) return { ok: false, why: "too_old" };
  if (t - nowSeconds > windowSeconds) return { ok: false, why: "too_new" };
  return { ok: true, t };
}
