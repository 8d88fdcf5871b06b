import { Type, type Static } from "@sinclair/typebox";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { Departments } from "../storage/types.js";
import { audit } from "../admin/audit.js";
import { httpError } from "./http-errors.js";
import { round6, zonesEver } from "./known-store.js";
import { checkSale, clockChangeWarning, CsvHeaderError, readCsv, type ClockChangeTime, type RawSale, type RowError } from "./sales-import.js";
import { StoreParams, errorResponses } from "./schemas.js";

import { localDate, localMidnight, nameFlaw, shownName } from "@footfall/core";
import { DepartmentsBody, ImportResult, MAX_LISTED_REJECTS, SalesDaysBody, SalesDaysQuery } from "./sales-schemas.js";

export { DepartmentsBody };

/** Uploads up to this size (about 100,000 transactions of CSV). */
export const SALES_BODY_LIMIT = 5 * 1024 * 1024;
const SaleJson = Type.Object(
  {
    ts: Type.Optional(Type.Union([Type.Integer(), Type.String()], { description: "epoch ms or ISO 8601; without an offset, the store's local time" })),
    timestamp: Type.Optional(Type.Union([Type.Integer(), Type.String()], { description: "another name of `ts`, as the CSV column is named" })),
    zone: Type.Optional(Type.String()),
    department: Type.Optional(Type.String()),
    amount: Type.Optional(Type.Union([Type.Number(), Type.String()])),
    items: Type.Optional(Type.Union([Type.Integer(), Type.String()])),
    transaction: Type.Optional(Type.Union([Type.String(), Type.Integer()])),
  },
  { description: "one till transaction; every field is checked row by row, so a bad row is reported and the others kept" },
);
const SalesJsonBody = Type.Object({ sales: Type.Array(SaleJson, { maxItems: 100_000 }) });

/**
 * Departments (groups of zones) and the import of till transactions. Departments place sales that
 * name a department rather than a zone, and serve as path alias rules (`alias=1` on paths and funnels).
 *
 * A department of several zones: its sale is split evenly between its zones (each of n zones
 * counts 1/n transaction and 1/n of the amount), rather than all given to its first zone, which
 * would show the other zones as converting nothing and raise false "long dwell, low conversion" flags.
 */
