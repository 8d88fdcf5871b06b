import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { liveQueues, queueReport, queueReportCsv, queueSource } from "../analytics/queues.js";
import { rangeHasData } from "@footfall/core";
import { storeStart } from "../digests/figures.js";
import { httpError } from "./http-errors.js";
import { LiveQueuesBody, NoQuery, QueuesBody, RangeQuery, StoreParams, errorResponses } from "./schemas.js";

/** Days a queue report spans at most (it reads raw visits and one path read per hour). */
const MAX_DAYS = 93;

/**
 * Checkout queues of one store (issue 14.1), under `/stores/:store` behind the store pre-handler:
 * live figures for the tablet (staff) and waits and abandonment by weekday and hour (viewers), as
 * JSON or CSV.
 */
export const queueRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { analytics, services } = app;
  const viewer = { auth: "viewer", range: true } as const;

  app.get("/queues/live", {
    config: { auth: "staff" },
    schema: { tags: ["live"], summary: "Each queue now: people waiting and the estimated wait for someone joining now", params: StoreParams, querystring: NoQuery, response: { 200: LiveQueuesBody, ...errorResponses } },
    handler: async (req) => {
      const live = await liveQueues(services, req.store!.id);
      if (!live) throw httpError(404, `store "${req.store!.id}" has no layout`);
      return live;
    },
  });

  const report = async (store: { id: string; layout: { timezone: string }; layouts: Parameters<typeof queueReport>[1] }, range: { from: number; to: number }) => {
    if (range.to - range.from > MAX_DAYS * 86_400_000) throw httpError(400, `querystring/to: a queue report spans at most ${MAX_DAYS} days; choose a shorter range`);
    await analytics.get(store.id);
    const visitTimeoutMs = analytics.opts.visitTimeoutMs;
    return queueReport(queueSource(services, store.id), store.layouts, range, store.layout.timezone, services.now(), visitTimeoutMs + 3_600_000);
  };

  app.get("/queues", {
    config: viewer,
    schema: {
      tags: ["analytics"],
      summary: "Per queue: joins, waits (median, p90) and abandonment in [from, to), by the store's local weekday and hour",
      params: StoreParams,
      querystring: RangeQuery,
      response: { 200: QueuesBody, ...errorResponses },
    },
    handler: async (req) => ({ timezone: req.store!.layout.timezone, queues: await report(req.store!, req.range!) }),
  });

  app.get("/queues.csv", {
    config: viewer,
    schema: {
      tags: ["analytics"],
      summary: "The queue report as CSV: one row per queue, weekday and hour",
      params: StoreParams,
      querystring: RangeQuery,
      produces: ["text/csv"],
      response: { 200: Type.String(), ...errorResponses },
    },
    handler: async (req, reply) => {
      const rows = await report(req.store!, req.range!);
      // A range before the store's figures begin (or a store with none) has no data, not 0 joins: empty cells, as the
      // view says "No data for this range" and the heatmap's exports leave it (the UI's coverage: core wholeFrom).
      const now = services.now();
      const { whole } = await storeStart(services, req.store!.id, now);
      const noData = !rangeHasData(req.range!, { from: whole, now });
      reply.type("text/csv; charset=utf-8").header("content-disposition", `attachment; filename="footfall-${req.store!.id}-queues.csv"`);
      return queueReportCsv(rows, req.range!, req.store!.layout.timezone, noData);
    },
  });
};
