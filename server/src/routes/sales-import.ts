/**
 * Reading till transactions from a CSV file or JSON rows: each row is checked on its own, so that
 * a bad row is reported by its line with the reason and the good rows are kept.
 */
import { parse } from "csv-parse/sync";
import { csvDelimiter, csvRecordSpans, formatBucketStart, offsetMs } from "@footfall/core";
import type { SaleRow } from "../storage/types.js";
import type { Departments } from "../storage/types.js";

/** One row as it came, before checking (CSV cells are strings; JSON values may be numbers). */
export interface RawSale {
  /** CSV: the file's line where the row starts (the header is line 1); JSON: the 1-based position in `sales`. */
  line: number;
  ts?: unknown;
  zone?: unknown;
  department?: unknown;
  amount?: unknown;
  items?: unknown;
  transaction?: unknown;
  /**
   * The row comes from a CSV delimited by `;` or a tab: its amount may be written with a decimal
   * comma (`12,50`), as the spreadsheets of the locales that write `;` files export it.
   */
  decimalComma?: boolean;
}

export interface RowError {
  line: number;
  error: string;
}

/** Column names accepted in a CSV header (case-insensitive), per field. */
const COLUMNS: Record<Exclude<keyof RawSale, "line" | "decimalComma">, readonly string[]> = {
  ts: ["timestamp", "ts", "time"],
  zone: ["zone"],
  department: ["department"],
  amount: ["amount"],
  items: ["items"],
  transaction: ["transaction", "transaction_id", "transactionid"],
};

export class CsvHeaderError extends Error {}

/** One CSV record as it stands in the text, before its fields are read. */
interface RawRecord {
  /** The file's line where the record starts (1-based). */
  line: number;
  text: string;
  /** Whether it holds a `"` (else its fields are a plain split). */
  quoted: boolean;
}

/**
 * The records of a CSV text, each with the line it starts on: core's `csvRecordSpans`, the rule
 * the UI cuts a large file into parts by, so that each part's records are the file's.
 */
export function splitRecords(text: string, delimiter: string): RawRecord[] {
  return csvRecordSpans(text, delimiter).map((r) => ({ line: r.line, text: text.slice(r.start, r.end), quoted: r.quoted }));
}

/** The fields of one record, or why it cannot be read (its line numbers made the file's). */
function recordFields(r: RawRecord, delimiter: string): string[] | string {
  if (!r.quoted) return r.text.split(delimiter).map((f) => f.trim());
  try {
    const records = parse(r.text, { delimiter, trim: true, relax_column_count: true, record_delimiter: ["\r\n", "\n", "\r"] }) as string[][];
    if (records.length !== 1) return "unreadable CSV: a quoted field breaks the record";
    return records[0]!;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return `unreadable CSV: ${message.replace(/\bat line (\d+)/g, (_m, l: string) => `at line ${r.line + Number(l) - 1}`)}`;
  }
}

/**
 * Rows of a CSV text with a header line naming `timestamp`, `amount`, `transaction` and `zone`
 * or `department` (`items` optional, other columns ignored, any order). The delimiter is `,`, or
 * `;` or a tab when the header has those and no comma (spreadsheets in many locales write `;`, and
 * write decimals with a comma there: such a file's amounts may be `12,50`). Blank lines are skipped. Each record is read on its own, so a record the parser cannot read
 * (a stray or unclosed quote) is one error at the line it starts on, and every later row keeps
 * its own line number.
 */
export function readCsv(text: string): { rows: RawSale[]; errors: RowError[] } {
  const body = text.replace(/^\uFEFF/, "");
  const headerLine = /^[^\r\n]*/.exec(body)![0];
  const delimiter = csvDelimiter(headerLine);
  const errors: RowError[] = [];
  const records = splitRecords(body, delimiter).filter((r) => r.text.trim() !== "");
  const first = records[0];
  if (!first) throw new CsvHeaderError("the CSV is empty: its first line must name the columns timestamp, zone or department, amount, items, transaction");
  const headerFields = recordFields(first, delimiter);
  if (typeof headerFields === "string") throw new CsvHeaderError(`the CSV header cannot be read: ${headerFields}`);
  const header = headerFields.map((h) => h.toLowerCase());
  const index = {} as Record<keyof typeof COLUMNS, number>;
  for (const [field, names] of Object.entries(COLUMNS) as [keyof typeof COLUMNS, readonly string[]][])
    index[field] = header.findIndex((h) => names.includes(h));
  const missing = (["ts", "amount", "transaction"] as const).filter((f) => index[f] < 0).map((f) => COLUMNS[f][0]);
  if (index.zone < 0 && index.department < 0) missing.push("zone or department");
  if (missing.length) throw new CsvHeaderError(`the CSV header must name ${missing.join(", ")} (it has: ${headerFields.join(", ")})`);

  const rows: RawSale[] = [];
  for (const r of records.slice(1)) {
    const record = recordFields(r, delimiter);
    if (typeof record === "string") {
      errors.push({ line: r.line, error: record });
      continue;
    }
    if (record.length !== header.length) {
      errors.push({ line: r.line, error: `${record.length} fields where the header has ${header.length}` });
      continue;
    }
    const cell = (f: keyof typeof COLUMNS) => (index[f] >= 0 && record[index[f]] !== "" ? record[index[f]] : undefined);
    rows.push({
      line: r.line,
      ts: cell("ts"),
      zone: cell("zone"),
      department: cell("department"),
      amount: cell("amount"),
      items: cell("items"),
      transaction: cell("transaction"),
      ...(delimiter !== "," ? { decimalComma: true } : {}),
    });
  }
  return { rows, errors };
}

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
/** 2000-01-01: earlier "epoch ms" are epoch seconds by mistake, or junk. */
const EARLIEST = 946_684_800_000;
const DAY_MS = 86_400_000;
/** Sales may be stamped by a till whose clock runs a little ahead. */
const FUTURE_SLACK_MS = 5 * 60_000;

