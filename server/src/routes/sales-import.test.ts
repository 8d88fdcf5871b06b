import { formatBucketStart } from "@footfall/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkSale, CsvHeaderError, parseSaleTime, readCsv, type SaleContext } from "./sales-import.js";

const NOW = Date.UTC(2026, 10, 20, 15);
const ctx: SaleContext = {
  timeZone: "Europe/Paris",
  now: NOW,
  hasZone: (zone) => ["fruit", "bakery", "veg", "checkout"].includes(zone),
  departments: { produce: ["fruit", "veg"], bread: ["bakery"] },
};

describe("parseSaleTime", () => {
  it("reads a local time the clocks showed twice as the second, one they skipped as that much later, telling which; an offset decides", () => {
    const told: unknown[] = [];
    const tell = (t: unknown) => told.push(t);
    // Paris, 25 Oct 2026: 03:00 CEST became 02:00 CET, so 02:30 came at 00:30Z and again at 01:30Z.
    expect(parseSaleTime("2026-10-25 02:30", "Europe/Paris", NOW, tell)).toBe(Date.UTC(2026, 9, 25, 1, 30));
    expect(told).toEqual([{ kind: "repeated", value: "2026-10-25 02:30", ts: Date.UTC(2026, 9, 25, 1, 30), other: Date.UTC(2026, 9, 25, 0, 30) }]);
    expect(parseSaleTime("2026-10-25T02:30:00+02:00", "Europe/Paris", NOW, tell)).toBe(Date.UTC(2026, 9, 25, 0, 30));
    // Paris, 29 Mar 2026: 02:00 CET became 03:00 CEST, so no 02:30: read as 03:30 CEST.
    expect(parseSaleTime("2026-03-29 02:30", "Europe/Paris", NOW, tell)).toBe(Date.UTC(2026, 2, 29, 1, 30));
    expect(told.at(-1)).toEqual({ kind: "skipped", value: "2026-03-29 02:30", ts: Date.UTC(2026, 2, 29, 1, 30), other: null });
    // Any other hour of those days, and any time with an offset, is no choice.
    expect(parseSaleTime("2026-10-25 03:30", "Europe/Paris", NOW, tell)).toBe(Date.UTC(2026, 9, 25, 2, 30));
    expect(parseSaleTime("2026-10-25 01:59", "Europe/Paris", NOW, tell)).toBe(Date.UTC(2026, 9, 24, 23, 59));
    expect(told).toHaveLength(2);
  });

  it("reads epoch milliseconds, as a number or a string", () => {
    expect(parseSaleTime(NOW - 1000, "UTC", NOW)).toBe(NOW - 1000);
    expect(parseSaleTime(String(NOW - 1000), "UTC", NOW)).toBe(NOW - 1000);
  });
  it("reads ISO 8601 with Z or an offset", () => {
    expect(parseSaleTime("2026-11-20T13:05:00Z", "Europe/Paris", NOW)).toBe(Date.UTC(2026, 10, 20, 13, 5));
    expect(parseSaleTime("2026-11-20T14:05:00+01:00", "UTC", NOW)).toBe(Date.UTC(2026, 10, 20, 13, 5));
    expect(parseSaleTime("2026-11-20T08:05:00.250-0500", "UTC", NOW)).toBe(Date.UTC(2026, 10, 20, 13, 5, 0, 250));
  });
  it("reads a time without an offset as the store's local wall clock", () => {
    expect(parseSaleTime("2026-11-20 14:05", "Europe/Paris", NOW)).toBe(Date.UTC(2026, 10, 20, 13, 5));
    // summer time: UTC+2
    expect(parseSaleTime("2026-07-01T14:05:00", "Europe/Paris", NOW)).toBe(Date.UTC(2026, 6, 1, 12, 5));
  });
  it.each([
    ["yesterday", /bad timestamp/],
    ["2026-02-30 10:00", /no such date/],
    ["2026-11-20", /bad timestamp/],
    [1_700_000_000, /epoch seconds/],
    [String(NOW + 3_600_000), /future/],
    [undefined, /no timestamp/],
  ])("refuses %s", (value, reason) => {
    expect(parseSaleTime(value, "UTC", NOW)).toMatch(reason);
  });
});

