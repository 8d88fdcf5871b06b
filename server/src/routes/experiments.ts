import { randomBytes } from "node:crypto";
import { Type, type Static } from "@sinclair/typebox";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import { csvDecimals, csvNumber, csvText, experimentResult, formatBucketStart, ID_PATTERN, shownName, specialDaysIn, specialDaysWarning, toCsv, unfinishedPeriods, verdictsProvisional, type CsvFigure, type ExperimentInput, type StorePeriods } from "@footfall/core";
import { mayAccessStore, scopeOf } from "../plugins/auth.js";
import { periodData, seedOf, type NotCounted } from "./experiment-data.js";
import { markDoorOnly, markNoConversion, markNotComparable, renamedWarning } from "./experiment-comparable.js";
import { audit } from "../admin/audit.js";
import { storeLabels } from "../digests/mail.js";
import { httpError } from "./http-errors.js";
import { bodyTime } from "./times.js";
import { zonesEver } from "./known-store.js";
import { ExperimentBody, ExperimentInputBody, ResultBody, errorResponses, type Experiment } from "./schemas.js";

/** A period may span this much at most (its figures are gathered hour by hour). */
const MAX_PERIOD_MS = 93 * 86_400_000;
/** A period shorter than a day leaves hours of the day out, and a few minutes give a verdict on noise. */
const MIN_PERIOD_MS = 86_400_000;

/** An instant in messages (UTC, ISO 8601). */
const iso = (ms: number) => new Date(ms).toISOString();

const IdParams = Type.Object({ id: Type.String({ pattern: ID_PATTERN, description: "experiment id" }) });

/**
 * Layout experiments: test stores changed at `changeAt`, optional control stores, a before and an
 * after period, and zones of interest. The result compares, per zone, the share of trips reaching
 * it, visits, median dwell and conversion, adjusted for the weekday-hour mix, net of the control
 * stores when there are some, with 95 % intervals and a plain verdict (core's `experimentResult`).
 */