/**
 * A local time without an offset that the store's clocks showed twice (`repeated`: the hour they went back, in
 * autumn) or never (`skipped`: the hour they went forward, in spring): read as `ts`, which the import's warnings say.
 */
export interface ClockChangeTime {
  kind: "repeated" | "skipped";
  /** The time as written. */
  value: string;
  /** The instant it was read as: for `repeated` the second time (after the change), for `skipped` as much later as the clocks jumped. */
  ts: number;
  /** For `repeated`, the other instant the clocks showed it (the first, before the change); null for `skipped`. */
  other: number | null;
}

/**
 * Epoch ms of a sale's time: epoch milliseconds, or ISO 8601 date and time. A time without an
 * offset is the store's local wall clock (what tills export), read in `timeZone`; one in the hour
 * the clocks went back is read as the second time (after the change, as imports always read it),
 * one in the hour they skipped as that much later (02:30 as 03:30), each told to `onClockChange`.
 */
export function parseSaleTime(value: unknown, timeZone: string, now: number, onClockChange?: (t: ClockChangeTime) => void): number | string {
  let ts: number;
  if (typeof value === "number" || (typeof value === "string" && /^\d{1,16}$/.test(value))) {
    ts = Number(value);
    if (!Number.isInteger(ts)) return `bad timestamp ${JSON.stringify(value)}: epoch milliseconds are an integer`;
  } else if (typeof value === "string") {
    const m = ISO_TIME.exec(value);
    if (!m) return `bad timestamp "${value}": use ISO 8601 (2026-11-20T14:05:00+01:00, or local time 2026-11-20 14:05) or epoch milliseconds`;
    const [y, mo, d, h, mi, s] = m.slice(1, 7).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
    const ms = Number((m[7] ?? "0").padEnd(3, "0").slice(0, 3));
    const wall = Date.UTC(y, mo - 1, d, h, mi, s, ms);
    const back = new Date(wall);
    if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return `bad timestamp "${value}": no such date or time`;
    const zone = m[8];
    if (zone) {
      if (zone.toUpperCase() === "Z") ts = wall;
      else {
        const digits = zone.replace(":", "");
        const offset = (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5) || 0)) * 60_000;
        ts = wall - (zone[0] === "-" ? -offset : offset);
      }
    } else {
      // The instant whose local wall clock reads `wall` (the offset is looked up twice to settle at DST changes).
      ts = wall - offsetMs(wall - offsetMs(wall, timeZone), timeZone);
      // The instants whose wall clock reads `wall`: two in the hour the clocks went back, none in the hour they skipped.
      const readings = [...new Set([offsetMs(wall - DAY_MS, timeZone), offsetMs(wall + DAY_MS, timeZone)])].map((o) => wall - o).filter((t) => t + offsetMs(t, timeZone) === wall);
      if (readings.length !== 1 && onClockChange) onClockChange({ kind: readings.length > 1 ? "repeated" : "skipped", value: String(value), ts, other: readings.find((t) => t !== ts) ?? null });
    }
  } else return "no timestamp";
  if (ts < EARLIEST) return `bad timestamp ${JSON.stringify(value)}: before 2000 (epoch seconds instead of milliseconds?)`;
  if (ts > now + FUTURE_SLACK_MS) return `bad timestamp ${JSON.stringify(value)}: in the future`;
  return ts;
}

const AMOUNT = /^\d+(\.\d+)?$/;
/** An amount with a decimal comma (`12,50`): read as such only in a `;` or tab-delimited CSV. */
const AMOUNT_DECIMAL_COMMA = /^\d+,\d+$/;

/** What a row needs from the store: its time zone, which zones were in force when, and its departments. */
export interface SaleContext {
  timeZone: string;
  now: number;
  hasZone(zone: string, ts: number): boolean;
  departments: Departments;
  /** Told of a local time the clocks showed twice or never (`parseSaleTime`), for the import's warnings. */
  onClockChange?: (t: ClockChangeTime) => void;
}