describe("checkSale", () => {
  const row = (fields: Record<string, unknown>) => checkSale({ line: 2, ts: NOW - 60_000, amount: "12.50", items: "2", transaction: "t1", ...fields }, ctx);

  it("keeps a sale in a zone", () => {
    expect(row({ zone: "fruit" })).toEqual({ transaction: "t1", ts: NOW - 60_000, zone: "fruit", department: null, zones: ["fruit"], amount: 12.5, items: 2 });
  });
  it("shares a department's sale between its zones", () => {
    expect(row({ department: "produce" })).toMatchObject({ zone: null, department: "produce", zones: ["fruit", "veg"] });
  });
  it("takes a department a row names from the store's own departments only, not from what every object has", () => {
    for (const name of ["toString", "constructor", "valueOf", "hasOwnProperty", "__proto__"]) {
      expect(row({ department: name }), name).toBe(`unknown department "${name}": map it to zones with PUT /api/v1/stores/:store/departments`);
      expect(row({ zone: "fruit", department: name }), name).toBe(`unknown department "${name}"`);
    }
  });
  it("keeps the zone when a row names a zone of its department", () => {
    expect(row({ zone: "veg", department: "produce" })).toMatchObject({ zone: "veg", department: "produce", zones: ["veg"] });
  });
  it("names the moment of a refused row in the store's own time, not UTC", () => {
    expect(row({ zone: "toys" })).toBe(`unknown zone "toys": not in the layout in force at ${formatBucketStart(NOW - 60_000, ctx.timeZone)} (${ctx.timeZone})`);
  });
  it("leaves items out when the cell is empty", () => {
    expect(row({ zone: "fruit", items: "" })).toMatchObject({ items: null });
  });
  it.each([
    [{ zone: "toys" }, /unknown zone "toys"/],
    [{ department: "toys" }, /unknown department "toys"/],
    [{ zone: "bakery", department: "produce" }, /not in department "produce"/],
    [{}, /no zone or department/],
    [{ zone: "fruit", amount: "12,50" }, /bad amount "12,50"/],
    [{ zone: "fruit", amount: "-3" }, /bad amount/],
    [{ zone: "fruit", amount: "" }, /no amount/],
    [{ zone: "fruit", items: "1.5" }, /bad items/],
    [{ zone: "fruit", transaction: "" }, /no transaction id/],
    [{ zone: "fruit", ts: "soon" }, /bad timestamp/],
  ])("refuses %j", (fields, reason) => {
    expect(row(fields)).toMatch(reason);
  });
});

describe("readCsv", () => {
  it("maps columns by header name, in any order, and numbers rows by their line in the file", () => {
    const { rows, errors } = readCsv("transaction,amount,timestamp,zone\nt1,3,2026-11-20T10:00:00Z,fruit\n\nt2,4,2026-11-20T11:00:00Z,bakery\n");
    expect(errors).toEqual([]);
    expect(rows).toEqual([
      { line: 2, transaction: "t1", amount: "3", ts: "2026-11-20T10:00:00Z", zone: "fruit", department: undefined, items: undefined },
      { line: 4, transaction: "t2", amount: "4", ts: "2026-11-20T11:00:00Z", zone: "bakery", department: undefined, items: undefined },
    ]);
  });
  it("counts the lines of a quoted field that spans several", () => {
    const { rows } = readCsv('timestamp,zone,amount,transaction\n1,"fru\nit",3,t1\n1,bakery,3,t2\n');
    expect(rows.map((r) => r.line)).toEqual([2, 4]);
  });
  it("reports a row with the wrong number of fields by its line", () => {
    expect(readCsv("timestamp,zone,amount,transaction\n1,fruit,3\n").errors).toEqual([{ line: 2, error: "3 fields where the header has 4" }]);
  });
  it("reads semicolon-separated files and a byte-order mark", () => {
    const { rows } = readCsv("\uFEFFTimestamp;Department;Amount;Items;Transaction\r\n1;produce;3;1;t1\r\n");
    expect(rows[0]).toMatchObject({ line: 2, department: "produce", amount: "3", items: "1", transaction: "t1" });
  });
  it("reports an unclosed quote by line and keeps the rows before it", () => {
    const { rows, errors } = readCsv('timestamp,zone,amount,transaction\n1,fruit,3,t1\n1,"fruit,3,t2\n');
    expect(rows).toHaveLength(1);
    expect(errors).toEqual([{ line: 3, error: expect.stringMatching(/unreadable CSV: Quote Not Closed/) }]);
  });
  it("refuses a header without the needed columns, naming them", () => {
    expect(() => readCsv("when,what\n1,2\n")).toThrow(CsvHeaderError);
    expect(() => readCsv("when,what\n1,2\n")).toThrow(/timestamp, amount, transaction, zone or department/);
    expect(() => readCsv("")).toThrow(/empty/);
  });
});

