import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyReply, FastifyRequest } from "fastify";
import { Type } from "@sinclair/typebox";
import { firstKeptHour, serializeCounts, storeCounts, COUNTS_INTERVALS, type CountsInterval, type CountsRow, type CountsSubject } from "../chain/counts.js";
import { mayAccessStore } from "../plugins/auth.js";
import { GroupParams } from "./chain-schemas.js";
import type { Bucket } from "@footfall/core";
import { askedInterval, BucketParam } from "./bucket-names.js";
import { httpError } from "./http-errors.js";
import { StoreParams, errorResponses } from "./schemas.js";
import { parseRange } from "./times.js";

export const CountsQuery = Type.Object({
  from: Type.Optional(Type.String({ description: "ISO 8601 or epoch ms (default: a day before `to`)", maxLength: 40 })),
  to: Type.Optional(Type.String({ description: "ISO 8601 or epoch ms (default: now)", maxLength: 40 })),
  interval: Type.Optional(Type.Unsafe<CountsInterval>(Type.String({ enum: [...COUNTS_INTERVALS], description: "default 1h (or bucket=); 15m needs raw events (within FOOTFALL_RETENTION_DAYS); 1h and 1d come from the rollups" }))),
  /** As GET /traffic names it: hour is interval=1h, day 1d (both given, they must agree). */
  bucket: Type.Optional(BucketParam),
  format: Type.Optional(Type.Unsafe<"json" | "csv">(Type.String({ enum: ["json", "csv"], description: "default: JSON, or CSV when Accept asks for text/csv" }))),
});

const DESCRIPTION =
  "Rows `{store, zone, kind, start, end, in, out}` per bucket and zone (Axis/Xovis-style), bucket edges in the store's time zone. " +
  "`in` = the zone's enters as `traffic` counts them (visits opened plus door in); `out` = its door counters' out, null for a zone without one. " +
  "A bucket that starts before the hour and day figures kept (FOOTFALL_AGGREGATE_RETENTION_DAYS; JSON `keptFrom`, the first hour kept) has `in` and `out` null (empty CSV cells): deleted, not 0. " +
  "JSON `{store, timezone | group, interval, from, to, keptFrom?, rows}` or CSV (`format=csv` or `Accept: text/csv`), streamed. `ETag`/`Last-Modified` change when the stores ingest or their layouts change; `If-None-Match` gets 304.";

/** A count, or null where no figure is kept (or, for `out`, no door counter counts). */
const Count = (description: string) => Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description });
const CountsRowSchema = Type.Object({
  store: Type.String(),
  zone: Type.String(),
  kind: Type.String({ description: "the zone's kind in the layout in force at the bucket's start (entrance, zone, checkout, queue, fitting-room)" }),
  start: Type.String({ description: "ISO 8601 in the store's time zone, e.g. 2026-11-01T09:00:00+01:00" }),
  end: Type.String({ description: "ISO 8601, not included; a bucket cut by the range ends there" }),
  in: Count("enters as traffic counts them; null before the figures kept (keptFrom)"),
  out: Count("door counters' out; null for a zone without one, or before the figures kept"),
});

/** The answer as documented in OpenAPI (/api/docs): it is streamed, not serialized through this schema. */
export const CountsAnswerSchema = Type.Object({
  store: Type.Optional(Type.String({ description: "a store's counts" })),
  timezone: Type.Optional(Type.String({ description: "a store's counts: its IANA time zone" })),
  group: Type.Optional(Type.String({ description: "a group's counts (each store's buckets in its own time zone)" })),
  interval: Type.Union(COUNTS_INTERVALS.map((i) => Type.Literal(i))),
  from: Type.Integer({ description: "epoch ms, the range's start as read" }),
  to: Type.Integer({ description: "epoch ms, the range's end (not included)" }),
  keptFrom: Type.Optional(Type.Integer({ description: "epoch ms: the first hour of the hour and day figures kept (FOOTFALL_AGGREGATE_RETENTION_DAYS); rows before it have in and out null" })),
  rows: Type.Array(CountsRowSchema),
});

const countsResponses = {
  200: {
    description: "JSON, or CSV (format=csv or Accept: text/csv) with the header store,zone,kind,start,end,in,out (CRLF line ends; an empty cell for null)",
    content: {
      "application/json": { schema: CountsAnswerSchema },
      "text/csv": { schema: Type.String() },
    },
  },
  304: Type.Null({ description: "Not modified: If-None-Match names the current ETag" }),
  ...errorResponses,
};

const MAX_ROWS_HINT = "15-minute counts span at most 93 days; use interval=1h or 1d";

/**
 * Counts for BI tools (../chain/counts.ts), of one store or of a group's stores, in JSON or CSV,
 * streamed; with a validator (ETag, Last-Modified) so a tool polling for changes gets 304 while
 * nothing was ingested.
 */
