/**
 * The departments editor: department name -> zones, the alias rules that merge zones into
 * departments for sales, paths and funnels. Plain state changed through `departmentsReducer`.
 */
import type { Departments, SalesImportResult } from "../api/types.js";
import { nameProblem } from "./names.js";

export interface DepartmentRow {
  name: string;
  zones: string[];
}

export interface DepartmentsState {
  rows: DepartmentRow[];
  /** What the server holds, to tell unsaved changes. */
  saved: Departments;
}

export type DepartmentsAction =
  | { type: "load"; departments: Departments }
  | { type: "add"; name: string }
  | { type: "rename"; index: number; name: string }
  | { type: "toggleZone"; index: number; zone: string }
  | { type: "setZones"; index: number; zones: string[] }
  | { type: "remove"; index: number };

export function fromDepartments(departments: Departments): DepartmentsState {
  const rows = Object.entries(departments)
    .map(([name, zones]) => ({ name, zones: [...zones] }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { rows, saved: departments };
}

export function departmentsReducer(state: DepartmentsState, action: DepartmentsAction): DepartmentsState {
  const at = (index: number, change: (row: DepartmentRow) => DepartmentRow): DepartmentsState =>
    index < 0 || index >= state.rows.length ? state : { ...state, rows: state.rows.map((r, i) => (i === index ? change(r) : r)) };
  switch (action.type) {
    case "load":
      return fromDepartments(action.departments);
    case "add": {
      const name = action.name.trim();
      if (!name || state.rows.some((r) => r.name === name)) return state;
      return { ...state, rows: [...state.rows, { name, zones: [] }] };
    }
    case "rename":
      return at(action.index, (r) => ({ ...r, name: action.name }));
    case "toggleZone":
      return at(action.index, (r) => ({ ...r, zones: r.zones.includes(action.zone) ? r.zones.filter((z) => z !== action.zone) : [...r.zones, action.zone] }));
    case "setZones":
      return at(action.index, (r) => ({ ...r, zones: [...new Set(action.zones)] }));
    case "remove":
      return { ...state, rows: state.rows.filter((_, i) => i !== action.index) };
  }
}

/** The body of `PUT .../departments`. */
export function toDepartments(state: DepartmentsState): Departments {
  const out: Departments = {};
  for (const r of state.rows) out[r.name.trim()] = [...r.zones].sort();
  return out;
}

export function isDepartmentsDirty(state: DepartmentsState): boolean {
  const a = toDepartments(state);
  const b = state.saved;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return true;
  return keys.some((k) => {
    const saved = b[k];
    return !saved || [...saved].sort().join(",") !== a[k]!.join(",");
  });
}

/** What keeps the departments from being saved (empty or repeated names, a name the server's name rule refuses, zones in two departments). */
export function departmentProblems(state: DepartmentsState, knownZones: readonly string[]): string[] {
  const problems: string[] = [];
  const names = new Map<string, number>();
  const owner = new Map<string, string>();
  const known = new Set(knownZones);
  state.rows.forEach((r, i) => {
    const name = r.name.trim();
    const flaw = name ? nameProblem("Department", name) : null;
    if (!name) problems.push(`Department ${i + 1} has no name.`);
    else if (flaw) problems.push(flaw);
    else if (names.has(name)) problems.push(`“${name}” is used twice.`);
    names.set(name, i);
    if (r.zones.length === 0 && name) problems.push(`“${name}” has no zones.`);
    for (const z of r.zones) {
      const other = owner.get(z);
      if (other !== undefined && other !== name) problems.push(`Zone “${z}” is in both “${other}” and “${name}”: a zone merges into one department.`);
      owner.set(z, name);
      if (knownZones.length > 0 && !known.has(z)) problems.push(`“${name}” lists “${z}”, which is not on the current layout.`);
    }
  });
  return problems;
}

export interface ImportSummary {
  tone: "ok" | "warn" | "error";
  headline: string;
  /** All refused rows, of which `rejected` lists the first. */
  rejectedCount: number;
  rejected: { line: number; error: string }[];
  /** All rows kept with a warning (a local time at a clock change: how it was read), of which `warnings` lists the first. */
  warningsCount: number;
  warnings: { line: number; warning: string }[];
}

/** How an import went, in words: what was kept, what was already there, which lines failed, which were read with a warning. */
export function importSummary(result: SalesImportResult): ImportSummary {
  const { accepted, duplicates, rejected } = result;
  const rejectedCount = Math.max(result.rejectedCount ?? 0, rejected.length);
  const warnings = [...(result.warnings ?? [])].sort((a, b) => a.line - b.line);
  const warningsCount = Math.max(result.warningsCount ?? 0, warnings.length);
  const parts = [`${accepted} sale${accepted === 1 ? "" : "s"} imported`];
  if (duplicates > 0) parts.push(`${duplicates} already imported (same transaction id), skipped`);
  if (rejectedCount > 0) parts.push(`${rejectedCount} line${rejectedCount === 1 ? "" : "s"} rejected`);
  if (warningsCount > 0) parts.push(`${warningsCount} time${warningsCount === 1 ? "" : "s"} at a clock change read as said below`);
  const tone = rejectedCount > 0 ? (accepted > 0 || duplicates > 0 ? "warn" : "error") : warningsCount > 0 ? "warn" : "ok";
  return { tone, headline: parts.join(" · "), rejectedCount, rejected: [...rejected].sort((a, b) => a.line - b.line), warningsCount, warnings };
}

/**
 * The size of each part a sales file is sent in: under the server's 5 MiB body limit for an import
 * (`SALES_BODY_LIMIT`), with room for the header each part repeats. A larger file is cut at its
 * records (core's `csvImportParts`) and its parts sent one after the other.
 */
export const SALES_PART_BYTES = 4 * 1024 * 1024;
/** Rejected lines an answer lists (the server's `MAX_LISTED_REJECTS`); `rejectedCount` counts them all. */
const MAX_LISTED_REJECTS = 1000;

/**
 * The answers of a file's parts so far (null: none yet) with the next part's, its rejected lines
 * moved to the file's (`lineOffset`), so that the file reads as one import: the sums, and the
 * first rejected lines of the file by line.
 */
export function addImportResult(total: SalesImportResult | null, part: SalesImportResult, lineOffset: number): SalesImportResult {
  const rejected = [...(total?.rejected ?? []), ...part.rejected.map((r) => ({ ...r, line: r.line + lineOffset }))].sort((a, b) => a.line - b.line);
  const warnings = [...(total?.warnings ?? []), ...(part.warnings ?? []).map((w) => ({ ...w, line: w.line + lineOffset }))].sort((a, b) => a.line - b.line);
  return {
    accepted: (total?.accepted ?? 0) + part.accepted,
    duplicates: (total?.duplicates ?? 0) + part.duplicates,
    rejected: rejected.slice(0, MAX_LISTED_REJECTS),
    rejectedCount: (total?.rejectedCount ?? 0) + part.rejectedCount,
    warnings: warnings.slice(0, MAX_LISTED_REJECTS),
    warningsCount: (total?.warningsCount ?? 0) + (part.warningsCount ?? part.warnings?.length ?? 0),
  };
}

/** The CSV header the server expects. */
export const SALES_HEADER = "timestamp,zone,department,amount,items,transaction";

/** A quick look at a file before sending it: data rows, and whether its header is the one expected. */
export function previewCsv(text: string): { rows: number; headerOk: boolean; header: string } {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  const header = (lines[0] ?? "").replace(/^\uFEFF/, "").trim();
  const headerOk = header.split(",").map((h) => h.trim().toLowerCase()).join(",") === SALES_HEADER;
  return { rows: Math.max(0, lines.length - 1), headerOk, header };
}
