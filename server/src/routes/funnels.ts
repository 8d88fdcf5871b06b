import { Type } from "@sinclair/typebox";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import {
  aliasPathCounts,
  bucketStarts,
  formatBucketStart,
  funnelOf,
  ID_PATTERN,
  type Bucket,
  type PathReport,
} from "@footfall/core";
import { pathReportOfCounts, type PathCounts } from "../analytics/path-report.js";
import type { AnalyticsRegistry } from "../analytics/registry.js";
import type { Storage } from "../storage/types.js";
import { storeNotCounted } from "../chain/outages.js";
import { httpError } from "./http-errors.js";
import { FunnelBody, RangeQuery, StoreParams, errorResponses } from "./schemas.js";

/** Steps of a funnel at most. */
const MAX_STEPS = 12;
const HOURLY_MAX_MS = 93 * 86_400_000;

export const AliasQuery = Type.Optional(
  Type.Integer({ minimum: 0, maximum: 1, default: 0, description: "1: zones replaced by their department (PUT .../departments), repeats folded" }),
);


/** Path counts, with zones replaced by their departments when `aliases` is given. */
function maybeAliased(paths: PathCounts, aliases: Record<string, string> | null): PathCounts {
  return aliases ? aliasPathCounts(paths, aliases) : paths;
}

/**
 * Funnels of ordered steps over trips: a trip (a visitor's run of events without `visitTimeoutMs`
 * of silence, counted in the range of its first enter) reaches a step when its path holds that
 * step and every earlier one in order, not necessarily adjacent.
 */
export const funnelRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { storage, analytics } = app;

  const FunnelQuery = Type.Composite([
    RangeQuery,
    Type.Object({
      steps: Type.String({ minLength: 1, maxLength: 1000, description: "comma-separated zone ids (department names with alias=1), in order" }),
      by: Type.Optional(Type.Unsafe<Bucket | "none">(Type.String({ enum: ["none", "hour", "day"], default: "none", description: "also per local hour or day of the store" }))),
      alias: AliasQuery,
    }),
  ]);
  app.get("/funnel", {
    config: { auth: "viewer", range: true },
    schema: {
      tags: ["analytics"],
      summary: "Funnel of ordered steps over the trips that started in [from, to), with drop-off per step",
      params: StoreParams,
      querystring: FunnelQuery,
      response: { 200: FunnelBody, ...errorResponses },
    },
    handler: async (req) => {
      const { id: store, layout } = req.store!;
      const range = req.range!;
      const alias = req.query.alias === 1;
      const steps = req.query.steps.split(",").map((s) => s.trim());
      if (steps.length > MAX_STEPS) throw httpError(400, `querystring/steps: at most ${MAX_STEPS} steps`);
      steps.forEach((s, i) => {
        if (!s) throw httpError(400, `querystring/steps: step ${i + 1} is empty`);
        if (!alias && !new RegExp(ID_PATTERN).test(s)) throw httpError(400, `querystring/steps: step ${i + 1} "${s}" is not a zone id`);
      });
      const by = req.query.by ?? "none";
      if (by === "hour" && range.to - range.from > HOURLY_MAX_MS) throw httpError(400, "querystring/by: hourly funnels span at most 93 days; use by=day");
      const aliases = alias ? await storage.departments.aliases(store) : null;
      const a = await analytics.get(store);
      const funnel = async (from: number, to: number) => funnelOf(maybeAliased(await a.pathCounts({ from, to }), aliases), steps);
      // The open hours a zone was counted by no agent: trips through it in those hours are not known (/traffic's rule for every zone).
      const outages = await storeNotCounted(app.services, store, range, layout.timezone, "zones");
      if (by === "none") return { steps: await funnel(range.from, range.to), outages };
      const starts = bucketStarts(range, by, layout.timezone);
      const buckets = [];
      for (const [i, start] of starts.entries()) {
        buckets.push({ start: formatBucketStart(start, layout.timezone), steps: await funnel(Math.max(start, range.from), Math.min(starts[i + 1] ?? range.to, range.to)) });
      }
      return { steps: await funnel(range.from, range.to), buckets, outages };
    },
  });
};

/** The aliased paths report of a store (the `alias=1` form of `GET .../paths`). */
export async function aliasedPathReport(
  { storage, analytics }: { storage: Storage; analytics: AnalyticsRegistry },
  store: string,
  range: { from: number; to: number },
  limit: number,
): Promise<PathReport> {
  // Together: one round trip each, at once (a store ingested elsewhere is read without opening it, see AnalyticsRegistry.figures).
  const [aliases, counts] = await Promise.all([storage.departments.aliases(store), analytics.figures(store).then((f) => f.pathCounts(range))]);
  return pathReportOfCounts(aliasPathCounts(counts, aliases), limit);
}