describe("readCsv after unreadable records", () => {
  it("reports a stray quote on its own line, and every later bad row once at its own line", () => {
    const text = [
      "timestamp,zone,amount,transaction", // 1
      "2026-11-20 10:00,fruit,1,t1", // 2
      '2026-11-20 10:00,fruit,"1"x,t2', // 3: unreadable
      "2026-11-20 10:00,fruit,1", // 4: a field short
      '2026-11-20 10:00,"fr', // 5-6: a quoted line break
      'uit",1,t4',
      '2026-11-20 10:00,fr"uit,1,t5', // 7: unreadable
      "2026-11-20 10:00,bakery,2,t6", // 8
    ].join("\n");
    const { rows, errors } = readCsv(text);
    expect(rows.map((r) => r.line)).toEqual([2, 5, 8]);
    expect(errors.map((e) => e.line)).toEqual([3, 4, 7]);
    expect(errors[0]!.error).toMatch(/^unreadable CSV: Invalid Closing Quote: got "x" at line 3/);
  });

  type Kind = "good" | "badValue" | "badCount" | "strayQuote" | "afterQuote" | "blank";
  const note = fc.oneof(
    fc.constantFrom("", "plain", "   spaced  "),
    fc.array(fc.constantFrom("a", "b", ",", " ", "\n", "\r\n", '""'), { minLength: 1, maxLength: 6 }).map((parts) => `"${parts.join("")}"`),
  );
  const row = fc.record({ kind: fc.constantFrom<Kind>("good", "good", "good", "badValue", "badCount", "strayQuote", "afterQuote", "blank"), note });

  /** The row's text; `k` makes its transaction id unique. */
  const render = (r: { kind: Kind; note: string }, k: number): string => {
    const ts = "2026-11-20 10:00";
    switch (r.kind) {
      case "good":
        return `${ts},fruit,${k}.5,t${k},${r.note}`;
      case "badValue":
        return `${ts},fruit,lots,t${k},${r.note}`;
      case "badCount":
        return `${ts},fruit,${k}`;
      case "strayQuote":
        return `${ts},fr"uit,1,t${k},plain`;
      case "afterQuote":
        return `${ts},"fruit"x,1,t${k},plain`;
      case "blank":
        return r.note === "" ? "" : "   ";
    }
  };
  const lineBreaks = (s: string) => (s.match(/\r\n|\n|\r/g) ?? []).length;

  it("numbers every row by the line it starts on, good or bad, whatever precedes it (property)", () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 30 }), fc.constantFrom("\n", "\r\n"), fc.boolean(), (list, eol, unclosedAtEnd) => {
        const texts = ["timestamp,zone,amount,transaction,note"];
        const expectGood: number[] = [];
        const expectBad: number[] = [];
        let line = 2;
        list.forEach((r, k) => {
          const text = render(r, k);
          if (r.kind === "good") expectGood.push(line);
          else if (r.kind !== "blank") expectBad.push(line);
          texts.push(text);
          line += 1 + lineBreaks(text);
        });
        if (unclosedAtEnd) {
          texts.push('2026-11-20 10:00,"fruit,1,tz,plain');
          expectBad.push(line);
        }
        const { rows, errors } = readCsv(texts.join(eol) + eol);
        const checked = rows.map((r) => ({ line: r.line, sale: checkSale(r, { ...ctx, timeZone: "UTC" }) }));
        const bad = [...errors.map((e) => e.line), ...checked.filter((c) => typeof c.sale === "string").map((c) => c.line)].sort((a, b) => a - b);
        expect(bad).toEqual(expectBad);
        expect(checked.filter((c) => typeof c.sale !== "string").map((c) => c.line)).toEqual(expectGood);
      }),
      { numRuns: 500 },
    );
  });
});

