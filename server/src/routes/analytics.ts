import { Type, type Static } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { Bucket, Layout } from "@footfall/core";
import type { Services } from "../services.js";
import { AliasQuery, aliasedPathReport } from "./funnels.js";
import { httpError } from "./http-errors.js";
import { parseRange } from "./times.js";
import { DwellBody, OccupancyBody, PathsBody, RangeQuery, StoreParams, TrafficBody, errorResponses } from "./schemas.js";

type Params = { Params: Static<typeof StoreParams> };

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

/** Dwell, paths, traffic and live occupancy of one store. */
export async function analyticsRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { layouts, analytics } = services;
  const viewer = { auth: "viewer" } as const;
  const knownStore = async (store: string): Promise<Layout> => {
    await layouts.load(store);
    const layout = layouts.current(store, services.now());
    if (!layout) throw httpError(404, `store "${store}" not found or has no layout: GET /api/v1/stores lists the stores`);
    return layout;
  };

  app.get<Params & { Querystring: Static<typeof RangeQuery> }>("/stores/:store/dwell", {
    config: viewer,
    schema: { tags: ["analytics"], summary: "Visits, visitors and dwell (s) per zone, for visits entered in [from, to)", params: StoreParams, querystring: RangeQuery, response: { 200: DwellBody, ...errorResponses } },
    handler: async (req) => {
      await knownStore(req.params.store);
      const range = parseRange(req.query, services.now());
      const zones = zonesDuring(layouts.all(req.params.store), range.from, range.to);
      return { zones: await (await analytics.get(req.params.store)).dwell(range, zones) };
    },
  });

  const PathsQuery = Type.Composite([RangeQuery, Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 20 })), alias: AliasQuery })]);
  app.get<Params & { Querystring: Static<typeof PathsQuery> }>("/stores/:store/paths", {
    config: viewer,
    schema: { tags: ["analytics"], summary: "Top paths and all transitions of trips that started in [from, to)", params: StoreParams, querystring: PathsQuery, response: { 200: PathsBody, ...errorResponses } },
    handler: async (req) => {
      await knownStore(req.params.store);
      const range = parseRange(req.query, services.now());
      if (req.query.alias === 1) return aliasedPathReport(services, req.params.store, range, req.query.limit ?? 20);
      return (await analytics.get(req.params.store)).pathReport(range, req.query.limit ?? 20);
    },
  });

  const TrafficQuery = Type.Composite([RangeQuery, Type.Object({ bucket: Type.Optional(Type.String({ enum: ["hour", "day"], default: "hour", description: "hour or day, in the store's time zone" })) })]);
  app.get<Params & { Querystring: Static<typeof TrafficQuery> }>("/stores/:store/traffic", {
    config: viewer,
    schema: { tags: ["analytics"], summary: "Enters per hour or day in the store's time zone", params: StoreParams, querystring: TrafficQuery, response: { 200: TrafficBody, ...errorResponses } },
    handler: async (req) => {
      const layout = await knownStore(req.params.store);
      const range = parseRange(req.query, services.now());
      const bucket = (req.query.bucket ?? "hour") as Bucket;
      if (bucket === "hour" && range.to - range.from > 93 * 86_400_000) throw httpError(400, "querystring/bucket: hourly traffic spans at most 93 days; use bucket=day");
      const store = req.params.store;
      const kindAt = (zone: string, ts: number) => layouts.zoneKindAt(store, zone, ts);
      return { buckets: await (await analytics.get(store)).traffic(range, bucket, layout.timezone, kindAt, layouts.changes(store)) };
    },
  });

  app.get<Params>("/stores/:store/occupancy", {
    config: { auth: "staff" },
    schema: { tags: ["live"], summary: "Visitors in each zone and in the store now", params: StoreParams, response: { 200: OccupancyBody, ...errorResponses } },
    handler: async (req) => {
      const layout = await knownStore(req.params.store);
      const a = await analytics.get(req.params.store);
      return { ...(await a.occupancy(services.now(), layout.timezone, layout.zones)), ...a.liveSource() };
    },
  });
}
