import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { Static } from "@sinclair/typebox";
import { firstFiguresOf } from "../analytics/first-figures.js";
import { chainAgents, chainOccupancy } from "../chain/live.js";
import { chainNotCounted } from "../chain/not-counted.js";
import { chainOutages } from "../chain/outages.js";
import { chainFigures, FigureTotals, openFrom, SketchMemo, visitorsOf, type DenseSketch, type StoreFigures, type TotalFigures } from "../chain/figures.js";
import { HOUR_MS } from "../analytics/time-parts.js";
import { withGrace } from "../analytics/zone-tracking.js";
import { mayAccessStore } from "../plugins/auth.js";
import { conversionSpan, DEFAULT_CLOCK_WARN_MS, notLikeForLike, openIntervals, overviewOrder, wholeFrom } from "@footfall/core";
import { OverviewBody, OverviewQuery } from "./chain-schemas.js";
import { zonesDuring } from "./analytics.js";
import { httpError } from "./http-errors.js";
import { errorResponses } from "./schemas.js";
import { parseRange } from "./times.js";
import { comparedPeriods, OverviewWarmer, subjectsOf } from "./overview-warm.js";


type Body = Static<typeof OverviewBody>;
type StoreRow = Body["stores"][number];

const publicFigures = <F extends TotalFigures>({ closed: _closed, ...f }: F) => f;
/**
 * The chain overview: every store the token may see (or those of one group), with enters,
 * visitors, conversion, average basket and median dwell against the previous period and the same
 * weekdays a year before, occupancy now and agent health; totals of all the stores listed and of
 * each group. Served from the aggregates with one statement per figure over all stores
 * (../chain/figures.ts), so it stays fast for a thousand stores.
 */