export const experimentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { storage, layouts, services } = app;
  const viewer = { auth: "viewer" } as const;

  /** The oldest raw event kept (FOOTFALL_RETENTION_DAYS): an experiment's per-visit figures (dwell samples) cannot reach before it. */
  const rawSince = () => services.retention?.rawSince() ?? Number.NEGATIVE_INFINITY;
  const storesOf = (e: Pick<Experiment, "testStores" | "controlStores">) => [...e.testStores, ...e.controlStores];
  const visible = (req: FastifyRequest, e: Experiment) => storesOf(e).every((s) => mayAccessStore(req.principal!, s));
  const load = async (req: FastifyRequest, id: string): Promise<Experiment> => {
    const e = await storage.experiments.get<Experiment>(id);
    if (!e) throw httpError(404, `experiment "${id}" not found: GET /api/v1/experiments lists them`);
    if (!visible(req, e)) throw httpError(403, `this token is limited to ${scopeOf(req.principal!)}; the experiment covers ${storesOf(e).join(", ")}`);
    return e;
  };

  app.post("/experiments", {
    config: { auth: "merchandiser" },
    schema: { tags: ["experiments"], summary: "Define a layout experiment", body: ExperimentInputBody, response: { 200: ExperimentBody, ...errorResponses } },
    handler: async (req) => {
      const b = req.body;
      const name = b.name.trim();
      if (!name) throw httpError(400, "body/name must not be blank");
      const controlStores = b.controlStores ?? [];
      await Promise.all([...b.testStores, ...controlStores].map((s) => (mayAccessStore(req.principal!, s) ? layouts.load(s) : null)));
      for (const [field, list] of [
        ["testStores", b.testStores],
        ["controlStores", controlStores],
      ] as const) {
        list.forEach((s, i) => {
          if (!mayAccessStore(req.principal!, s))
            throw httpError(403, `this token is limited to ${scopeOf(req.principal!)} (body/${field}/${i} is "${s}")`);
          if (layouts.all(s).length === 0) throw httpError(400, `body/${field}/${i}: store "${s}" not found or has no layout`);
          if (field === "controlStores" && b.testStores.includes(s)) throw httpError(400, `body/controlStores/${i}: store "${s}" is also a test store`);
        });
      }
      if ((b.changeAt == null) === (b.layoutVersion == null))
        throw httpError(400, "body/changeAt: give either changeAt or layoutVersion (the first test store's layout version that made the change)");
      let changeAt: number;
      if (b.layoutVersion != null) {
        const v = (await storage.stores.versions(b.testStores[0]!)).find((x) => x.version === b.layoutVersion);
        if (!v)
          throw httpError(400, `body/layoutVersion: store "${b.testStores[0]}" has no layout version ${b.layoutVersion} (never saved, or cancelled or corrected before it took effect): GET /api/v1/stores/${b.testStores[0]}/layouts lists them`);
        changeAt = v.validFrom;
      } else changeAt = bodyTime(b.changeAt!, "changeAt");
      const period = (p: "before" | "after") => {
        const from = bodyTime(b[p].from, `${p}/from`);
        const to = bodyTime(b[p].to, `${p}/to`);
        if (!(from < to)) throw httpError(400, `body/${p}/from must be before body/${p}/to`);
        if (to - from > MAX_PERIOD_MS) throw httpError(400, `body/${p}: a period spans at most 93 days`);
        if (to - from < MIN_PERIOD_MS)
          throw httpError(400, `body/${p}: a period spans at least 24 hours, so that every hour of the day is in it (a week keeps the mix of weekdays too); minutes of data give a verdict on noise`);
        return { from, to };
      };
      const before = period("before");
      const after = period("after");
      const since = rawSince();
      if (before.from < since)
        throw httpError(400, `body/before/from: an experiment needs raw events (each visit's dwell), and those before ${iso(since)} are no longer kept (FOOTFALL_RETENTION_DAYS): start the before period then or later`);
      if (before.to > changeAt) throw httpError(400, `body/before/to must not be after the change (${new Date(changeAt).toISOString()})`);
      if (after.from < changeAt) throw httpError(400, `body/after/from must not be before the change (${new Date(changeAt).toISOString()})`);
      // A control store lacking a zone is refused below, in the words that say to pick another or leave it out.
      for (const store of b.testStores) {
        const known = zonesEver(layouts.all(store));
        b.zones.forEach((z, i) => {
          if (!known.has(z))
            throw httpError(400, `body/zones/${i}: zone "${z}" is not in the layouts of store "${store}" (a test store needs every zone of interest: pick zones it has)`);
        });
      }
      // A control store stands for what the test stores would have done without the change: it needs every zone of
      // interest at the start of both periods, as the form checks (else its reach of 0 % is taken for a flat control).
      controlStores.forEach((store, i) => {
        const lacking = b.zones.filter((z) => [before.from, after.from].some((at) => !layouts.at(store, at)?.zones.some((x) => x.id === z)));
        if (lacking.length > 0)
          throw httpError(
            400,
            `body/controlStores/${i}: store "${store}" does not have the zone${lacking.length > 1 ? "s" : ""} ${lacking.map((z) => `"${z}"`).join(", ")} on its layout at the start of both periods (${iso(before.from)}, ${iso(after.from)}): a control store needs every zone of interest in both, so pick one with the same zones or leave it out`,
          );
      });
      const experiment: Experiment = {
        id: newId(),
        name,
        testStores: b.testStores,
        controlStores,
        changeAt,
        layoutVersion: b.layoutVersion ?? null,
        before,
        after,
        zones: b.zones,
        createdAt: services.now(),
      };
      // Its version still stored, checked in the insert's transaction: a cancel (or correction) meanwhile does not leave it naming a gone version.
      const layoutOf = b.layoutVersion != null ? { store: b.testStores[0]!, version: b.layoutVersion } : undefined;
      if (!(await storage.experiments.insert(experiment, experiment.createdAt, layoutOf)))
        throw httpError(409, `body/layoutVersion: layout version ${b.layoutVersion} of store "${b.testStores[0]}" was cancelled or corrected meanwhile: GET /api/v1/stores/${b.testStores[0]}/layouts lists its versions; name one of those`);
      await audit(req, "experiment.create", experiment.id, { name, testStores: b.testStores, controlStores }, { store: b.testStores.length === 1 && controlStores.length === 0 ? b.testStores[0]! : null });
      return experiment;
    },
  });

  app.get("/experiments", {
    config: viewer,
    schema: {
      tags: ["experiments"],
      summary: "Experiments whose stores this token may see, newest first",
      response: { 200: Type.Object({ experiments: Type.Array(ExperimentBody) }), ...errorResponses },
    },
    handler: async (req) => ({ experiments: (await storage.experiments.list<Experiment>()).filter((e) => visible(req, e)) }),
  });

  app.get("/experiments/:id", {
    config: viewer,
    schema: { tags: ["experiments"], summary: "An experiment's definition", params: IdParams, response: { 200: ExperimentBody, ...errorResponses } },
    handler: async (req) => load(req, req.params.id),
  });

  // Whoever may create an experiment over its stores may delete it: a merchandiser or admin whose
  // token reaches every test and control store (a token limited to one store, only that store's own).
  app.delete("/experiments/:id", {
    config: { auth: "merchandiser" },
    schema: {
      tags: ["experiments"],
      summary: "Delete an experiment (its definition only: the stores' events and layouts stay); answers the deleted definition",
      params: IdParams,
      response: { 200: ExperimentBody, ...errorResponses },
    },
    handler: async (req) => {
      const e = await load(req, req.params.id);
      if (!(await storage.experiments.remove(e.id))) throw httpError(404, `experiment "${e.id}" not found: GET /api/v1/experiments lists them`);
      await audit(req, "experiment.delete", e.id, { name: e.name, testStores: e.testStores, controlStores: e.controlStores }, { store: e.testStores.length === 1 && e.controlStores.length === 0 ? e.testStores[0]! : null });
      return e;
    },
  });

  const compute = async (e: Experiment) => {
    // An experiment kept longer than the raw events it reads: say so, rather than a range error that suggests whole hours.
    const since = rawSince();
    const gone = (["before", "after"] as const).find((p) => e[p].from < since);
    if (gone)
      throw httpError(
        400,
        `this experiment's ${gone} period starts ${iso(e[gone].from)}, before the oldest raw events kept (${iso(since)}, FOOTFALL_RETENTION_DAYS): its per-visit figures can no longer be computed (raise FOOTFALL_RETENTION_DAYS to keep experiments' periods longer)`,
      );
    const labels = await storeLabels(services, storesOf(e));
    // An outage's hours are left out of that store's figures (periodData), and the result says so per store and period.
    const outages: string[] = [];
    const data = async (store: string, role: "test" | "control") => {
      const out = { store, before: await periodData(services, store, e.before, e.zones), after: await periodData(services, store, e.after, e.zones) };
      for (const p of ["before", "after"] as const) {
        const n = out[p].notCounted;
        if (n) outages.push(notCountedWarning(p, role, shownName(labels.get(store) ?? store), n, layouts.at(store, e[p].from)));
      }
      return out;
    };
    await layouts.load(e.testStores[0]!);
    const first = layouts.at(e.testStores[0]!, e.after.from);
    const test: StorePeriods[] = [];
    for (const s of e.testStores) test.push(await data(s, "test"));
    const control: StorePeriods[] = [];
    for (const s of e.controlStores) control.push(await data(s, "control"));
    const input: ExperimentInput = {
      zones: e.zones,
      timeZone: first?.timezone ?? "UTC",
      test,
      control,
      zoneNames: Object.fromEntries((first?.zones ?? []).filter((z) => e.zones.includes(z.id)).map((z) => [z.id, z.name])),
    };
    // A queue (a till, an entrance, a fitting room) with no sale placed in it has no conversion, as the heatmap shows it: "–", not 0 %.
    const kindOf = (zone: string) => [first, layouts.at(e.testStores[0]!, e.before.from)].map((l) => l?.zones.find((z) => z.id === zone)?.kind).find((k) => k !== undefined);
    // A zone a test store knows only by its door counter: nobody is followed in it, so it has no trips or visits to compare.
    const doorZones = new Set((await Promise.all(e.testStores.map(async (s) => (await services.analytics.get(s)).liveSource().doorZones))).flat());
    const followed = (zone: string) => test.some((s) => (s.before.visitsByZone[zone] ?? 0) + (s.after.visitsByZone[zone] ?? 0) > 0);
    const doorOnly = new Set(e.zones.filter((z) => doorZones.has(z) && !followed(z)));
    const result = markDoorOnly(
      markNoConversion(
        markNotComparable(experimentResult(input, { seed: seedOf(e.id) }), e.testStores.map((s) => ({ store: s, layouts: layouts.all(s) })), e.before, e.after),
        kindOf,
      ),
      doorOnly,
    );
    // A holiday, a closure or a day of hours of its own (the stores' dated exceptions) in a period: its shoppers are not a usual day's.
    // The stores named as the chain view and the digests name them; each day read in its store's time zone.
    const special: string[] = [];
    for (const p of ["before", "after"] as const) {
      const stores = [];
      for (const s of storesOf(e)) {
        const timeZone = (layouts.at(s, e[p].from) ?? layouts.all(s)[0])?.timezone ?? "UTC";
        stores.push({ label: labels.get(s) ?? s, days: specialDaysIn(await services.hours?.historyNow(s), e[p], timeZone) });
      }
      const w = specialDaysWarning(p, stores);
      if (w) special.push(w);
    }
    const renamed = renamedWarning(result.zones, layouts.all(e.testStores[0]!), e.before);
    const now = services.now();
    return { experiment: e, ...result, warnings: [...unfinishedPeriods(e, now), ...result.warnings, ...(renamed ? [renamed] : []), ...special, ...outages], computedAt: now, provisional: verdictsProvisional(e, now) };
  };

  app.get("/experiments/:id/result", {
    config: viewer,
    schema: {
      tags: ["experiments"],
      summary: "Per zone and metric: before, after, change with its 95 % interval and a plain verdict",
      params: IdParams,
      response: { 200: ResultBody, ...errorResponses },
    },
    handler: async (req) => compute(await load(req, req.params.id)),
  });

  app.get("/experiments/:id/result.csv", {
    config: viewer,
    schema: {
      tags: ["experiments"],
      summary: "The verdict table as CSV",
      params: IdParams,
      produces: ["text/csv"],
      response: { 200: Type.String(), ...errorResponses },
    },
    handler: async (req, reply) => {
      const e = await load(req, req.params.id);
      const r = await compute(e);
      reply.type("text/csv; charset=utf-8").header("content-disposition", `attachment; filename="experiment-${e.id}.csv"`);
      // The periods in the first test store's zone, as the result is computed in it.
      return verdictCsv(r.zones, e, layouts.at(e.testStores[0]!, e.after.from)?.timezone ?? "UTC", r.warnings, r.provisional);
    },
  });
}

