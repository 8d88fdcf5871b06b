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
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      // A string: jump to its closing quote with indexOf (most of an event's text is strings), a
      // quote being escaped when an odd number of backslashes run up to it. Unterminated: the end.
      let close = text.indexOf('"', i + 1);
      for (;;) {
        if (close < 0) return deepest;
        let slashes = 0;
        while (text.charCodeAt(close - 1 - slashes) === 0x5c /* \ */) slashes++;
        if ((slashes & 1) === 0) break;
        close = text.indexOf('"', close + 1);
      }
      i = close;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
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
// local@domain.tld anywhere in the id.
const EMAIL = /[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)*\.[a-z]{2,}/i;

// The candidates a bare MAC or a phone number is looked for in: the whole id and the part after its
// last ":" (agents prefix their own id), each also without a letter prefix such as "ble-" or "mac_"
// (`^[a-z]{1,16}[-_]`, ASCII letters either case). Each candidate runs to the id's end, so it is
// kept as its start index: no array, no slice, no match object for each event (issue 11).

/** Where the candidate starting at `start` continues after a letter prefix of 1-16 ASCII letters and "-" or "_", or -1. */
function afterLetterPrefix(s: string, start: number): number {
  let i = start;
  const end = Math.min(s.length, start + 17);
  while (i < end) {
    const c = s.charCodeAt(i) | 0x20;
    if (c < 0x61 /* a */ || c > 0x7a /* z */) break;
    i++;
  }
  const n = i - start;
  if (n < 1 || n > 16 || i >= s.length) return -1;
  const c = s.charCodeAt(i);
  return c === 0x2d /* - */ || c === 0x5f /* _ */ ? i + 1 : -1;
}

/** Whether s[start..] is exactly twelve hex digits (ASCII, either case) with at least one letter a-f. */
function isBareMacAt(s: string, start: number): boolean {
  if (s.length - start !== 12) return false;
  let letter = false;
  for (let i = start; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) continue;
    const l = c | 0x20;
    if (l < 0x61 || l > 0x66) return false;
    letter = true;
  }
  return letter;
}

/**
 * Whether s[start..] is a phone number: a "+" only first, then one or more of the digits and
 * ` ( ) . - /`, nothing else, with 9 to 15 digits (7 to 15 after a leading "+").
 */
function isPhoneAt(s: string, start: number): boolean {
  let i = start;
  const plus = i < s.length && s.charCodeAt(i) === 0x2b; /* + */
  if (plus) i++;
  if (i >= s.length) return false;
  let digits = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) digits++;
    else if (c !== 0x20 && c !== 0x28 && c !== 0x29 && c !== 0x2e && c !== 0x2d && c !== 0x2f) return false; /* space ( ) . - / */
  }
  return digits <= 15 && digits >= (plus ? 7 : 9);
}

/** Whether `id` holds five ":" or five "-", as a separated MAC (six hex pairs, one separator) needs. */
function fiveSeparators(id: string): boolean {
  let colons = 0;
  let dashes = 0;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c === 0x3a /* : */ && ++colons === 5) return true;
    if (c === 0x2d /* - */ && ++dashes === 5) return true;
  }
  return false;
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
  if (fiveSeparators(id) && MAC_SEPARATED.test(id)) return "mac";
  if (id.includes(".") && MAC_DOTTED.test(id)) return "mac";
  // Each pattern needs its literal characters: an id without them skips the scan (the e-mail pattern,
  // unanchored, tried every start of every visitor id: ~1 % of ingest's CPU; a separated MAC needs
  // five of its separator, which ids like "v-agent-12" lack).
  if (id.includes("@") && EMAIL.test(id)) return "email";
  // The candidates by start index (-1: none): the id, its tail after the last ":", each without a letter prefix.
  const colon = id.lastIndexOf(":");
  const tail = colon >= 0 ? colon + 1 : -1;
  const idBare = afterLetterPrefix(id, 0);
  const tailBare = tail >= 0 ? afterLetterPrefix(id, tail) : -1;
  if (atSomeCandidate(isBareMacAt, id, tail, idBare, tailBare)) return "mac";
  if (atSomeCandidate(isPhoneAt, id, tail, idBare, tailBare)) return "phone";
  return null;
}

/** Whether `test` holds at the id's start or at any of the other candidate starts that exist (not -1). */
function atSomeCandidate(test: (s: string, start: number) => boolean, id: string, tail: number, idBare: number, tailBare: number): boolean {
  return test(id, 0) || (tail >= 0 && test(id, tail)) || (idBare >= 0 && test(id, idBare)) || (tailBare >= 0 && test(id, tailBare));
}
