/**
 * Input bounds of protocol v1.1 (DESIGN "Bounds"): pure checks that never recurse into the value
 * and never throw, so that a hostile message costs a linear scan and a counted reject, nothing more.
 */
import { LIMITS } from "./limits.js";

/**
 * The deepest nesting of arrays and objects in a JSON text, found by one scan of the characters
 * (no recursion, no parse): `1` is 0 deep, `[]` and `{}` 1, `{"a":[1]}` 2. Brackets inside strings
 * do not count. The scan stops as soon as the depth passes `stopAbove`. Malformed text gets some
 * number; `JSON.parse` judges it afterwards.
 */
export function jsonDepth(text: string, stopAbove = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > stopAbove) return deepest;
      }
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return deepest;
}

/** Why a JSON text may not be parsed, or null: nested deeper than `LIMITS.maxJsonDepth` levels. */
export function jsonTooDeep(text: string, max: number = LIMITS.maxJsonDepth): string | null {
  const depth = jsonDepth(text, max);
  return depth > max ? `too deep: JSON nested more than ${max} levels` : null;
}

/** Bytes of a payload as UTF-8, whatever its type (a string is measured without encoding it). */
export function byteLength(payload: Uint8Array | string): number {
  if (typeof payload !== "string") return payload.byteLength;
  let n = 0;
  for (let i = 0; i < payload.length; i++) {
    const c = payload.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? (i++, 4) : 3;
  }
  return n;
}

/** Whether `ts` is an event or status time the protocol accepts: an integer in [2000-01-01, 2100-01-01) UTC. */
export function isProtocolTs(ts: unknown): ts is number {
  return typeof ts === "number" && Number.isInteger(ts) && ts >= LIMITS.minTs && ts < LIMITS.maxTs;
}

/** Whether event `id` belongs to `agent`: it begins with the agent's id and a colon (DESIGN v1.1). */
export function isOwnEventId(agent: string, id: string): boolean {
  return id.length > agent.length + 1 && id.charCodeAt(agent.length) === 0x3a /* : */ && id.startsWith(agent);
}

export type PersonalIdKind = "mac" | "email" | "phone";

// Six or more hex pairs with one separator (":" or "-"), as a token of its own: 00:1A:2B:3C:4D:5E, 00-1a-..., EUI-64.
const MAC_SEPARATED = /(?:^|[^0-9a-f])[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}(?![0-9a-f])/i;
// Cisco's dotted form: 001a.2b3c.4d5e.
const MAC_DOTTED = /(?:^|[^0-9a-f.])[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}(?![0-9a-f.])/i;
// Twelve hex digits written without separators, with at least one letter a-f (twelve decimal digits read as a counter).
const MAC_BARE = /^(?=[0-9]*[a-f])[0-9a-f]{12}$/i;
// local@domain.tld anywhere in the id.
const EMAIL = /[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)*\.[a-z]{2,}/i;
// Digits and the punctuation phone numbers are written with, and nothing else.
const PHONE_CHARS = /^\+?[0-9 ().\-/]+$/;
// A short letter prefix such as "ble-" or "mac_", which agents put before what they saw.
const LETTER_PREFIX = /^[a-z]{1,16}[-_]/i;

/** The whole id and the part after its last ":" (agents prefix their own id), each also without a letter prefix. */
function candidates(id: string): string[] {
  const out = [id];
  const colon = id.lastIndexOf(":");
  if (colon >= 0) out.push(id.slice(colon + 1));
  for (const c of [...out]) {
    const m = LETTER_PREFIX.exec(c);
    if (m) out.push(c.slice(m[0].length));
  }
  return out;
}

function isPhone(s: string): boolean {
  if (!PHONE_CHARS.test(s)) return false;
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digits++;
  }
  return digits <= 15 && digits >= (s.startsWith("+") ? 7 : 9);
}

/**
 * Whether a visitor id looks like something that identifies a person or their device, which the
 * protocol forbids (DESIGN: "never a MAC address ..."): `"mac"`, `"email"`, `"phone"`, or null.
 *
 * - mac: six (or more, EUI-64) hex pairs separated by ":" or "-" anywhere in the id; Cisco's
 *   `xxxx.xxxx.xxxx` anywhere; or twelve hex digits without separators (at least one of them a
 *   letter a-f) as the whole id, the part after its last ":", or either after a letter prefix like
 *   `ble-`. A UUID's last group (12 hex digits after other groups) is not taken for one.
 * - email: `local@domain.tld` anywhere in the id.
 * - phone: the whole id, the part after its last ":", or either after a letter prefix, made only
 *   of digits, spaces, `+ ( ) . - /` (a `+` only first), with 9 to 15 digits (E.164's longest),
 *   or 7 to 15 after a leading `+`. Shorter digit runs are taken for counters.
 *
 * Agents hash or rotate what they see (a keyed hash of 16 or more hex digits, a random id, a
 * counter with a letter prefix): such ids never match.
 */
export function personalIdKind(id: string): PersonalIdKind | null {
  if ((id.includes(":") || id.includes("-")) && MAC_SEPARATED.test(id)) return "mac";
  if (id.includes(".") && MAC_DOTTED.test(id)) return "mac";
  // Each pattern needs its literal character: an id without it skips the scan (the e-mail pattern,
  // unanchored, tried every start of every visitor id: ~1 % of ingest's CPU).
  if (id.includes("@") && EMAIL.test(id)) return "email";
  const parts = candidates(id);
  if (parts.some((c) => MAC_BARE.test(c))) return "mac";
  if (parts.some(isPhone)) return "phone";
  return null;
}