/** Spans of an outage listed in a warning; the rest are counted. */
const OUTAGES_LISTED = 3;

/**
 * The warning for a store's period with hours an outage left uncounted (its zones' agents all offline):
 * "the after period of the control store Lyon has 72 h nobody counted (Promotions: its agents offline,
 * 2026-11-14T00:00:00+01:00 to 2026-11-17T00:00:00+01:00): those hours are left out of its figures ...".
 */
export function notCountedWarning(
  period: "before" | "after",
  role: "test" | "control",
  label: string,
  n: NotCounted,
  layout: { timezone: string; zones: readonly { id: string; name: string }[] } | undefined,
): string {
  const timeZone = layout?.timezone ?? "UTC";
  const names = n.zones.map((z) => shownName(layout?.zones.find((x) => x.id === z)?.name ?? z));
  const spans = n.spans.slice(0, OUTAGES_LISTED).map((g) => `${formatBucketStart(g.from, timeZone)} to ${formatBucketStart(g.to, timeZone)}`);
  const more = n.spans.length > OUTAGES_LISTED ? ` and ${n.spans.length - OUTAGES_LISTED} more` : "";
  return `the ${period} period of the ${role} store ${label} has ${n.hours} h nobody counted (${names.join(", ")}: every agent counting ${names.length > 1 ? "them" : "it"} offline, ${spans.join(", ")}${more}): those hours are left out of its figures (trips, visits, dwell and the sales set against them), not read as nobody there; its sample is that much smaller`;
}