export const overviewRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { storage, layouts, analytics, services } = app;
  // The dwell sketches of the last periods asked for and of the standard periods, kept while their store rollups' stamps stay
  // (../chain/figures.ts); the standard periods are read ahead once the server listens and at every turn of the hour (./overview-warm.ts).
  const memo = new SketchMemo(9, (answer, n) => services.metrics.overviewMemo.inc({ answer }, n));
  const warmer = new OverviewWarmer(services, memo, { log: services.log });
  services.overview = warmer;
  if (process.env.FOOTFALL_OVERVIEW_WARM !== "off") app.addHook("onListen", async () => warmer.start());
  app.addHook("onClose", async () => warmer.stop());

  app.get("/overview", {
    config: { auth: "viewer" },
    schema: {
      tags: ["chain"],
      summary: "Every store's key figures in [from, to) against the previous period and last year, occupancy now, agent health, and group totals",
      querystring: OverviewQuery,
      response: { 200: OverviewBody, ...errorResponses },
    },
    handler: async (req) => {
      const now = services.now();
      const q = req.query;
      // Without a range: the 24 hours up to the end of the current hour (whole hours, as the rollups answer).
      const asked = parseRange(q, Math.ceil(now / HOUR_MS) * HOUR_MS);
      if (asked.from % HOUR_MS !== 0 || asked.to % HOUR_MS !== 0)
        throw httpError(400, "querystring/from and querystring/to must fall on whole hours (the overview is answered from hourly and daily rollups): e.g. 2026-11-30T00:00:00+01:00");
      // A range that ends in the future ends with the current hour, and the periods compared are as long.
      const { range, previous, lastYear } = comparedPeriods(asked, now);

      const p = req.principal!;
      const [allStores, groups] = await Promise.all([storage.stores.list(), storage.groups.list()]);
      let visible = allStores.filter((s) => mayAccessStore(p, s.id));
      if (q.group !== undefined) {
        const g = groups.find((x) => x.id === q.group);
        if (!g) throw httpError(404, `no store group "${q.group}": GET /api/v1/groups lists them`);
        const members = new Set(g.stores);
        visible = visible.filter((s) => members.has(s.id));
      }
      if (q.store !== undefined) {
        if (!visible.some((s) => s.id === q.store)) throw httpError(404, `no store "${q.store}" you may read: GET /api/v1/stores lists them`);
        visible = visible.filter((s) => s.id === q.store);
      }
      await Promise.all(visible.map((s) => layouts.load(s.id)));
      const subjects = subjectsOf(services, visible, now);
      const stores = subjects;
      const ownCount = async (store: string, r: { from: number; to: number }) => {
        const a = await analytics.get(store);
        const kindAt = (zone: string, ts: number) => layouts.zoneKindAt(store, zone, ts);
        const enters = await a.storeEnters(r, kindAt, layouts.changes(store));
        const dwell = await a.dwell(r, zonesDuring(layouts.all(store), r.from, r.to));
        const entrances = dwell.filter((z) => kindAt(z.zone, r.from) === "entrance");
        const tracked = entrances.reduce((n, z) => n + z.visits, 0);
        const visitors = entrances.reduce((n, z) => n + z.visitors, 0);
        return { enters, visitors: visitorsOf(tracked, visitors, enters - tracked) };
      };
      const ids = stores.map((s) => s.id);
      // When each store's figures begin: its sales count from then on, as the store's conversion view counts them;
      // and its till feed (its oldest sale stored): a period ending before either has no data (null), not 0.
      const [starts, sold] = await Promise.all([firstFiguresOf(app, subjects), storage.chain.firstSales(ids)]);
      const firsts = new Map(subjects.map((s) => [s.id, { first: starts.get(s.id) ?? null, timeZone: s.timezone, firstSale: sold.get(s.id) ?? null }]));
      // Each store's opening hours (null: none): a store closed now has no zone "not counted" and no agent needing
      // attention whose agents went down after closing (core notCountedWhileOpen, agentProblems), and the chain view
      // says when it opens.
      const keeper = services.hours;
      const hoursOf = new Map(await Promise.all(stores.map(async (s) => [s.id, (await keeper?.hoursNow(s.id)) ?? null] as const)));
      // And through time (migration 26): a past period is judged by the hours in force then (closed throughout, whole from).
      const pastHoursOf = new Map(await Promise.all(stores.map(async (s) => [s.id, (await keeper?.historyNow(s.id)) ?? null] as const)));
      const zoneOf = new Map(stores.map((s) => [s.id, s.timezone]));
      // Each store's opening with its grace for a box down at night (its agent-offline rules' threshold, as the Agents
      // view and GET /agents read it: zone-tracking's withGrace); only for stores with hours, where it can count.
      const openingOf = new Map(
        await Promise.all(
          stores.map(async (s) => {
            const hours = hoursOf.get(s.id) ?? null;
            return [s.id, hours ? await withGrace({ hours, timeZone: s.timezone }, storage, s.id) : { hours: null, timeZone: s.timezone }] as const;
          }),
        ),
      );
      const [cur, prev, last, live, agents] = await Promise.all([
        chainFigures(storage, subjects, range, ownCount, memo, openFrom(now), firsts),
        chainFigures(storage, subjects, previous, ownCount, memo, openFrom(now), firsts),
        chainFigures(storage, subjects, lastYear, ownCount, memo, openFrom(now), firsts),
        chainOccupancy(storage, stores, now, analytics.opts.visitTimeoutMs, (store, tz, midnight) => analytics.opts.doorCountSince?.(store, now, tz, midnight) ?? midnight),
        // What needs attention by the Agents view's rule, at the server's clock and clock threshold (GET /api/v1/agents counts the same).
        // Its read of every agent also gives the stores' counting views, which say below which zones nobody counts (one read, not two).
        chainAgents(storage, ids, {
          now,
          clockWarnMs: services.clockWarnMs ?? DEFAULT_CLOCK_WARN_MS,
          ...(services.counting ? { everyAgent: () => services.counting!.listAll(ids, now) } : {}),
          openingOf: (store) => openingOf.get(store) ?? { hours: null, timeZone: zoneOf.get(store) ?? "UTC" },
        }),
      ]);

      // Zones nobody counts now (core notCountedSince, by the store's hours): a store whose "in store now" holds one is partial, as its tablet says.
      const notCounted = await chainNotCounted(
        storage,
        stores.map((s) => ({
          id: s.id,
          zones: layouts.current(s.id, now)?.zones ?? [],
          occupancyFrom: live.get(s.id)?.occupancyFrom ?? "zones",
          hours: hoursOf.get(s.id) ?? null,
          timeZone: s.timezone,
        })),
        now,
        services.counting,
      );
      // Each store's open intervals from a day before now to two days after (GET /hours/open's), null without hours:
      // the chain view says "Closed now · opens at 08:00" from them, as the tablet does.
      const openOf = new Map(
        stores.map((s): [string, { from: number; to: number }[] | null] => {
          const h = hoursOf.get(s.id) ?? null;
          return [s.id, h ? openIntervals(h, { from: now - 24 * HOUR_MS, to: now + 48 * HOUR_MS }, s.timezone) : null];
        }),
      );
      // From when each store's figures are whole (core's wholeFrom): a first day counted from its opening time is whole.
      const wholeOf = new Map(stores.map((s) => [s.id, wholeFrom(firsts.get(s.id)?.first ?? null, pastHoursOf.get(s.id), s.timezone)]));
      // Each store's currency, its current layout's: amounts are added up within one currency only.
      const currencyOf = new Map(stores.map((s) => [s.id, layouts.current(s.id, now)?.currency ?? null]));
      // The oldest figures kept (FOOTFALL_AGGREGATE_RETENTION_DAYS): an earlier period before it has no data, the store is not new.
      const keptFrom = services.retention?.rollupsSince?.() ?? null;
      const keptDays = services.retention?.aggregateDays ?? 0;
      // The open hours of each period in which a store's entrance was counted by no agent (its door counter or camera
      // offline: the recorded offline spans, as experiments and forecasts read them): such a period is short by what
      // nobody counted, so it is compared with no other (a change would read the outage as a drop in traffic).
      const outagesOf = await chainOutages(services, stores, { range, previous, lastYear });
      const why = (id: string, period: { from: number; to: number }, earlier: "previous" | "lastYear") => {
        const not = notLikeForLike(period, wholeOf.get(id) ?? null, keptFrom);
        if (not !== null) return not;
        const o = outagesOf.get(id);
        return o && (o.range !== null || o[earlier] !== null) ? ("outage" as const) : null;
      };
      const notOf = new Map(stores.map((s) => [s.id, { previous: why(s.id, previous, "previous"), lastYear: why(s.id, lastYear, "lastYear") }]));
      // Whether a store was closed the whole of a period by its opening hours (a holiday's exception, a Sunday): its 0 enters
      // there are a closed store's, which the chain view says instead of leaving a bare "−100 %" to be read as nobody coming.
      const closedIn = (id: string, timeZone: string, period: { from: number; to: number }) => {
        const h = pastHoursOf.get(id) ?? null;
        return h !== null && openIntervals(h, period, timeZone).length === 0;
      };
      const groupsOf = new Map<string, string[]>();
      for (const g of groups) for (const s of g.stores) (groupsOf.get(s) ?? groupsOf.set(s, []).get(s)!).push(g.id);
      const rows: StoreRow[] = stores.map((s) => {
        const not = notOf.get(s.id)!;
        return {
          id: s.id,
          name: s.name,
          timezone: s.timezone,
          currency: currencyOf.get(s.id) ?? null,
          groups: groupsOf.get(s.id) ?? [],
          figures: publicFigures(cur.get(s.id)!.figures),
          previous: publicFigures(prev.get(s.id)!.figures),
          lastYear: publicFigures(last.get(s.id)!.figures),
          since: conversionSpan(range, firsts.get(s.id)?.first ?? null, s.timezone)?.from ?? null,
          figuresFrom: firsts.get(s.id)?.first ?? null,
          figuresWholeFrom: wholeOf.get(s.id) ?? null,
          likeForLike: { previous: not.previous === null, lastYear: not.lastYear === null },
          notLikeForLike: not,
          outages: outagesOf.get(s.id)!,
          closedThroughout: { range: closedIn(s.id, s.timezone, range), previous: closedIn(s.id, s.timezone, previous), lastYear: closedIn(s.id, s.timezone, lastYear) },
          occupancy: live.get(s.id)?.occupancy ?? 0,
          occupancyFrom: live.get(s.id)?.occupancyFrom ?? "zones",
          partial: notCounted.get(s.id)?.partial ?? false,
          notCounted: notCounted.get(s.id)?.zones ?? [],
          zoneCount: layouts.current(s.id, now)?.zones.length ?? 0,
          open: openOf.get(s.id) ?? null,
          agents: agents.get(s.id)!,
        };
      });
      rows.sort(overviewOrder(q.sort ?? "name", q.order)); // as the chain view sorts them

      const totalsOf = (id: string | null, name: string, members: readonly string[]) => {
        const t = [new FigureTotals(), new FigureTotals(), new FigureTotals()];
        let occupancy = 0;
        let partialStores = 0;
        for (const m of members) {
          [cur, prev, last].forEach((period, i) => {
            const f = period.get(m) as { figures: StoreFigures; hist: DenseSketch } | undefined;
            if (f) t[i]!.add(f.figures, f.hist, currencyOf.get(m) ?? null);
          });
          occupancy += live.get(m)?.occupancy ?? 0;
          if (notCounted.get(m)?.partial) partialStores++;
        }
        // Like-for-like: each change over the stores counted through the whole of both periods only (core's countedThrough),
        // their entrances counted in every open hour of both (no outage).
        const lfl = (earlier: "previous" | "lastYear", before: typeof prev) => {
          const now = new FigureTotals();
          const then = new FigureTotals();
          let n = 0;
          for (const m of members) {
            if (notOf.get(m)?.[earlier] !== null) continue;
            const c = cur.get(m) as { figures: StoreFigures; hist: DenseSketch } | undefined;
            const b = before.get(m) as { figures: StoreFigures; hist: DenseSketch } | undefined;
            if (!c || !b) continue;
            n++;
            now.add(c.figures, c.hist, currencyOf.get(m) ?? null);
            then.add(b.figures, b.hist, currencyOf.get(m) ?? null);
          }
          return { stores: n, figures: publicFigures(now.figures()), before: publicFigures(then.figures()) };
        };
        const currencies = t[0]!.currencies;
        return {
          id,
          name,
          stores: members.length,
          currency: currencies.length === 1 ? currencies[0]! : null,
          currencies,
          figures: publicFigures(t[0]!.figures()),
          previous: publicFigures(t[1]!.figures()),
          lastYear: publicFigures(t[2]!.figures()),
          likeForLike: { previous: lfl("previous", prev), lastYear: lfl("lastYear", last) },
          occupancy,
          partialStores,
          visitorsLeftOut: t[0]!.visitorsLeftOut,
        };
      };
      const listed = new Set(ids);
      return {
        range,
        previous,
        lastYear,
        stores: rows,
        totals: totalsOf(null, q.group !== undefined ? (groups.find((g) => g.id === q.group)?.name ?? q.group) : "All stores", ids),
        groups: groups.flatMap((g) => {
          const members = g.stores.filter((s) => listed.has(s));
          return members.length ? [totalsOf(g.id, g.name, members)] : [];
        }),
        history: keptFrom === null ? null : { keptDays, keptFrom: Math.floor(keptFrom) },
      };
    },
  });
};
