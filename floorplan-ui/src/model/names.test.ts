import { describe, expect, it } from "vitest";
import { nameFlaw } from "@footfall/core";
import { nameProblem } from "./names.js";

describe("nameProblem", () => {
  it("says what the server's name rule refuses, in core nameFlaw's words, with the name written out", () => {
    expect(nameProblem("Label", "Anna\u001b[2J")).toBe("Label “Anna\\u{1b}[2J” holds U+001B (ESC, a control character): a name is one line of plain text; remove it");
    expect(nameProblem("Name", "North\r\nBcc: x")).toBe(`Name “North\\u{d}\\u{a}Bcc: x” ${nameFlaw("North\r\nBcc: x")!.flaw}`);
    expect(nameProblem("Name", "Rivoli \u202eexe.pdf")).toBe(
      "Name “Rivoli \\u{202e}exe.pdf” holds U+202E (RIGHT-TO-LEFT OVERRIDE, a bidirectional control), which makes a name read in another order where it is shown: remove it (right-to-left text needs none)",
    );
  });
  it("takes names of any script, their marks, and an empty value (whether one is needed is the form's)", () => {
    for (const s of ["", "Caf\u00e9", "\u6771\u4eac", "\u05d7\u05dc\u05d1\u200f", "\u0645\u062a\u062c\u0631 Z\u00fcrich", "\ud83c\udf4e", "Anna's laptop"]) expect(nameProblem("Name", s)).toBeNull();
  });
});
