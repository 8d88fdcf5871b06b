import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LayoutInputSchema, layoutInputValidator, layoutValidator } from "./layout.js";
import { NAME_PATTERN, nameFlaw, shownName } from "./names.js";
import { AlertRuleInputSchema, alertRuleInputValidator } from "../alerts/types.js";
import { compile } from "./validate.js";

/** The rule written plainly: each code point, against the list of what a name may not hold. */
function refusedAt(s: string): number | null {
  let i = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const lone = c >= 0xd800 && c <= 0xdfff;
    const control = c <= 0x1f || (c >= 0x7f && c <= 0x9f);
    const separator = c === 0x2028 || c === 0x2029;
    const bidi = (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    if (lone || control || separator || bidi) return i;
    i += ch.length;
  }
  return null;
}

/** Any code point, astral ones as whole pairs, and now and then a lone surrogate; weighted towards the edges of the refused ranges. */
const unit = fc.oneof(
  fc.integer({ min: 0, max: 0x10ffff }).filter((c) => c < 0xd800 || c > 0xdfff).map((c) => String.fromCodePoint(c)),
  fc.integer({ min: 0, max: 0xa0 }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0x2026, max: 0x206a }).map((c) => String.fromCharCode(c)),
  fc.constantFrom("\u200e", "\u200f", "\u061c", "\ufeff", "\ud83d\ude42", "\u00e9", "\u6771", "\u05d0", "\ud800", "\udfff"),
);
const text = fc.string({ unit, maxLength: 12 });

describe("nameFlaw", () => {
  it("refuses exactly what the plain rule refuses, at the first such character", () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(nameFlaw(s)?.index ?? null).toBe(refusedAt(s));
      }),
      { numRuns: 2000 },
    );
  });

  it("agrees with NAME_PATTERN as ajv (with its u flag) and TypeBox (without) read it, on names without half a surrogate pair", () => {
    const unicode = new RegExp(NAME_PATTERN, "u");
    const plain = new RegExp(NAME_PATTERN);
    fc.assert(
      fc.property(text, (s) => {
        fc.pre(!/[\ud800-\udfff]/.test(s.replace(/[\ud800-\udbff][\udc00-\udfff]/g, "")));
        const ok = nameFlaw(s) === null;
        expect(unicode.test(s)).toBe(ok);
        expect(plain.test(s)).toBe(ok);
      }),
      { numRuns: 2000 },
    );
  });

  it("takes accents, CJK, emoji, right-to-left scripts and their marks", () => {
    for (const s of ["Caf\u00e9 cr\u00e8me", "\u6771\u4eac\u99c5", "\ud83c\udf4e Fruit", "\u05d7\u05dc\u05d1 \u200f", "\u0645\u062a\u062c\u0631 \u061c", "Z\u00fcrich \u2014 N\u00ba 3", "a\u00a0b"]) expect(nameFlaw(s)).toBeNull();
  });

  it("names the character and says what to do", () => {
    expect(nameFlaw("Fruit\u001b[2J")).toEqual({ index: 5, flaw: "holds U+001B (ESC, a control character): a name is one line of plain text; remove it" });
    expect(nameFlaw("Fruit\nBakery")?.flaw).toBe("holds U+000A (LINE FEED, a control character): a name is one line of plain text; remove it");
    expect(nameFlaw("a\u0085")?.flaw).toBe("holds U+0085 (NEXT LINE, a control character): a name is one line of plain text; remove it");
    expect(nameFlaw("a\u0001")?.flaw).toBe("holds U+0001 (a control character): a name is one line of plain text; remove it");
    expect(nameFlaw("\u2067x")?.flaw).toBe(
      "holds U+2067 (RIGHT-TO-LEFT ISOLATE, a bidirectional control), which makes a name read in another order where it is shown: remove it (right-to-left text needs none)",
    );
    // What no database stores is said as core textFlaw says it.
    expect(nameFlaw("a\u0000")?.flaw).toBe("holds U+0000 (a NUL character), which no database stores: remove it");
  });
});

describe("the name rule in core's schemas", () => {
  const zone = (name: string) => ({ id: "fruit", name, kind: "zone", polygon: [[0, 0], [1, 0], [1, 1]] });
  const input = (zoneName: string, name = "Rivoli") => ({ name, validFrom: 0, timezone: "UTC", floor: { width: 10, height: 10 }, zones: [zone(zoneName)] });

  it("a layout sent with a control character in a zone's or the store's name is refused, in nameFlaw's words", () => {
    expect(layoutInputValidator.problems(input("Fruit\u0007"))).toEqual(["/zones/0/name: holds U+0007 (BEL, a control character): a name is one line of plain text; remove it"]);
    expect(layoutInputValidator.problems(input("Fruit", "Rivoli\u202d"))).toEqual([
      "/name: holds U+202D (LEFT-TO-RIGHT OVERRIDE, a bidirectional control), which makes a name read in another order where it is shown: remove it (right-to-left text needs none)",
    ]);
    expect(LayoutInputSchema.properties.name.pattern).toBe(NAME_PATTERN);
  });

  it("a layout stored before the rule still reads (the stored shape takes any name)", () => {
    expect(layoutValidator.check({ ...input("Fruit\u001b"), name: "Rivoli\n2", store: "shop", version: 1 })).toBe(true);
  });

  it("an alert rule's name keeps the rule too", () => {
    const rule = { kind: "occupancy", name: "Busy\r\nBcc: x", threshold: 0.8, forSeconds: 0, cooldownSeconds: 0, enabled: true };
    expect(alertRuleInputValidator.problems(rule)).toEqual(["/name: holds U+000D (CARRIAGE RETURN, a control character): a name is one line of plain text; remove it"]);
    expect(compile(AlertRuleInputSchema).check({ ...rule, name: "Caf\u00e9 \ud83d\ude42" })).toBe(true);
  });
});

describe("shownName", () => {
  it("writes out each character the rule refuses and leaves the rest as it is", () => {
    expect(shownName("Fruit\u001b[2J\n\u202e")).toBe("Fruit\\u{1b}[2J\\u{a}\\u{202e}");
    fc.assert(
      fc.property(text, (s) => {
        const shown = shownName(s);
        // One line of plain text (what no database stores is another rule's, textFlaw's).
        expect(refusedAt(shown.replace(/[\ud800-\udfff]/g, "x"))).toBeNull();
        if (refusedAt(s) === null) expect(shown).toBe(s);
      }),
    );
  });
});