/** The zones of the department a sale names, or undefined: its own keys only (a row's "toString" is no department). */
function departmentZones(departments: Departments, name: string): readonly string[] | undefined {
  return Object.hasOwn(departments, name) ? departments[name] : undefined;
}

/**
 * A checked sale, or the reason it is refused. A row names a zone, or a department whose zones
 * (those in the layout in force at the sale's time) share it evenly; with both, the zone must be
 * one of the department's and wins.
 */
export function checkSale(raw: RawSale, ctx: SaleContext): SaleRow | string {
  const text = (v: unknown): string | undefined =>
    v === undefined || v === null || v === "" ? undefined : typeof v === "string" ? v.trim() : typeof v === "number" ? String(v) : undefined;
  const transaction = text(raw.transaction);
  if (!transaction) return "no transaction id";
  if (transaction.length > 128) return "transaction id longer than 128 characters";
  const ts = parseSaleTime(typeof raw.ts === "string" ? raw.ts.trim() : raw.ts, ctx.timeZone, ctx.now, ctx.onClockChange);
  if (typeof ts === "string") return ts;
  const amountText = text(raw.amount);
  const amount =
    typeof raw.amount === "number"
      ? raw.amount
      : amountText === undefined
        ? Number.NaN
        : AMOUNT.test(amountText)
          ? Number(amountText)
          : raw.decimalComma && AMOUNT_DECIMAL_COMMA.test(amountText)
            ? Number(amountText.replace(",", "."))
            : Number.NaN;
  if (!Number.isFinite(amount) || amount < 0) {
    if (amount < 0) return `bad amount ${JSON.stringify(raw.amount)}: negative (a refund is not a sale)`;
    if (raw.amount === undefined || raw.amount === "") return "no amount";
    // A comma is a decimal comma only where it cannot be the delimiter nor a thousands separator (1,250 in English).
    const comma = amountText !== undefined && AMOUNT_DECIMAL_COMMA.test(amountText) && !raw.decimalComma;
    return comma
      ? `bad amount ${JSON.stringify(raw.amount)}: a point for decimals (12.50); a decimal comma is read in a CSV delimited by ";" or a tab only`
      : `bad amount ${JSON.stringify(raw.amount)}: a number such as 12.50 (a point for decimals${raw.decimalComma ? " or a comma, 12,50" : ""}; no currency sign, no thousands separator)`;
  }
  let items: number | null = null;
  if (raw.items !== undefined && raw.items !== null && raw.items !== "") {
    items = typeof raw.items === "number" ? raw.items : /^\d+$/.test(String(raw.items).trim()) ? Number(String(raw.items).trim()) : Number.NaN;
    if (!Number.isInteger(items) || items < 0) return `bad items ${JSON.stringify(raw.items)}: a whole number of items`;
  }
  const zone = text(raw.zone);
  const department = text(raw.department);
  // The store's own clock, as the sales file and the screens write it (not UTC).
  const at = `${formatBucketStart(ts, ctx.timeZone)} (${ctx.timeZone})`;
  if (zone !== undefined) {
    if (!ctx.hasZone(zone, ts)) return `unknown zone "${zone}": not in the layout in force at ${at}`;
    if (department !== undefined) {
      const zones = departmentZones(ctx.departments, department);
      if (!zones) return `unknown department "${department}"`;
      if (!zones.includes(zone)) return `zone "${zone}" is not in department "${department}"`;
    }
    return { transaction, ts, zone, department: department ?? null, zones: [zone], amount, items };
  }
  if (department === undefined) return "no zone or department";
  const zones = departmentZones(ctx.departments, department);
  if (!zones) return `unknown department "${department}": map it to zones with PUT /api/v1/stores/:store/departments`;
  const inForce = zones.filter((z) => ctx.hasZone(z, ts));
  if (inForce.length === 0) return `department "${department}" has no zone in the layout in force at ${at}`;
  return { transaction, ts, zone: null, department, zones: inForce, amount, items };
}

/**
 * The import's warning for a sale kept at a local time the clocks showed twice or never (`parseSaleTime`): how it
 * was read, and the other reading or what to check, so that a sale read as the second of two 02:30s is not taken silently.
 */
export function clockChangeWarning(time: ClockChangeTime, timeZone: string): string {
  const at = (ts: number) => formatBucketStart(ts, timeZone);
  return time.kind === "repeated"
    ? `"${time.value}" is a local time the clocks showed twice (the hour they went back in ${timeZone}): read as the second, ${at(time.ts)}, after the change; for the first, give the offset: ${at(time.other ?? time.ts)}`
    : `"${time.value}" is a local time the clocks skipped (the hour they went forward in ${timeZone}): read as that much later, ${at(time.ts)}; check the till's clock, or give the offset`;
}