type ResultZones = Static<typeof ResultBody>["zones"];

/** The kind of figure of a metric's before, after, change and interval in the CSV (core's CSV_DECIMALS): visits per trip, a ratio, as a share. */
const CSV_FIGURES: Record<string, CsvFigure> = { reach: "share", visits: "share", medianDwell: "seconds", conversion: "share" };

/** What a line's before, after, change and interval are counted in (the change is after minus before, in that unit). */
const CSV_UNITS: Record<string, string> = {
  reach: "share of trips (0-1)",
  visits: "visits per trip",
  medianDwell: "seconds",
  conversion: "share of visits (0-1)",
};

/**
 * The verdict table: one line per zone and metric (core's CSV rounding: shares, visits per trip and relative changes to 4 decimals, seconds to 1). change and interval: the absolute change in the
 * metric's unit (net of the control stores where the verdict reads a difference in differences); relative_change and
 * relative_low/high: the change relative to before (0.12 is +12 %) with the interval of that ratio, the figures the
 * verdict text shows and reads where it speaks in %, empty where there is no such ratio.
 * Each line ends with the experiment it belongs to and its periods (in `timeZone`, the first test store's), so that
 * the files of several experiments pasted together can be told apart, as the views' exports carry their range, and
 * with the result's warnings (`experiment_warnings`, joined by " | "): the banner above the page's table (an after
 * period not over, periods on different weekdays, a holiday in a period, a zone renamed), which a file passed on
 * without it would lose. Then the test stores' own change, the page's "Change [95 % interval]" column (`test_change`,
 * `test_interval_low/high` absolute, `test_relative_*` relative to before; the same as `change` .. `relative_high` without
 * control stores, where those read the difference in differences), and the trips (visits, for median dwell and conversion)
 * of the test stores in each period the figures rest on (`sample_before`, `sample_after`), and `provisional` (true while the
 * after period runs: the verdict is the figures so far, not final).
 */
