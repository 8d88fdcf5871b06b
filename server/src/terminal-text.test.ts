import { describe, expect, it } from "vitest";
import { visible } from "./terminal-text.js";

describe("visible", () => {
  it("writes an ESC sequence out, so it neither colours nor clears the terminal", () => {
    expect(visible("Till\u001b[31m 2\u001b[2J")).toBe("Till\\x1b[31m 2\\x1b[2J");
  });
  it("writes a newline, a carriage return and a tab as \\n, \\r, \\t: one value stays on one line", () => {
    expect(visible("a\nb\rc\td")).toBe("a\\nb\\rc\\td");
  });
  it("writes DEL, C1 controls (U+009B, a one-character CSI), line separators and bidi overrides as escapes", () => {
    expect(visible("x\u007f\u009b2J\u2028y\u202eevil\u2066")).toBe("x\\x7f\\x9b2J\\u2028y\\u202eevil\\u2066");
  });
  it("leaves other text as typed: accents, other scripts, emoji, backslashes", () => {
    const text = "Caisse n°2 – Café Müller 東京 🛒 C:\\till";
    expect(visible(text)).toBe(text);
  });
});
