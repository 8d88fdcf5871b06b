/**
 * CSV figures: what a spreadsheet reads back is the figure to within half a unit of the last
 * decimal written, with exactly the decimals its kind states, as a plain decimal (no "-0", no
 * grouping, no exponent), and writing what was read gives the same text.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CSV_DECIMALS, csvDecimals, csvNumber, csvText, moneyDecimals } from "./csv-number.js";

const figure = fc.oneof(
  fc.double({ min: -1e9, max: 1e9, noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map((n) => n / 1000), // amounts and shares near a rounding edge
  fc.integer({ min: -2_000_000, max: 2_000_000 }).map((n) => n / 200 + 0.0025), // ties (x.xx5) in decimal
  fc.double({ min: -1e-3, max: 1e-3, noNaN: true }), // tiny negatives round to 0, not "-0"
);
const decimals = fc.integer({ min: 0, max: 6 });

describe("csvNumber", () => {
  it("reads back within half a unit of its last decimal", () => {
    fc.assert(
      fc.property(figure, decimals, (v, d) => {
        const text = csvNumber(v, d);
        // Half a unit, plus what parsing a decimal into a double may move it (one part in 2^52).
        expect(Math.abs(Number(text) - v)).toBeLessThanOrEqual(0.5 * 10 ** -d + Math.abs(v) * 2 ** -52);
      }),
      { numRuns: 2000 },
    );
  });

  it("writes exactly the stated decimals, as a plain decimal, never -0", () => {
    fc.assert(
      fc.property(figure, decimals, (v, d) => {
        const text = csvNumber(v, d);
        expect(text).toMatch(d === 0 ? /^-?\d+$/ : new RegExp(`^-?\\d+\\.\\d{${d}}$`));
        expect(text).not.toMatch(/^-0(\.0*)?$/);
        if (Number(text) !== 0) expect(Math.sign(Number(text))).toBe(Math.sign(v));
      }),
      { numRuns: 2000 },
    );
  });

  it("gives the same text for the figure a spreadsheet read back (a file exported again does not drift)", () => {
    fc.assert(
      fc.property(figure, decimals, (v, d) => {
        const text = csvNumber(v, d);
        expect(csvNumber(Number(text), d)).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it("writes whole counts as they are, and no figure (empty) for NaN and infinities", () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.maxSafeInteger()), (n) => {
        expect(csvNumber(n, CSV_DECIMALS.count)).toBe(String(n));
      }),
    );
    expect([NaN, Infinity, -Infinity].map((x) => csvNumber(x, 2))).toEqual(["", "", ""]);
  });

  it("examples: money to the cent, shares to 4 decimals, seconds to 1, points to 2", () => {
    expect(csvNumber(2351.27, csvDecimals("money", "EUR"))).toBe("2351.27");
    expect(csvNumber(0.1 + 0.2, csvDecimals("money"))).toBe("0.30");
    expect(csvNumber(0.792572, csvDecimals("share"))).toBe("0.7926");
    expect(csvNumber(1, csvDecimals("share"))).toBe("1.0000");
    expect(csvNumber(76.97543798449612, csvDecimals("seconds"))).toBe("77.0");
    expect(csvNumber(-0.00004, csvDecimals("change"))).toBe("0.0000");
    expect(csvNumber(1.1000000000000014, csvDecimals("points"))).toBe("1.10");
    expect(csvNumber(-2.5, csvDecimals("points"))).toBe("-2.50");
  });
});

describe("moneyDecimals", () => {
  it("is the currency's minor units, at least 2 (as the screens write money), 2 without one or for a code Intl refuses", () => {
    expect([moneyDecimals("EUR"), moneyDecimals("USD"), moneyDecimals("JPY"), moneyDecimals("KWD"), moneyDecimals("BHD"), moneyDecimals(), moneyDecimals("EURO")]).toEqual([2, 2, 2, 3, 3, 2, 2]);
  });
});

describe("csvText", () => {
  it("never leaves a cell a spreadsheet runs as a formula, and changes nothing else (property)", () => {
    // OWASP's list of the characters a formula starts with; anything else is left as it is.
    const triggers = ["=", "+", "-", "@", "\t", "\r"];
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.tuple(fc.constantFrom(...triggers), fc.string()).map(([c, s]) => c + s)), (text) => {
        const cell = csvText(text);
        expect(triggers.some((c) => cell.startsWith(c))).toBe(false);
        expect(cell).toBe(triggers.some((c) => text.startsWith(c)) ? `'${text}` : text);
      }),
    );
  });
});
