import { Type } from "@sinclair/typebox";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { Bucket, Layout } from "@footfall/core";
import { firstKeptHour } from "../chain/counts.js";
import { entranceNotCounted, storeNotCounted } from "../chain/outages.js";
import { AliasQuery, aliasedPathReport } from "./funnels.js";
import { zonesNotCountedNow, withTracking } from "../analytics/zone-tracking.js";
import { askedInterval, BucketParam, IntervalParam } from "./bucket-names.js";
import { httpError } from "./http-errors.js";
import { DwellBody, NoQuery, OccupancyBody, PathsBody, RangeQuery, StoreParams, TrafficBody, errorResponses } from "./schemas.js";

/** Zone ids of every layout version in force during [from, to). */
export function zonesDuring(layouts: readonly Layout[], from: number, to: number): string[] {
  const ids = new Set<string>();
  layouts.forEach((l, i) => {
    const end = layouts[i + 1]?.validFrom ?? Number.POSITIVE_INFINITY;
    const start = i === 0 ? Number.NEGATIVE_INFINITY : l.validFrom;
    if (start < to && end > from) for (const z of l.zones) ids.add(z.id);
  });
  return [...ids];
}

/**
 * Dwell, paths, traffic and live occupancy of one store: registered under `/stores/:store`, behind
 * the store pre-handler (the store resolved, 404 when unknown; `req.range` parsed for `range` routes).
 */
export const analyticsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { layouts, analytics, services } = app;
  const viewer = { auth: "viewer", range: true } as const;
  // The first hour of the hour and day figures kept (FOOTFALL_AGGREGATE_RETENTION_DAYS), as /counts' keptFrom: the figures
  // before it are deleted, and their zeros are no counts. Absent when they are kept for ever, as on /counts.
  const kept = (): { keptFrom?: number } => {
    const keptFrom = firstKeptHour(services.retention?.rollupsSince?.() ?? null);
    return keptFrom === null ? {} : { keptFrom };
  };

  app.get("/dwell", {
    config: viewer,
    schema: { tags: ["analytics"], summary: "Visits, visitors and dwell (s) per zone, for visits entered in [from, to)", params: StoreParams, querystring: RangeQuery, response: { 200: DwellBody, ...errorResponses } },
    handler: async (req) => {
      const store = req.store!;
      const range = req.range!;
      // The open hours a zone was counted by no agent (/traffic's rule for every zone), read beside the figures.
      const [zones, outages] = await Promise.all([
        (await analytics.figures(store.id)).dwell(range, zonesDuring(store.layouts, range.from, range.to)),
        storeNotCounted(services, store.id, range, store.layout.timezone, "zones"),
      ]);
      return { zones, ...kept(), outages };
    },
  });

  const PathsQuery = Type.Composite([RangeQuery, Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 20 })), alias: AliasQuery })]);
  app.get("/paths", {
    config: viewer,
    schema: { tags: ["analytics"], summary: "Top paths and all transitions of trips that started in [from, to)", params: StoreParams, querystring: PathsQuery, response: { 200: PathsBody, ...errorResponses } },
    handler: async (req) => {
      const { id: store, layout } = req.store!;
      const limit = req.query.limit ?? 20;
      const [report, outages] = await Promise.all([
        req.query.alias === 1 ? aliasedPathReport(app, store, req.range!, limit) : analytics.figures(store).then((f) => f.pathReport(req.range!, limit)),
        storeNotCounted(services, store, req.range!, layout.timezone, "zones"),
      ]);
      return { ...report, outages };
    },
  });

  const TrafficQuery = Type.Composite([
    RangeQuery,
    // interval= too, as GET /counts names it (1h, 1d): the same buckets.
    Type.Object({ bucket: Type.Optional(BucketParam), interval: Type.Optional(IntervalParam) }),
  ]);
  app.get("/traffic", {
    config: viewer,
    schema: { tags: ["analytics"], summary: "Enters per hour or day in the store's time zone", params: StoreParams, querystring: TrafficQuery, response: { 200: TrafficBody, ...errorResponses } },
    handler: async (req) => {
      const { id: store, layout } = req.store!;
      const range = req.range!;
      const interval = askedInterval(req.query, "1h");
      if (interval === "15m") throw httpError(400, "querystring/interval: traffic is counted by the hour or the day (interval=1h or 1d, bucket=hour or day); 15-minute counts are GET /api/v1/stores/:store/counts?interval=15m");
      const bucket: Bucket = interval === "1d" ? "day" : "hour";
      // Said in the parameter the caller used: interval=1h is told interval=1d, bucket=hour (or neither) bucket=day.
      if (bucket === "hour" && range.to - range.from > 93 * 86_400_000)
        throw httpError(
          400,
          req.query.interval !== undefined
            ? "querystring/interval: hourly traffic spans at most 93 days; use interval=1d"
            : `querystring/bucket: hourly traffic spans at most 93 days; use bucket=day${req.query.bucket === undefined ? " (or interval=1d)" : ""}`,
        );
      const kindAt = (zone: string, ts: number) => layouts.zoneKindAt(store, zone, ts);
      // The open hours nobody counted the entrance (the overview's and the digests' rule), read beside the buckets.
      const [buckets, outages] = await Promise.all([
        (await analytics.figures(store)).traffic(range, bucket, layout.timezone, kindAt, layouts.changes(store)),
        entranceNotCounted(services, store, range, layout.timezone),
      ]);
      return { buckets, ...kept(), outages };
    },
  });

  app.get("/occupancy", {
    config: { auth: "staff" },
    schema: { tags: ["live"], summary: "Visitors in each zone and in the store now", params: StoreParams, querystring: NoQuery, response: { 200: OccupancyBody, ...errorResponses } },
    handler: async (req) => {
      const { id, layout } = req.store!;
      const a = await analytics.get(id);
      const now = services.now();
      // Read side by side: what is counted, and what nothing counts now (its agents down).
      const [occ, notCounted] = await Promise.all([a.occupancy(now, layout.timezone, layout.zones), zonesNotCountedNow(services, id, layout.zones.map((z) => z.id), now, layout.timezone)]);
      // The version of the layout in force the figures are counted on, as the live push names it (a zone renamed keeps its id).
      return { ...withTracking(occ, a.liveSource(), notCounted), ...(layout.version !== undefined ? { layoutVersion: layout.version } : {}) };
    },
  });
};