export const countsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { storage, layouts, analytics, services } = app;

  const subjectOf = async (store: string): Promise<CountsSubject | null> => {
    await layouts.load(store);
    const layout = layouts.current(store, services.now());
    if (!layout) return null;
    return {
      store,
      timezone: layout.timezone,
      layouts: layouts.all(store),
      analytics: await analytics.get(store),
      kindAt: (zone, ts) => layouts.zoneKindAt(store, zone, ts),
      changes: layouts.changes(store),
    };
  };

  /** What the answer depends on besides the query: each store's ingest counters and layout versions, and the retention horizon for 15m. */
  const validator = async (stores: readonly string[], q: Record<string, unknown>, interval: CountsInterval, cutAt: number | null) => {
    const h = createHash("sha256");
    h.update(JSON.stringify(q));
    let last = 0;
    for (const store of stores) {
      const agents = await storage.agents.list(store);
      const events = agents.reduce((n, a) => n + a.events + a.duplicates, 0);
      const received = Math.max(0, ...agents.map((a) => a.lastReceivedAt ?? 0));
      const layoutSaved = layouts.all(store).length;
      last = Math.max(last, received);
      h.update(`${store}|${events}|${received}|${layoutSaved}\n`);
    }
    if (interval === "15m") h.update(`raw since ${Math.floor((services.retention?.rawSince() ?? 0) / 86_400_000)}`);
    // A range the hour and day figures kept cut (its rows before them null): the answer changes as that horizon moves on.
    if (cutAt !== null) {
      h.update(`kept from ${cutAt}`);
      last = Math.max(last, cutAt);
    }
    return { etag: `W/"${h.digest("base64url").slice(0, 27)}"`, lastModified: last > 0 ? new Date(Math.floor(last / 1000) * 1000) : null };
  };

  const answer = async (req: FastifyRequest, reply: FastifyReply, subjects: CountsSubject[], head: Record<string, unknown>) => {
    const q = req.query as Record<string, string | undefined>;
    const now = services.now();
    const range = parseRange(q, now);
    const interval = askedInterval(q as { bucket?: Bucket; interval?: CountsInterval }, "1h");
    if (interval === "15m" && range.to - range.from > 93 * 86_400_000) throw httpError(400, `querystring/interval: ${MAX_ROWS_HINT}`);
    const csv = q.format === "csv" || (q.format === undefined && /\btext\/csv\b/.test(req.headers.accept ?? ""));
    const rawSince = services.retention?.rawSince() ?? Number.NEGATIVE_INFINITY;
    // 15m reads raw events (their own horizon, above); 1h and 1d the rollups.
    const keptFrom = interval === "15m" ? null : firstKeptHour(services.retention?.rollupsSince?.() ?? null);
    const v = await validator(
      subjects.map((s) => s.store),
      { ...head, from: range.from, to: range.to, interval, csv },
      interval,
      keptFrom !== null && range.from < keptFrom ? keptFrom : null,
    );
    reply.header("etag", v.etag).header("cache-control", "private, no-cache").header("vary", "accept, authorization");
    if (v.lastModified) reply.header("last-modified", v.lastModified.toUTCString());
    const inm = req.headers["if-none-match"];
    const ims = req.headers["if-modified-since"];
    const notModified = inm !== undefined ? inm.split(",").some((t) => t.trim() === v.etag || t.trim() === "*") : ims !== undefined && v.lastModified !== null && Date.parse(ims) >= v.lastModified.getTime();
    if (notModified) return reply.code(304).send();
    // A range the store cannot answer (15m beyond retention) fails before the first byte is sent.
    const iterators = subjects.map((s) => ({ store: s.store, it: storeCounts(storage, s, range, interval, rawSince, keptFrom)[Symbol.asyncIterator]() }));
    const firsts = await Promise.all(iterators.map((x) => x.it.next()));
    async function* chunks(): AsyncGenerator<{ store: string; rows: CountsRow[] }> {
      for (const [i, x] of iterators.entries()) {
        let r = firsts[i]!;
        while (!r.done) {
          yield { store: x.store, rows: r.value };
          r = await x.it.next();
        }
      }
    }
    const body = serializeCounts(chunks(), csv ? "csv" : "json", { ...head, interval, from: range.from, to: range.to, ...(keptFrom !== null ? { keptFrom } : {}) });
    reply.type(csv ? "text/csv; charset=utf-8" : "application/json; charset=utf-8");
    if (csv) reply.header("content-disposition", `attachment; filename="${String(head.store ?? head.group)}-counts-${interval}.csv"`);
    return reply.send(Readable.from(body));
  };

  app.get("/stores/:store/counts", {
    config: { auth: "viewer" },
    schema: { tags: ["chain"], summary: "Counts per bucket and zone for BI tools (JSON or CSV)", description: DESCRIPTION, params: StoreParams, querystring: CountsQuery, response: countsResponses },
    handler: async (req, reply) => {
      const subject = await subjectOf(req.params.store);
      if (!subject) throw httpError(404, `store "${req.params.store}" not found or has no layout: GET /api/v1/stores lists the stores`);
      return answer(req, reply, [subject], { store: subject.store, timezone: subject.timezone });
    },
  });

  app.get("/groups/:group/counts", {
    config: { auth: "viewer" },
    schema: {
      tags: ["chain"],
      summary: "Counts per bucket, store and zone of a group's stores for BI tools (JSON or CSV)",
      description: `${DESCRIPTION} Each store's buckets are in its own time zone.`,
      params: GroupParams,
      querystring: CountsQuery,
      response: countsResponses,
    },
    handler: async (req, reply) => {
      const group = await storage.groups.get(req.params.group);
      if (!group) throw httpError(404, `no store group "${req.params.group}": GET /api/v1/groups lists them`);
      const subjects: CountsSubject[] = [];
      for (const store of group.stores) {
        if (!mayAccessStore(req.principal!, store)) continue;
        const s = await subjectOf(store);
        if (s) subjects.push(s);
      }
      return answer(req, reply, subjects, { group: group.id });
    },
  });
};
