/**
 * Property tests of the v1.1 input bounds: whatever arrives (any JSON value, any string, any bytes,
 * nesting a million deep), the decoders return a result and never throw, and what they reject is
 * exactly what a naive reference written from DESIGN.md's "Bounds" rejects.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeBatch } from "./batch.js";
import { isOwnEventId, isProtocolTs, jsonDepth, personalIdKind } from "./bounds.js";
import { isEvent, parseEvent } from "./events.js";
import { LIMITS } from "./limits.js";
import { decodeStatus } from "./status.js";
import { parseJson } from "./validate.js";

const RUNS = { numRuns: 300 };
const utf8 = (b: Uint8Array) => new TextDecoder().decode(b);
const TS = Date.UTC(2026, 2, 2, 9);

// ---- references, written the obvious way ------------------------------------------------------

/** Nesting depth of a parsed value, recursively (fine for the shallow values generated here). */
function refDepth(v: unknown): number {
  if (Array.isArray(v)) return 1 + Math.max(0, ...v.map(refDepth));
  if (v !== null && typeof v === "object") return 1 + Math.max(0, ...Object.values(v).map(refDepth));
  return 0;
}
const refTs = (ts: unknown) => typeof ts === "number" && Number.isInteger(ts) && ts >= 946684800000 && ts < 4102444800000;
const refScalar = (v: unknown) => v === null || ["number", "string", "boolean"].includes(typeof v);
function refStatusOk(text: string): boolean {
  if (new TextEncoder().encode(text).length > 16 * 1024) return false;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return false;
  }
  if (refDepth(v) > 16 || v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const { state, ts, kind, version, ...metrics } = v as Record<string, unknown>;
  return (
    (state === "online" || state === "offline") &&
    refTs(ts) &&
    ["door", "beacon", "camera", "sim"].includes(kind as string) &&
    typeof version === "string" &&
    /^\d+\.\d+\.\d+/.test(version) &&
    version.length <= 64 &&
    Object.values(metrics).every(refScalar)
  );
}

// ---- generators ----------------------------------------------------------------------------------

const deepText = (n: number, open = "[", close = "]") => open.repeat(n) + close.repeat(n);
const anyTs = fc.oneof(
  fc.integer({ min: LIMITS.minTs - 10, max: LIMITS.minTs + 10 }),
  fc.integer({ min: LIMITS.maxTs - 10, max: LIMITS.maxTs + 10 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(9e15, 1e300, -1, 0, Number.MAX_SAFE_INTEGER, TS, TS + 0.5, 1.7e308),
  fc.constantFrom("NaN", "Infinity", "-1", "9e15", null, true, [], {}),
);
const agentId = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,20}$/);
const hexByte = fc.integer({ min: 0, max: 255 }).map((n) => n.toString(16).padStart(2, "0"));
const mac = fc
  .tuple(fc.array(hexByte, { minLength: 6, maxLength: 6 }), fc.constantFrom(":", "-", ".", ""), fc.boolean(), fc.constantFrom("", "ble-", "mac_", "cam-1:", "door-2:ble-"))
  .filter(([bytes, sep]) => sep !== "" || /[a-f]/.test(bytes.join("")))
  .map(([bytes, sep, upper, prefix]) => {
    const hex = bytes.join("");
    const body = sep === "." ? `${hex.slice(0, 4)}.${hex.slice(4, 8)}.${hex.slice(8)}` : bytes.join(sep);
    return prefix + (upper ? body.toUpperCase() : body);
  });
const digits = (min: number, max: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(""));
const phone = fc.oneof(
  digits(7, 14).map((d) => `+${d}`),
  digits(9, 12),
  fc.tuple(digits(3, 3), digits(3, 3), digits(4, 4)).map(([a, b, c]) => `(${a}) ${b}-${c}`),
  fc.tuple(digits(2, 2), digits(2, 2), digits(2, 2), digits(2, 2), digits(2, 2)).map((p) => `+33 ${p.join(" ")}`),
  digits(10, 10).map((d) => `cam-1:${d}`),
);
/** Visitor ids as this project's agents make them: never personal (the simulator's: edge's visitor-id.property.test.ts). */
const agentVisitor = fc.oneof(
  fc.array(hexByte, { minLength: 16, maxLength: 16 }).map((b) => `ble-${b.join("")}`),
  fc.array(hexByte, { minLength: 12, maxLength: 12 }).map((b) => `cam-1-${b.join("")}`),
  fc.uuid(),
  fc.nat().map((n) => `v${n}`),
  fc.nat(999_999).map((n) => `cam-a-${n}`),
);
const event = (over: Record<string, unknown> = {}) => ({ type: "enter", id: "cam-1:000000001", ts: TS, zone: "fruit", visitor: "v-1", ...over });