export function verdictCsv(zones: ResultZones, e: Pick<Experiment, "id" | "name" | "before" | "after">, timeZone: string, warnings: readonly string[] = [], provisional = false): string {
  const at = (ts: number) => formatBucketStart(ts, timeZone);
  const periods = [at(e.before.from), at(e.before.to), at(e.after.from), at(e.after.to)];
  const rows = zones.flatMap((z) =>
    z.metrics.map((m) => {
      const [change, interval] = m.did ? [m.did.estimate, m.did.interval] : [m.change, m.interval];
      const relative = m.did ? m.did.relative : m.relative;
      // Core's one rounding for every export (csvNumber, CSV_DECIMALS): shares, visits per trip and relative changes to
      // 4 decimals, seconds to 1, as the views' exports write them (it kept 6: 0.416925 beside their 0.4169). A number, not
      // csvNumber's text: a text cell is guarded against formulas, and "-0.0100" would read "'-0.0100".
      const figures = CSV_FIGURES[m.metric] ?? "share";
      const num = (x: number | null | undefined, figure: CsvFigure = figures) => (x === null || x === undefined ? "" : Number(csvNumber(x, csvDecimals(figure))));
      return [
        csvText(z.zone),
        csvText(z.name),
        m.metric,
        num(m.before),
        num(m.after),
        num(change),
        num(interval?.[0]),
        num(interval?.[1]),
        num(relative?.estimate, "change"),
        num(relative?.interval[0], "change"),
        num(relative?.interval[1], "change"),
        m.basis,
        m.verdict,
        csvText(m.text),
        csvText(m.warning ?? ""),
        CSV_UNITS[m.metric] ?? "",
        e.id,
        csvText(e.name),
        ...periods,
        csvText(warnings.join(" | ")),
        // The page's "Change [95 % interval]": the test stores' own change, which `change` is not where there are control stores.
        num(m.change),
        num(m.interval?.[0]),
        num(m.interval?.[1]),
        num(m.relative?.estimate, "change"),
        num(m.relative?.interval[0], "change"),
        num(m.relative?.interval[1], "change"),
        m.sampleBefore,
        m.sampleAfter,
        // The verdict is the figures so far while the after period runs (core's verdictsProvisional), as the page greys it.
        provisional ? "true" : "false",
      ];
    }),
  );
  // Core's toCsv, as every export: CRLF line ends (RFC 4180).
  return toCsv(
    ["zone", "name", "metric", "before", "after", "change", "interval_low", "interval_high", "relative_change", "relative_low", "relative_high", "basis", "verdict", "text", "warning", "unit", "experiment", "experiment_name", "before_from", "before_to", "after_from", "after_to", "experiment_warnings", "test_change", "test_interval_low", "test_interval_high", "test_relative_change", "test_relative_low", "test_relative_high", "sample_before", "sample_after", "provisional"],
    rows,
  );
}

/** A new experiment id: 12 random lowercase hex digits. */
function newId(): string {
  return randomBytes(6).toString("hex");
};
