import { describe, expect, it } from "vitest";
import { addImportResult, departmentProblems, departmentsReducer, fromDepartments, importSummary, isDepartmentsDirty, previewCsv, toDepartments } from "./departments.js";

describe("departmentsReducer", () => {
  it("adds a department once, with no zones yet", () => {
    let s = fromDepartments({});
    s = departmentsReducer(s, { type: "add", name: " Fresh " });
    s = departmentsReducer(s, { type: "add", name: "Fresh" });
    expect(s.rows).toEqual([{ name: "Fresh", zones: [] }]);
  });
  it("toggles zones in and out of a department", () => {
    let s = fromDepartments({ Fresh: ["fruit"] });
    s = departmentsReducer(s, { type: "toggleZone", index: 0, zone: "bakery" });
    s = departmentsReducer(s, { type: "toggleZone", index: 0, zone: "fruit" });
    expect(toDepartments(s)).toEqual({ Fresh: ["bakery"] });
  });
  it("knows when what is shown differs from what is saved", () => {
    const s = fromDepartments({ Fresh: ["fruit", "bakery"] });
    expect(isDepartmentsDirty(s)).toBe(false);
    expect(isDepartmentsDirty(departmentsReducer(s, { type: "rename", index: 0, name: "Food" }))).toBe(true);
    expect(isDepartmentsDirty(departmentsReducer(s, { type: "remove", index: 0 }))).toBe(true);
  });
});

describe("departmentProblems", () => {
  it("refuses a zone in two departments, an empty department and a repeated name", () => {
    const s = fromDepartments({ Fresh: ["fruit"], Food: ["fruit"], Empty: [] });
    const problems = departmentProblems(s, ["fruit"]);
    expect(problems.some((p) => p.includes("both"))).toBe(true);
    expect(problems.some((p) => p.includes("“Empty” has no zones"))).toBe(true);
    const twice = departmentsReducer(fromDepartments({ A: ["x"], B: ["y"] }), { type: "rename", index: 1, name: "A" });
    expect(departmentProblems(twice, ["x", "y"])).toContain("“A” is used twice.");
  });
  it("says before saving that a department's name holds a control character or a bidi override, as the server would", () => {
    const s = departmentsReducer(fromDepartments({ Fresh: ["fruit"], Bakery: ["bread"] }), { type: "rename", index: 1, name: "Fresh\u001b[2J" });
    expect(departmentProblems(s, ["fruit", "bread"])).toEqual(["Department “Fresh\\u{1b}[2J” holds U+001B (ESC, a control character): a name is one line of plain text; remove it"]);
    const rlo = fromDepartments({ "Fr\u202eesh": ["fruit"] });
    expect(departmentProblems(rlo, ["fruit"])).toEqual([
      "Department “Fr\\u{202e}esh” holds U+202E (RIGHT-TO-LEFT OVERRIDE, a bidirectional control), which makes a name read in another order where it is shown: remove it (right-to-left text needs none)",
    ]);
    // Names of any script are names; spaces around one are trimmed before it is sent.
    expect(departmentProblems(fromDepartments({ "Caf\u00e9 \u6771\u4eac \u05d7\u05dc\u05d1\u200f": ["fruit"] }), ["fruit"])).toEqual([]);
  });
  it("names zones that are no longer on the layout", () => {
    expect(departmentProblems(fromDepartments({ Fresh: ["gone"] }), ["fruit"])).toEqual(["“Fresh” lists “gone”, which is not on the current layout."]);
  });
});

describe("importSummary", () => {
  it("says what was imported, skipped and rejected, rejected lines in order", () => {
    const s = importSummary({ accepted: 4, duplicates: 2, rejected: [{ line: 9, error: "bad amount" }, { line: 3, error: "unknown zone" }], rejectedCount: 2 });
    expect(s.tone).toBe("warn");
    expect(s.headline).toBe("4 sales imported · 2 already imported (same transaction id), skipped · 2 lines rejected");
    expect(s.rejected.map((r) => r.line)).toEqual([3, 9]);
  });
  it("counts every refused row when the server lists only the first", () => {
    const s = importSummary({ accepted: 1, duplicates: 0, rejected: [{ line: 2, error: "x" }], rejectedCount: 250 });
    expect(s.rejectedCount).toBe(250);
    expect(s.headline).toContain("250 lines rejected");
  });
  it("says how many times at a clock change were read with a warning, listing them by line", () => {
    const warnings = [{ line: 7, warning: '"2026-10-25 02:30" is a local time the clocks showed twice' }, { line: 4, warning: '"2026-03-29 02:30" is a local time the clocks skipped' }];
    const s = importSummary({ accepted: 5, duplicates: 0, rejected: [], rejectedCount: 0, warnings, warningsCount: 2 });
    expect(s.tone).toBe("warn");
    expect(s.headline).toBe("5 sales imported · 2 times at a clock change read as said below");
    expect(s.warnings.map((w) => w.line)).toEqual([4, 7]);
    expect(importSummary({ accepted: 5, duplicates: 0, rejected: [], rejectedCount: 0 })).toMatchObject({ tone: "ok", warningsCount: 0, warnings: [] });
  });
  it("is an error when nothing was kept", () => {
    expect(importSummary({ accepted: 0, duplicates: 0, rejected: [{ line: 2, error: "x" }], rejectedCount: 1 }).tone).toBe("error");
  });
});

describe("previewCsv", () => {
  it("counts data rows and checks the header, ignoring a BOM and blank lines", () => {
    expect(previewCsv("\uFEFFtimestamp,zone,department,amount,items,transaction\r\n1,a,,2,1,t1\r\n\r\n")).toEqual({ rows: 1, headerOk: true, header: "timestamp,zone,department,amount,items,transaction" });
    expect(previewCsv("date,amount\n1,2\n").headerOk).toBe(false);
  });
});

describe("addImportResult", () => {
  it("reads a file's parts as one import: sums, rejected lines moved to the file's, the first 1,000 of them listed", () => {
    const part = (lines: number[], count: number) => ({ accepted: 10, duplicates: 1, rejected: lines.map((line) => ({ line, error: "bad amount" })), rejectedCount: count });
    const one = addImportResult(null, part([3, 5], 2), 0);
    const two = addImportResult(one, part([2, ...Array.from({ length: 999 }, (_, i) => i + 3)], 1_200), 100);
    expect(two).toMatchObject({ accepted: 20, duplicates: 2, rejectedCount: 1_202 });
    expect(two.rejected).toHaveLength(1_000);
    expect(two.rejected.slice(0, 4).map((r) => r.line)).toEqual([3, 5, 102, 103]);
  });
  it("moves a part's warnings to the file's lines and adds up their count", () => {
    const part = (line: number) => ({ accepted: 1, duplicates: 0, rejected: [], rejectedCount: 0, warnings: [{ line, warning: "read as the second" }], warningsCount: 1 });
    const two = addImportResult(addImportResult(null, part(3), 0), part(2), 100);
    expect(two).toMatchObject({ warningsCount: 2, warnings: [{ line: 3, warning: "read as the second" }, { line: 102, warning: "read as the second" }] });
  });
});