// ---- the properties --------------------------------------------------------------------------

describe("jsonDepth", () => {
  it("equals the nesting depth of the parsed value, brackets inside strings not counted", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        expect(jsonDepth(JSON.stringify(v))).toBe(refDepth(v));
      }),
      RUNS,
    );
  });

  // jsonDepth as bounds.ts wrote it before strings were skipped with indexOf: every character looked at.
  const charByChar = (text: string, stopAbove = Number.POSITIVE_INFINITY): number => {
    let depth = 0;
    let deepest = 0;
    let inString = false;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (inString) {
        if (c === 0x5c) i++;
        else if (c === 0x22) inString = false;
      } else if (c === 0x22) inString = true;
      else if (c === 0x5b || c === 0x7b) {
        if (++depth > deepest) {
          deepest = depth;
          if (deepest > stopAbove) return deepest;
        }
      } else if (c === 0x5d || c === 0x7d) depth--;
    }
    return deepest;
  };

  it("answers as the character-by-character scan does, on any text (quotes, backslashes, brackets, unterminated strings)", () => {
    const piece = fc.constantFrom('"', "\\", "\\\\", '\\"', "[", "]", "{", "}", ":", ",", "a", "1", " ", "é", "\u{1F600}");
    const text = fc.oneof(fc.array(piece, { maxLength: 40 }).map((p) => p.join("")), fc.string({ maxLength: 40, unit: "binary" }), fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)));
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 8 }), (t, stop) => {
        expect(jsonDepth(t), t).toBe(charByChar(t));
        expect(jsonDepth(t, stop), t).toBe(charByChar(t, stop));
      }),
      { numRuns: 3000 },
    );
  });

  it("scans a million levels without recursing, and stops early", () => {
    expect(jsonDepth(deepText(1_000_000))).toBe(1_000_000);
    expect(jsonDepth(deepText(1_000_000, "{\"a\":", "}"), 16)).toBe(17);
  });
});

describe("parseJson", () => {
  it("refuses text nested deeper than 16 levels before parsing it, and parses 16", () => {
    expect(parseJson(deepText(16))).toMatchObject({ ok: true });
    expect(parseJson(deepText(17))).toMatchObject({ ok: false, reason: "too_deep" });
    expect(parseJson(deepText(20_000))).toMatchObject({ ok: false, reason: "too_deep" });
    expect(parseJson(`{"a":"${"[".repeat(100)}"}`)).toMatchObject({ ok: true });
  });

  it("never throws, and accepts exactly what JSON.parse accepts within the depth bound", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json({ maxDepth: 20 }), fc.string({ unit: fc.constantFrom("[", "]", "{", "}", '"', "\\", ",", ":", "1") })), (text) => {
        let ref: boolean;
        try {
          ref = refDepth(JSON.parse(text)) <= 16;
        } catch {
          ref = false;
        }
        expect(parseJson(text).ok).toBe(ref);
      }),
      RUNS,
    );
  });
});

