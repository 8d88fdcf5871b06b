import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { conversionSpan, longDwellLowConversion, NON_SELLING_KINDS, storeConversion, zoneConversion } from "@footfall/core";
import { firstFigures } from "../analytics/first-figures.js";
import { storeNotCounted } from "../chain/outages.js";
import { zonesDuring } from "./analytics.js";
import { round6 } from "./known-store.js";
import { ConversionBody, RangeQuery, StoreParams, errorResponses } from "./schemas.js";


/**
 * Conversion of a store and its zones. Visitors are the store's enters (as `traffic` counts
 * them), so a visitor who comes back later is counted again, as a till counts a second basket.
 * `staffRatio` is null: v1 has no source of staff counts (beacon sources exclude staff tags
 * rather than count them).
 *
 * Sales count from the store's first figures on (core's `conversionSpan`: from the local day that
 * holds them): a range that starts before the counters did would otherwise set every sale of the
 * range against the enters of its last days. `since` says where they begin.
 */
export const conversionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { storage, layouts, analytics } = app;

  app.get("/conversion", {
    config: { auth: "viewer", range: true },
    schema: {
      tags: ["sales"],
      summary: "Conversion (transactions / visits), average basket and sales per visit, for the store and per zone, in [from, to)",
      params: StoreParams,
      querystring: RangeQuery,
      response: { 200: ConversionBody, ...errorResponses },
    },
    handler: async (req) => {
      const { id: store, layouts: versions, layout } = req.store!;
      const range = req.range!;
      const a = await analytics.get(store);
      const visitors = await a.storeEnters(range, (zone, ts) => layouts.zoneKindAt(store, zone, ts), layouts.changes(store));
      // The sales of the days with figures only (none before the store's first figures: no enters to set them against).
      const span = conversionSpan(range, await firstFigures(app, store, layout.timezone), layout.timezone);
      const totals = span ? await storage.sales.totals(store, span.from, span.to) : { transactions: 0, sales: 0 };
      const sales = new Map((span ? await storage.sales.byZone(store, span.from, span.to) : []).map((z) => [z.zone, z]));
      const dwell = await a.dwell(range, zonesDuring(versions, range.from, range.to));
      const ids = [...new Set([...dwell.map((z) => z.zone as string), ...sales.keys()])].sort();
      const byZone = new Map(dwell.map((z) => [z.zone as string, z]));
      // No sale recorded for the store in the range: its sales are not imported (yet), so no conversion
      // (null, not 0 %: "nobody bought" would be a claim) nor sales per visit (core's storeConversion).
      const sold = totals.transactions > 0;
      const conversion = storeConversion(totals.transactions, visitors);
      // Entrances, tills, fitting rooms and queues sell nothing by nature (core's NON_SELLING_KINDS).
      const nonSelling = (zone: string) => NON_SELLING_KINDS.has(layouts.zoneKindAt(store, zone, Math.max(range.from, range.to - 1)) ?? "");
      const zones = ids.map((zone) => {
        const visits = byZone.get(zone)?.visits ?? 0;
        const s = sales.get(zone);
        const c = zoneConversion({ visits, transactions: s?.transactions ?? 0, sales: s?.sales ?? 0, dwellMedianS: byZone.get(zone)?.dwell_s?.median ?? null });
        // Such a zone with no sale placed in it has no conversion ("–"), not 0 %, unless the tills name it.
        const rated = sold && !(nonSelling(zone) && (s?.transactions ?? 0) === 0);
        return {
          zone,
          visits,
          transactions: round6(s?.transactions ?? 0),
          sales: round6(s?.sales ?? 0),
          conversion: rated ? c.conversion : null,
          salesPerVisit: rated ? c.salesPerVisit : null,
          dwellMedianS: c.dwellMedianS,
        };
      });
      // The flag judges the selling zones among themselves.
      const flagged = longDwellLowConversion(zones.filter((z) => !nonSelling(z.zone)));
      const ratio = (x: number, y: number) => (y > 0 ? round6(x / y) : null);
      // The open hours a zone (the entrance: the store's visitors) was counted by no agent, as /traffic says it.
      const outages = await storeNotCounted(app.services, store, range, layout.timezone, "zones");
      return {
        outages,
        store: {
          visitors,
          since: span?.from ?? null,
          transactions: totals.transactions,
          sales: round6(totals.sales),
          conversion: conversion === null ? null : round6(conversion),
          averageBasket: ratio(totals.sales, totals.transactions),
          salesPerVisitor: sold ? ratio(totals.sales, visitors) : null,
          staffRatio: null,
        },
        zones: zones.map((z) => ({
          zone: z.zone,
          visits: z.visits,
          transactions: z.transactions,
          sales: z.sales,
          conversion: z.conversion === null ? null : round6(z.conversion),
          salesPerVisit: z.salesPerVisit === null ? null : round6(z.salesPerVisit),
          dwellMedian_s: z.dwellMedianS,
          longDwellLowConversion: flagged.has(z.zone),
        })),
      };
    },
  });
};
