import { describe, expect, it } from "vitest";
import { csvField, csvRecord, csvTime, toCsv } from "./csv-write.js";

describe("toCsv", () => {
  it("ends every record, the last too, with CRLF (RFC 4180), as every export writes them", () => {
    expect(toCsv(["a", "b"], [["x", 1], ["y", 2]])).toBe("a,b\r\nx,1\r\ny,2\r\n");
  });
  it("keeps a line break inside a quoted cell, so one record stays one row", () => {
    expect(toCsv(["note"], [["two\nlines"]])).toBe('note\r\n"two\nlines"\r\n');
  });
  it("writes a column's figures with its decimals and no figure as an empty cell", () => {
    expect(toCsv([{ name: "wait_s", decimals: 1 }, { name: "n", decimals: 0 }], [[12, 3], [null, undefined]])).toBe("wait_s,n\r\n12.0,3\r\n,\r\n");
  });
});

describe("csvField and csvRecord", () => {
  it("quotes a comma or a quote and keeps a formula from running", () => {
    expect(csvRecord(["Till queue, by the door", 'say "hi"', "=SUM(A1)"])).toBe('"Till queue, by the door","say ""hi""",\'=SUM(A1)\r\n');
    expect(csvField(Number.NaN)).toBe("");
  });
});

describe("csvTime", () => {
  it("writes a time in the store's zone with its offset to the whole second, as every export names its range", () => {
    const t = Date.UTC(2026, 10, 22, 22, 18, 10, 471);
    expect(csvTime(t, "Europe/Paris")).toBe("2026-11-22T23:18:10+01:00");
    expect(csvTime(t, "America/St_Johns")).toBe("2026-11-22T18:48:10-03:30");
    expect(csvTime(Date.UTC(2026, 6, 1, 7, 0, 0), "Europe/Paris")).toBe("2026-07-01T09:00:00+02:00");
  });
});