describe("decodeBatch", () => {
  const decode = (p: Uint8Array | string) => decodeBatch(p, utf8);

  it("never throws on any JSON value, any string or any bytes, as a message or as an event", () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v)), fc.string(), fc.uint8Array()), (payload) => {
        expect(typeof decode(payload).ok).toBe("boolean");
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 5 }), (events) => {
        const r = decode(JSON.stringify({ agent: "cam-1", events }));
        expect(r.ok).toBe(true);
        if (r.ok) expect(r.value.events.length + r.value.rejected.length).toBe(events.length);
      }),
      RUNS,
    );
  });

  it("takes an event without building a result (isEvent) exactly when parseEvent takes it, and the same object", () => {
    const field = fc.constantFrom("type", "id", "ts", "zone", "visitor", "in", "out", "x", "y", "extra");
    const nearEvent = fc.tuple(fc.constantFrom("enter", "exit", "count", "position", "constructor", "toString", "nope"), fc.dictionary(field, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }), fc.boolean())
      .map(([type, over, drop]) => { const e: Record<string, unknown> = { ...event({ type, in: 1, out: 0, x: 1, y: 2 }), ...over }; if (drop) delete e.visitor; return e; });
    fc.assert(
      fc.property(fc.oneof(nearEvent, fc.anything(), fc.jsonValue()), (v) => {
        const parsed = parseEvent(v);
        expect(isEvent(v)).toBe(parsed.ok);
        if (parsed.ok) expect(parsed.value).toBe(v);
      }),
      { numRuns: 3000 },
    );
  });

  it("rejects an event whose type names an Object.prototype member (constructor, toString, __proto__) as schema, without throwing", () => {
    for (const type of ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf"]) {
      const text = `{"agent":"cam-1","events":[{"type":"${type}","id":"cam-1:1","ts":${TS},"zone":"fruit","visitor":"v-1"},${JSON.stringify(event())}]}`;
      const r = decodeBatch(text, utf8);
      expect(r.ok, type).toBe(true);
      if (!r.ok) continue;
      expect(r.value.events.map((e) => e.id)).toEqual(["cam-1:000000001"]);
      expect(r.value.rejected).toEqual([{ index: 0, id: "cam-1:1", code: "schema", reason: "schema: /type: expected one of enter, exit, count, position" }]);
    }
  });

  it("rejects a message nested deeper than 16 levels as too_deep, whatever it holds", () => {
    for (const n of [17, 100, 20_000, 100_000]) {
      expect(decode(`{"agent":"cam-1","events":[${deepText(n)}]}`)).toMatchObject({ ok: false, reason: "too_deep" });
    }
  });

  it("takes an event's ts only when it is an integer in [2000, 2100), as a schema reject", () => {
    fc.assert(
      fc.property(anyTs, (ts) => {
        const r = decode(JSON.stringify({ agent: "cam-1", events: [event({ ts })] }));
        if (!r.ok) throw new Error(r.error);
        expect(r.value.events.length).toBe(refTs(ts) ? 1 : 0);
        expect(r.value.rejected.map((x) => x.code)).toEqual(refTs(ts) ? [] : ["schema"]);
        expect(isProtocolTs(ts)).toBe(refTs(ts));
        expect(parseEvent(event({ ts })).ok).toBe(refTs(ts));
      }),
      RUNS,
    );
  });

  it("rejects an event whose id does not begin with the publishing agent's id and a colon as foreign_id", () => {
    fc.assert(
      fc.property(agentId, fc.oneof(agentId.map((a) => `${a}:1`), fc.string({ minLength: 1, maxLength: 40 }), agentId.chain((a) => fc.string({ maxLength: 5 }).map((s) => a + s))), (agent, id) => {
        const own = id.startsWith(`${agent}:`) && id.length > agent.length + 1;
        expect(isOwnEventId(agent, id)).toBe(own);
        const r = decode(JSON.stringify({ agent, events: [event({ id })] }));
        if (!r.ok) throw new Error(r.error);
        expect(r.value.rejected.map((x) => x.code)).toEqual(own ? [] : ["foreign_id"]);
      }),
      RUNS,
    );
  });

  it("rejects MAC-, e-mail- and phone-shaped visitor ids as personal_id, and takes ids agents make", () => {
    const codes = (visitor: string) => {
      const r = decode(JSON.stringify({ agent: "cam-1", events: [event({ visitor }), { type: "position", id: "cam-1:2", ts: TS, visitor, x: 1, y: 1 }] }));
      if (!r.ok) throw new Error(r.error);
      return r.value.rejected.map((x) => x.code);
    };
    fc.assert(
      fc.property(mac, (v) => {
        expect(personalIdKind(v)).toBe("mac");
        expect(codes(v)).toEqual(["personal_id", "personal_id"]);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.emailAddress(), (v) => {
        fc.pre(v.length <= LIMITS.maxVisitorLength);
        expect(personalIdKind(v)).toBe("email");
        expect(codes(v)).toEqual(["personal_id", "personal_id"]);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(phone, (v) => {
        expect(personalIdKind(v)).toBe("phone");
      }),
      RUNS,
    );
    fc.assert(
      fc.property(agentVisitor, (v) => {
        expect(personalIdKind(v)).toBeNull();
        expect(codes(v)).toEqual([]);
      }),
      RUNS,
    );
  });

  it("reads the usual notations as MAC addresses, and a UUID, a short counter or a time as none", () => {
    for (const v of ["00:1A:2B:3C:4D:5E", "00-1a-2b-3c-4d-5e", "001a.2b3c.4d5e", "001A2B3C4D5E", "ble-001a2b3c4d5e", "cam-1:aa:bb:cc:dd:ee:ff", "02:00:00:00:00:00:00:01"]) {
      expect(personalIdKind(v), v).toBe("mac");
    }
    for (const v of ["550e8400-e29b-41d4-a716-446655440000", "1234567", "12:30:00", "b-12-34567", "v-00000123", "visitor-42", "2026-03-02"]) {
      expect(personalIdKind(v), v).toBeNull();
    }
    expect(personalIdKind("jane.doe@example.org")).toBe("email");
    expect(personalIdKind("+44 20 7946 0958")).toBe("phone");
    expect(personalIdKind("0612345678")).toBe("phone");
  });
});

describe("personalIdKind's fast paths", () => {
  // personalIdKind as bounds.ts wrote it before the literal-character guards: every pattern tried on every id.
  const MAC_SEPARATED = /(?:^|[^0-9a-f])[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}(?![0-9a-f])/i;
  const MAC_DOTTED = /(?:^|[^0-9a-f.])[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}(?![0-9a-f.])/i;
  const MAC_BARE = /^(?=[0-9]*[a-f])[0-9a-f]{12}$/i;
  const EMAIL = /[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)*\.[a-z]{2,}/i;
  const PHONE_CHARS = /^\+?[0-9 ().\-/]+$/;
  const LETTER_PREFIX = /^[a-z]{1,16}[-_]/i;
  const candidates = (id: string) => {
    const out = [id];
    const colon = id.lastIndexOf(":");
    if (colon >= 0) out.push(id.slice(colon + 1));
    for (const c of [...out]) {
      const m = LETTER_PREFIX.exec(c);
      if (m) out.push(c.slice(m[0].length));
    }
    return out;
  };
  const isPhone = (c: string) => {
    if (!PHONE_CHARS.test(c)) return false;
    const digits = c.replace(/[^0-9]/g, "").length;
    return digits <= 15 && digits >= (c.startsWith("+") ? 7 : 9);
  };
  const reference = (id: string) => {
    if (MAC_SEPARATED.test(id) || MAC_DOTTED.test(id)) return "mac";
    if (EMAIL.test(id)) return "email";
    const parts = candidates(id);
    if (parts.some((c) => MAC_BARE.test(c))) return "mac";
    if (parts.some(isPhone)) return "phone";
    return null;
  };

  it("answers as every pattern tried on every id does (ids made of MAC, e-mail and phone pieces, with and without : - . @)", () => {
    const piece = fc.constantFrom("00", "1a", "2B", "ff", "3c4d", "001a", ":", "-", ".", "@", "_", "+", " ", "ble-", "agent:", "jane", "example", ".org", ".c", "0612", "345678", "x");
    // Since the candidates are scanned by hand (no arrays, slices or LETTER_PREFIX/MAC_BARE/PHONE_CHARS
    // patterns), also: long letter runs before "-"/"_", phone punctuation, letters just outside a-f and
    // a-z in ASCII ("g", "@", "[", "`", "{"), non-ASCII that case-folds to ASCII (ſ, the Kelvin sign).
    const more = fc.constantFrom("abcdefghijklmnop", "q", "Z", "_", "(", ")", "/", "g", "G", "`", "[", "{", "ſ", "\u212A", "é", "0", "5", "9", "A", "F", "+49", "1a2b3c4d5e6f", "123456789", "mac_", "BLE-");
    const id = fc.oneof(
      fc.array(piece, { maxLength: 16 }).map((p) => p.join("")),
      fc.array(fc.oneof(piece, more), { maxLength: 16 }).map((p) => p.join("")),
      fc.string({ maxLength: 30 }),
      fc.string({ maxLength: 30, unit: "binary" }),
    );
    fc.assert(
      fc.property(id, (v) => {
        expect(personalIdKind(v), v).toBe(reference(v));
      }),
      { numRuns: 3000 },
    );
    // The edges of the letter prefix (1-16 letters), the bare MAC (12 hex digits) and the phone (7/9-15 digits).
    const edges = ["abcdefghijklmnop-1a2b3c4d5e6f", "abcdefghijklmnopq-1a2b3c4d5e6f", "a_1a2b3c4d5e6f", "-1a2b3c4d5e6f", "cam:ble-1a2b3c4d5e6f", "ble-cam:1A2B3C4D5E6F",
      "1a2b3c4d5e6", "1a2b3c4d5e6f0", "123456789012", "x:+1234567", "x:+123456", "123456789", "12345678", "1234567890123456", "+", "x:", "mac_+49 (30) 1234-567/8", "ble-ſ1a2b3c4d5e6f",
      "00-1a-2b-3c-4d-5e", "00:1A:2B:3C:4D:5E", "x:00:1a:2b:3c:4d", "00-1a-2b-3c-4d", "00-1a-2b:3c-4d-5e"];
    for (const v of edges) expect(personalIdKind(v), v).toBe(reference(v));
    // Separated MACs among other text: 4-7 hex pairs (the pattern needs six, one separator), separators mixed at times.
    const pair = fc.oneof({ arbitrary: fc.constantFrom("00", "1a", "2B", "ff"), weight: 8 }, { arbitrary: fc.constantFrom("9", "g0", "abc"), weight: 1 });
    const mac = fc.tuple(fc.array(pair, { minLength: 4, maxLength: 7 }), fc.constantFrom(":", "-"), fc.boolean(), fc.constantFrom("", "ble-", "cam:", "x-", "1", "a:b-")).map(([pairs, sep, mix, pre]) =>
      pre + pairs.map((p, i) => (i === 0 ? p : (mix && i === 2 ? (sep === ":" ? "-" : ":") : sep) + p)).join(""));
    fc.assert(
      fc.property(mac, fc.constantFrom("", "1", ":", "-", "x", ":ff"), (v, post) => {
        expect(personalIdKind(v + post), v + post).toBe(reference(v + post));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("decodeStatus", () => {
  const status = (extra: Record<string, unknown> = {}) => ({ state: "online", ts: TS, kind: "camera", version: "1.2.3", ...extra });
  const decode = (p: Uint8Array | string) => decodeStatus(p, utf8);

  it("never throws, and accepts exactly what the reference accepts (16 KiB, flat metrics, bounded ts)", () => {
    const metrics = fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.string({ maxLength: 3000 })), { maxKeys: 8 });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.tuple(metrics, anyTs).map(([m, ts]) => JSON.stringify({ ...status(m), ts })),
          metrics.map((m) => JSON.stringify(status(m))),
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.string(),
        ),
        (text) => {
          const r = decode(text);
          expect(r.ok).toBe(refStatusOk(text));
          expect(decode(new TextEncoder().encode(text)).ok).toBe(r.ok);
        },
      ),
      RUNS,
    );
  });

  it("rejects a 10 MB status by its size, a deep one by its depth and nested metrics by the schema", () => {
    expect(decode(JSON.stringify(status({ pad: "x".repeat(10_000_000) })))).toMatchObject({ ok: false, reason: "oversized" });
    expect(decode(JSON.stringify(status({ pad: "é".repeat(8200) })))).toMatchObject({ ok: false, reason: "oversized" });
    expect(decode(`{"state":"online","ts":${TS},"kind":"camera","version":"1.0.0","m":${deepText(20_000)}}`)).toMatchObject({ ok: false, reason: "oversized" });
    expect(decode(`{"state":"online","ts":${TS},"kind":"camera","version":"1.0.0","m":${deepText(5_000)}}`)).toMatchObject({ ok: false, reason: "too_deep" });
    expect(decode(JSON.stringify(status({ m: { a: 1 } })))).toMatchObject({ ok: false, reason: "schema" });
    expect(decode(JSON.stringify(status({ m: [1] })))).toMatchObject({ ok: false, reason: "schema" });
    expect(decode(JSON.stringify(status({ queued: 3, outbox: "durable", connected: true, lastEventTs: null })))).toMatchObject({ ok: true });
  });
});