export const salesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { storage, layouts, services } = app;

  app.get("/departments", {
    config: { auth: "viewer" },
    schema: { tags: ["sales"], summary: "The store's departments: name -> zones", params: StoreParams, response: { 200: DepartmentsBody, ...errorResponses } },
    handler: async (req) => {
      return { departments: await storage.departments.get(req.store!.id) };
    },
  });

  app.put("/departments", {
    config: { auth: "merchandiser" },
    schema: {
      tags: ["sales"],
      summary: "Replace the store's departments",
      params: StoreParams,
      body: DepartmentsBody,
      response: { 200: DepartmentsBody, ...errorResponses },
    },
    handler: async (req) => {
      const { id: store, layouts: versions } = req.store!;
      const departments = checkDepartments(req.body.departments, zonesEver(versions));
      await storage.departments.replace(store, departments);
      await audit(req, "departments.replace", store, { departments: Object.keys(departments) });
      return { departments: await storage.departments.get(store) };
    },
  });

  // What is recorded, day by day: whether last night's import arrived, and which days have none.
  app.get("/sales/days", {
    config: { auth: "viewer" },
    schema: {
      tags: ["sales"],
      summary: "Till transactions and their sum per local day of the store, for the last `days` days, and the newest sale stored",
      params: StoreParams,
      querystring: SalesDaysQuery,
      response: { 200: SalesDaysBody, ...errorResponses },
    },
    handler: async (req) => {
      const { id: store, layout } = req.store!;
      const tz = layout.timezone;
      const now = services.now();
      const n = req.query.days ?? 14;
      const days = [];
      // No data is not zero: until the store's first sale recorded (no till feed yet), a day without a
      // transaction has no figures (null), not 0; from it on, a day without any is a real 0. The first
      // sale is the chain overview's (one indexed read), so both say the same of when the feed began.
      const firstSale = (await storage.chain.firstSales([store])).get(store) ?? null;
      for (let k = n - 1; k >= 0; k--) {
        const from = localMidnight(now, tz, -k);
        const to = k === 0 ? now : localMidnight(now, tz, -k + 1);
        const t = await storage.sales.totals(store, from, to);
        const fed = firstSale !== null && firstSale < to;
        days.push(fed ? { date: localDate(from, tz), from, to, transactions: t.transactions, sales: round6(t.sales) } : { date: localDate(from, tz), from, to, transactions: null, sales: null });
      }
      return { timezone: tz, days, newestSaleTs: await storage.sales.newest(store) };
    },
  });

  // CSV arrives as text; it is read in the handler so that each bad record is reported by line.
  app.addContentTypeParser(["text/csv", "application/csv"], { parseAs: "string", bodyLimit: SALES_BODY_LIMIT }, (_req, body, done) => done(null, body));

  // A JSON body or CSV text: the schema lists both by content type, so the type is given here.
  app.post<{ Body: Static<typeof SalesJsonBody> | string }>("/sales", {
    config: { auth: "admin" },
    bodyLimit: SALES_BODY_LIMIT,
    schema: {
      tags: ["sales"],
      summary: "Import till transactions (CSV or JSON); idempotent by transaction id",
      description:
        "CSV (`Content-Type: text/csv`) with the header `timestamp,zone,department,amount,items,transaction` (zone or department per row), " +
        'or JSON `{"sales":[{"ts","zone","department","amount","items","transaction"}]}`. Times are ISO 8601 or epoch ms; a time without ' +
        "an offset is the store's local time. A department's sale is split evenly between its zones. Bad rows are reported by line, good rows kept.",
      params: StoreParams,
      body: {
        content: {
          "application/json": { schema: SalesJsonBody },
          "text/csv": { schema: Type.String() },
          "application/csv": { schema: Type.String() },
        },
      },
      response: { 200: ImportResult, ...errorResponses },
    },
    handler: async (req) => {
      const { id: store, layout } = req.store!;
      let rows: RawSale[];
      const rejected: RowError[] = [];
      if (typeof req.body === "string") {
        try {
          const csv = readCsv(req.body);
          rows = csv.rows;
          rejected.push(...csv.errors);
        } catch (err) {
          if (err instanceof CsvHeaderError) throw httpError(400, `body: ${err.message}`);
          throw err;
        }
      } else {
        // JSON amounts are numbers, or strings with a decimal point: a decimal comma is a CSV's (`;` files) only.
        rows = req.body.sales.map(({ timestamp, ...s }, i) => ({ line: i + 1, ...s, ts: s.ts ?? timestamp, decimalComma: false }));
      }
      // Local times the clocks showed twice or never (the DST changes), by line: said in the warnings for the rows kept.
      let line = 0;
      const clockChanges = new Map<number, ClockChangeTime>();
      const ctx = {
        timeZone: layout.timezone,
        now: services.now(),
        hasZone: (zone: string, ts: number) => layouts.hasZone(store, zone, ts) === true,
        departments: await storage.departments.get(store),
        onClockChange: (t: ClockChangeTime) => clockChanges.set(line, t),
      };
      const good: { line: number; row: Exclude<ReturnType<typeof checkSale>, string> }[] = [];
      for (const raw of rows) {
        line = raw.line;
        const checked = checkSale(raw, ctx);
        if (typeof checked === "string") {
          rejected.push({ line: raw.line, error: checked });
          clockChanges.delete(raw.line);
        } else good.push({ line: raw.line, row: checked });
      }
      const outcomes = await storage.sales.insert(
        store,
        good.map((g) => g.row),
        services.now(),
      );
      let accepted = 0;
      let duplicates = 0;
      outcomes.forEach((o, i) => {
        if (o === "accepted") accepted++;
        else if (o === "duplicate") duplicates++;
        else
          rejected.push({
            line: good[i]!.line,
            error: `transaction "${good[i]!.row.transaction}" was already imported with other values; the first import is kept`,
          });
      });
      rejected.sort((a, b) => a.line - b.line);
      const refused = new Set(rejected.map((r) => r.line));
      const warnings = [...clockChanges]
        .filter(([l]) => !refused.has(l))
        .sort((a, b) => a[0] - b[0])
        .map(([l, time]) => ({ line: l, warning: clockChangeWarning(time, layout.timezone) }));
      return {
        accepted,
        duplicates,
        rejected: rejected.slice(0, MAX_LISTED_REJECTS),
        rejectedCount: rejected.length,
        warnings: warnings.slice(0, MAX_LISTED_REJECTS),
        warningsCount: warnings.length,
      };
    },
  });
};

/**
 * Departments as given, or 400 naming the department: zones must exist in some layout version of
 * the store, belong to one department only, and a department may not take the name of a zone it
 * does not hold (aliased paths would mix the two up). Names may not hold "," (funnel steps are
 * comma-separated) nor ">" (the path separator), nor be a property of every object (`toString`), and are
 * one line of plain text as every name (core names.ts: no control character, no bidi override).
 */
export function checkDepartments(input: Departments, knownZones: ReadonlySet<string>): Departments {
  const owner = new Map<string, string>();
  const out: Departments = {};
  for (const [rawName, zones] of Object.entries(input)) {
    const name = rawName.trim();
    const field = `body/departments/${rawName}`;
    if (!name || /[,>]/.test(name)) throw httpError(400, `${field}: a department name is not blank and holds no "," or ">"`);
    const flaw = nameFlaw(name);
    // Said without the character itself (it would break the message where it is shown).
    if (flaw) throw httpError(400, `a key of body/departments ("${shownName(name)}") ${flaw.flaw}`);
    // A name every object already has (toString, constructor, ...) would read as a department of every store.
    if (name in Object.prototype) throw httpError(400, `${field}: "${name}" is a name JavaScript reserves (every object has it): choose another`);
    if (Object.hasOwn(out, name)) throw httpError(400, `${field}: department "${name}" is given twice`);
    for (const zone of zones) {
      if (!knownZones.has(zone)) throw httpError(400, `${field}: unknown zone "${zone}" (not in any layout of the store)`);
      const other = owner.get(zone);
      if (other !== undefined) throw httpError(400, `${field}: zone "${zone}" is ${other === name ? "listed twice" : `already in department "${other}"`}`);
      owner.set(zone, name);
    }
    if (knownZones.has(name) && !zones.includes(name)) throw httpError(400, `${field}: "${name}" is the id of a zone this department does not hold`);
    out[name] = [...zones];
  }
  return out;
}
