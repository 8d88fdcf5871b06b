import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeAuditReport } from "./audits.js";
import { decodeStatus } from "./status.js";
import { flawedText, flawedTextMessage, textFlaw } from "./text.js";

const decode = (b: Uint8Array) => new TextDecoder().decode(b);
/** Well-formed text without U+0000: any code point (astral ones as whole pairs), right-to-left marks included. */
const codePoint = fc.integer({ min: 1, max: 0x10ffff }).filter((c) => c < 0xd800 || c > 0xdfff).map((c) => String.fromCodePoint(c));
const text = fc.string({ unit: fc.oneof(codePoint, fc.constantFrom("\u202e", "\u2067", "\u200f", "\ud83d\ude42")) });
const flaw = fc.constantFrom("\u0000", "\ud800", "\udbff", "\udc00", "\udfff");

describe("textFlaw", () => {
  it("finds nothing in well-formed text without U+0000 (emoji, right-to-left overrides)", () => {
    fc.assert(fc.property(text, (s) => textFlaw(s) === null));
  });

  it("finds a NUL or a lone surrogate put anywhere, where it was put", () => {
    fc.assert(
      fc.property(text, text, flaw, (a, b, bad) => {
        // A high surrogate followed by b's low one would be a whole pair: keep them apart.
        const s = a + bad + (bad >= "\ud800" && bad <= "\udbff" ? `x${b}` : b);
        const found = textFlaw(s);
        expect(found?.index).toBe(a.length);
        expect(found?.flaw).toMatch(bad === "\u0000" ? /^holds U\+0000/ : new RegExp(`^holds U\\+${bad.charCodeAt(0).toString(16).toUpperCase()} alone`));
      }),
    );
  });

  it("names the field or the key, and the line of a text over several", () => {
    expect(flawedTextMessage(flawedText({ zones: [{ name: "ok" }, { name: "a\u0000" }] }, ["body"])!)).toBe(
      "body/zones/1/name holds U+0000 (a NUL character), which no database stores: remove it",
    );
    expect(flawedTextMessage(flawedText({ departments: { "x\udc00": [] } }, ["body"])!)).toBe(
      "a key of body/departments holds U+DC00 alone (half of a UTF-16 surrogate pair), which is not text: send the whole character or remove it",
    );
    expect(flawedTextMessage(flawedText("a,b\nc,d\ne\u0000", ["body"])!)).toMatch(/^body \(line 3\) holds U\+0000/);
    expect(flawedText({ name: "Caf\u00e9 \ud83d\ude42 \u202eevil" })).toBeNull();
  });

  it("walks a value nested deeper than the stack would take", () => {
    let deep: unknown = "end\u0000";
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(flawedText(deep)?.path).toHaveLength(100_000);
  });
});

describe("decoders refuse such text as a schema reject", () => {
  const status = (extra: object) => JSON.stringify({ state: "online", ts: 1_764_000_000_000, kind: "camera", version: "1.0.0", ...extra });
  it("in a status's metric, a metric's name or its version", () => {
    expect(decodeStatus(status({ note: "a\u0000" }), decode)).toEqual({ ok: false, reason: "schema", error: "schema: /note holds U+0000 (a NUL character), which no database stores: remove it" });
    expect(decodeStatus(status({ "n\ud800": 1 }), decode)).toMatchObject({ ok: false, reason: "schema", error: expect.stringMatching(/^schema: a key of \/ holds U\+D800 alone/) });
    expect(decodeStatus(status({ version: "1.0.0\u0000" }), decode)).toMatchObject({ ok: false, reason: "schema" });
    expect(decodeStatus(status({ note: "\u202eok \ud83d\ude42" }), decode)).toMatchObject({ ok: true });
  });
  it("in an audit's auditor", () => {
    const audit = { id: "a-1", method: "manual", auditor: "An\udc00a", from: 1_764_000_000_000, to: 1_764_000_060_000, at: 1_764_000_060_000, hand: { in: 1, out: 1 }, system: { in: 1, out: 1 } };
    expect(decodeAuditReport(JSON.stringify(audit), decode)).toMatchObject({ ok: false, reason: "schema", error: expect.stringMatching(/^schema: \/auditor holds U\+DC00 alone/) });
    expect(decodeAuditReport(JSON.stringify({ ...audit, auditor: "Ana" }), decode)).toMatchObject({ ok: true });
  });
});
