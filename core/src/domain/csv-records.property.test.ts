import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csvDelimiter, csvImportParts, csvRecordSpans } from "./csv-records.js";

/** The file's records after its header, by the line each starts on (blank ones left out, as the import skips them). */
function records(text: string): { line: number; text: string }[] {
  const body = text.replace(/^\uFEFF/, "");
  const spans = csvRecordSpans(body, csvDelimiter(/^[^\r\n]*/.exec(body)![0])).filter((s) => body.slice(s.start, s.end).trim() !== "");
  return spans.slice(1).map((s) => ({ line: s.line, text: body.slice(s.start, s.end) }));
}

const bytes = (s: string) => new TextEncoder().encode(s).length;

describe("csvImportParts", () => {
  it("cuts a file into parts whose records, at their lines moved by the part's offset, are the file's, each part within the size unless one record is larger", () => {
    const cell = fc.oneof(
      fc.constantFrom("", "fruit", "12,50", "2026-11-20 10:00", "é€😀", " x "),
      fc.string({ unit: fc.constantFrom("a", ",", ";", '"', "\n", "\r", " ", "é", "\t"), maxLength: 8 }),
    );
    const line = fc.array(cell, { minLength: 1, maxLength: 5 });
    const eol = fc.constantFrom("\n", "\r\n", "\r");
    fc.assert(
      fc.property(
        fc.constantFrom(",", ";", "\t"),
        fc.boolean(),
        fc.array(fc.tuple(line, eol), { maxLength: 40 }),
        fc.integer({ min: 20, max: 400 }),
        (delimiter, bom, rows, maxBytes) => {
          const header = ["timestamp", "zone", "amount", "transaction"].join(delimiter);
          const text = `${bom ? "\uFEFF" : ""}${header}\n${rows.map(([cells, end]) => cells.join(delimiter) + end).join("")}`;
          const parts = csvImportParts(text, maxBytes);
          const want = records(text);
          const got = parts.flatMap((p) => records(p.text).map((r) => ({ line: r.line + p.lineOffset, text: r.text })));
          expect(got).toEqual(want);
          for (const p of parts) {
            // Every part starts with the header, so the server finds the same delimiter and columns.
            expect(p.text.replace(/^\uFEFF/, "").startsWith(header)).toBe(true);
            if (records(p.text).length > 1) expect(bytes(p.text)).toBeLessThanOrEqual(maxBytes);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("keeps a small file whole, and numbers a later part's rows by the file's lines", () => {
    const text = "timestamp;zone;amount;transaction\r\n2026-11-20 10:00;fruit;12,50;a\r\n\r\n2026-11-20 10:01;fruit;1;b\r\n2026-11-20 10:02;\"fr\nuit\";1;c\r\n";
    expect(csvImportParts(text, 1_000)).toEqual([{ text: text.replace("\r\n", "\n"), lineOffset: 0, firstLine: 2, lastLine: 5 }]);
    const parts = csvImportParts(text, 70);
    expect(parts.map((p) => [p.firstLine, p.lastLine, p.lineOffset])).toEqual([
      [2, 3, 0],
      [4, 4, 2],
      [5, 5, 3],
    ]);
    expect(parts[2]!.text).toBe('timestamp;zone;amount;transaction\n2026-11-20 10:02;"fr\nuit";1;c\r\n');
  });
});
