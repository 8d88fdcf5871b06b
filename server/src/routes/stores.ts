import { Type } from "@sinclair/typebox";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { asId, LayoutInputSchema, LayoutSchema, layoutProblems, scheduledAt, zonesUsed, type KeptHistory, type Layout, type LayoutInput, type StoreId, type ZoneId } from "@footfall/core";
import { mayAccessStore } from "../plugins/auth.js";
import { audit } from "../admin/audit.js";
import type { LayoutChangeRefusal, LayoutNewer, LayoutPastVersion } from "../storage/types.js";
import { httpError } from "./http-errors.js";
import { LATEST_MS, parseTime } from "./times.js";
import { StoreParams, StoresBody, errorResponses } from "./schemas.js";
import { storeTimeWords } from "../time-words.js";
import { laterInstant } from "../storage/layout-past.js";

/**
 * How many times a save at a future instant follows the versions other saves put at that instant meanwhile (each saved
 * since it looked is replaced, each cancelled meanwhile is saved beside no more) before it gives up with a 409.
 */
const SAME_INSTANT_TRIES = 5;

/** A layout as the response schema types it (the domain's polygons are read-only tuples). */
export const layoutBody = (l: Layout) => ({ ...l, zones: l.zones.map((z) => ({ ...z, polygon: z.polygon.map((p): [number, number] => [p[0], p[1]]) })) });

/**
 * Stores and their layouts. These routes do their own look-ups (a layout is saved before the
 * store exists; `?at=` picks a version), so they are not behind the store pre-handler.
 */
export const storeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { storage, layouts, services } = app;
  const anyRole = { auth: ["viewer", "staff"] } as const;

  app.get("/stores", {
    config: anyRole,
    schema: { tags: ["stores"], summary: "Stores this token may see, and how long raw events and hour/day figures are kept", response: { 200: StoresBody, ...errorResponses } },
    handler: async (req) => {
      const since = services.retention?.rawSince() ?? Number.NEGATIVE_INFINITY;
      const keptFrom = services.retention?.rollupsSince?.() ?? null;
      const history: KeptHistory = keptFrom === null ? null : { keptDays: services.retention?.aggregateDays ?? 0, keptFrom: Math.floor(keptFrom) };
      return {
        stores: (await storage.stores.list()).filter((s) => mayAccessStore(req.principal!, s.id)),
        retention: { rawDays: services.retention?.rawDays ?? 0, rawSince: Number.isFinite(since) ? Math.floor(since) : null, history },
      };
    },
  });

  const LayoutQuery = Type.Object({ at: Type.Optional(Type.String({ description: "the version in force at this time (ISO 8601 or epoch ms); default now" })) });
  app.get("/stores/:store/layout", {
    config: anyRole,
    schema: { tags: ["stores"], summary: "The store's layout in force now (or at `at`)", params: StoreParams, querystring: LayoutQuery, response: { 200: LayoutSchema, ...errorResponses } },
    handler: async (req) => {
      const at = parseTime(req.query.at, "at", services.now());
      await layouts.load(req.params.store);
      const layout = layouts.at(req.params.store, at);
      if (!layout) throw httpError(404, `store "${req.params.store}" has no layout: a merchandiser or admin saves one with PUT /api/v1/stores/${req.params.store}/layout`);
      return layoutBody(layout);
    },
  });

  app.get("/stores/:store/layouts", {
    config: anyRole,
    schema: {
      tags: ["stores"],
      summary: "Every layout version with the time it applies from, and every zone id the versions have had",
      params: StoreParams,
      response: {
        200: Type.Object({
          layouts: Type.Array(Type.Object({ version: Type.Integer(), validFrom: Type.Integer() })),
          zones: Type.Array(
            Type.Object({ id: Type.String(), name: Type.String(), version: Type.Integer(), validFrom: Type.Integer() }),
            {
              description:
                "every zone id any version had (v1.1, additive), with its name and version where it was last (latest validFrom, then version): a zone's history is kept under its id, so a new zone takes none of them unless it brings that zone back",
            },
          ),
        }),
        ...errorResponses,
      },
    },
    handler: async (req) => {
      const versions = await storage.stores.versions(req.params.store);
      if (versions.length === 0) throw httpError(404, `store "${req.params.store}" has no layout: a merchandiser or admin saves one with PUT /api/v1/stores/${req.params.store}/layout`);
      await layouts.load(req.params.store);
      return { layouts: versions, zones: zonesUsed(layouts.all(req.params.store)) };
    },
  });

  const VersionParams = Type.Object({ store: StoreParams.properties.store, version: Type.Integer({ minimum: 1, description: "layout version" }) });
  app.get("/stores/:store/layouts/:version", {
    config: anyRole,
    schema: { tags: ["stores"], summary: "One layout version (a version saved for later, to correct it: PUT .../layout?replaces=)", params: VersionParams, response: { 200: LayoutSchema, ...errorResponses } },
    handler: async (req) => {
      const { store, version } = req.params;
      const all = await storage.stores.layouts(store);
      if (all.length === 0) throw httpError(404, `store "${store}" has no layout: a merchandiser or admin saves one with PUT /api/v1/stores/${store}/layout`);
      const layout = all.find((l) => l.version === version);
      if (!layout) throw httpError(404, `store "${store}" has no layout version ${version} (never saved, or cancelled or corrected before it took effect): GET /api/v1/stores/${store}/layouts lists them`);
      return layoutBody(layout);
    },
  });

  /** Why a version may not be cancelled or replaced, as an HTTP error (`what`: "cancelled" or "corrected"). */
  const refusal = (store: string, version: number, res: LayoutChangeRefusal, what: "cancelled" | "corrected") => {
    const at = (ms: number) => new Date(ms).toISOString();
    if (res.outcome === "unknown") return httpError(404, `store "${store}" has no layout version ${version}`);
    if (res.outcome === "referenced")
      return httpError(409, `layout version ${version} of store "${store}" is the change of experiment "${res.experiment.name}" (${res.experiment.id}): delete the experiment first, or keep the version`);
    return httpError(
      409,
      `layout version ${version} of store "${store}" ${res.outcome === "in force" ? `is in force since ${at(res.validFrom)}` : `took effect on ${at(res.validFrom)} and was replaced since`}: only a version saved for later can be ${what} before it takes effect (history is kept); save a new version to change the layout`,
    );
  };

  // A version number is a PostgreSQL integer: one beyond it is a 400, not the database's overflow (a 500).
  const MAX_VERSION = 2_147_483_647;
  const SaveQuery = Type.Object({
    replaces: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_VERSION, description: "a version saved for later that this one replaces (corrects) before it takes effect; the saved one has a new number" })),
    seen: Type.Optional(
      Type.Integer({ minimum: 0, maximum: MAX_VERSION, description: "the newest version the saver had seen (0: none, a new store): 409 when a newer one was saved since, so two editors never silently undo each other's changes" }),
    ),
  });
  app.put("/stores/:store/layout", {
    config: { auth: "merchandiser" },
    bodyLimit: 4 * 1024 * 1024,
    schema: {
      tags: ["stores"],
      summary: "Save a new layout version (creates the store if new), or correct one saved for later (?replaces=)",
      params: StoreParams,
      querystring: SaveQuery,
      body: LayoutInputSchema,
      response: { 200: LayoutSchema, ...errorResponses },
    },
    handler: async (req) => {
      const store = asId<StoreId>(req.params.store, "store id");
      if (req.body.store !== undefined && req.body.store !== store) throw httpError(400, `body/store "${req.body.store}" differs from the URL's store "${store}"`);
      // The schema checked every zone id's pattern; here they become the domain's ids. A zone's name is kept without the
      // spaces around it, as the editor keeps it ("Fruit " beside "Fruit" reads as one zone twice in every report).
      const input: LayoutInput = { ...req.body, zones: req.body.zones.map((z) => ({ ...z, id: asId<ZoneId>(z.id, "zone id"), name: z.name.trim() })) };
      // A name of spaces only shows blank on the plan, the heatmap, the reports and the exports (stored ones stay readable).
      const blank = input.zones.flatMap((z, i) => (z.name ? [] : [`/zones/${i}/name: zone "${z.id}" has a blank name: give it a name people will read on the plan and in the reports (e.g. "Fruit & veg")`]));
      if (blank.length) throw httpError(400, `body${blank.join("; body")}`);
      // 0 is "since always" (a store's first layout); later than 2099 is a mistake (and breaks date formatting).
      if (!Number.isSafeInteger(input.validFrom) || input.validFrom >= LATEST_MS)
        throw httpError(400, `body/validFrom ${input.validFrom} is out of range: epoch milliseconds before 2100-01-01 (0: since always)`);
      const problems = layoutProblems(input);
      if (problems.length) throw httpError(400, `body${problems.join("; body")}`);
      const { replaces, seen } = req.query;
      // Another editor saved since this one opened the layout: saving this draft would undo their changes without a word.
      // The storage looks in the save's own transaction, so of two editors who saw the same version only one saves.
      const saveNewer = (res: LayoutNewer) =>
        httpError(
          409,
          `layout version ${res.newer.map((l) => l.version).join(", ")} of store "${store}" was saved after version ${seen}, the newest you had seen (${res.newer.map((l) => `version ${l.version} valid from ${new Date(l.validFrom).toISOString()}`).join("; ")}): saving yours would undo those changes. Open the layout again to start from them, or save with ?seen=${res.newer.at(-1)!.version} to save yours over them`,
        );
      // A version saved for later at this very instant would never be in force (of two versions dated alike the later saved
      // is): the save replaces it, as ?replaces= would (a second save for next Monday's refit is its correction). The layout in
      // force at every instant is what it would have been; only the version that could never be in force is gone.
      const now = services.now();
      const sameInstant = replaces === undefined && input.validFrom > now ? scheduledAt(await storage.stores.versions(store), input.validFrom, now) : null;
      // The 409 in words: the time the past version was in force, in the store's time zone (its version in force now).
      const pastVersion = async ({ past, until }: LayoutPastVersion) => {
        await layouts.load(store);
        const tz = layouts.current(store, services.now())?.timezone ?? input.timezone;
        const w = (ms: number) => storeTimeWords(ms, tz);
        // An instant in the time it was in force, a save at which is accepted: the next whole minute, as the words name it
        // (a time typed in the editor is a whole minute), else within that minute (its ISO form names it), else none.
        const later = laterInstant({ past, until }, services.now());
        const pick =
          later === null
            ? `or pick an instant after ${new Date(until?.validFrom ?? input.validFrom).toISOString()} (no instant lies between version ${past.version}'s and ${until ? `version ${until.version}'s` : "now"}, so no version can be saved for that time)`
            : later % 60_000 === 0
              ? `or pick a later instant (${w(later)}, ${new Date(later).toISOString()}, say): a version from then is read for the figures from then, and version ${past.version} stays in force until it`
              : `or pick a later instant (${new Date(later).toISOString()}, say: ${until ? `version ${until.version} took over within the minute, at ${new Date(until.validFrom).toISOString()}` : "within the minute"}, so a whole minute would not do; the editor takes whole minutes, send it as validFrom): a version from then is read for the figures from then, and version ${past.version} stays in force until it`;
        const span = until ? `From ${w(past.validFrom)} to ${w(until.validFrom)}, layout version ${past.version} of store "${store}" was in force` : `Since ${w(past.validFrom)}, layout version ${past.version} of store "${store}" has been in force`;
        return httpError(
          409,
          `${span}, and this save's validFrom (${new Date(input.validFrom).toISOString()}) is its very instant: saved, this version would take its place ${until ? "for that whole time" : "from then on"}, and version ${past.version} would be in force at no instant. A past version cannot be replaced (history is kept: the figures were counted on it). Save from now (validFrom: the time of the save), ${pick}`,
        );
      };
      const saveNew = async (tries = SAME_INSTANT_TRIES): Promise<ReturnType<typeof layoutBody>> => {
        // A past version (or the one in force) at this very instant: a version saved then would take its place for ever (in
        // force wherever it was), though it was in force and the figures since were counted on it. History is kept, as a
        // cancel or a correction of it is refused; a later instant, even a past one, is a new version from then. validFrom 0
        // is no instant but "since always": a save at 0 is the store's layout for all its history (a zone renamed in every
        // report, a script that PUTs its layout), as before. The storage looks in the save's own transaction (as for seen), so
        // of two saves at the same past instant at once only one saves: the other is refused, as it would be a moment later.
        const res = await storage.stores.saveLayoutSeen(store, input, services.now(), seen);
        if (res.outcome === "newer") throw saveNewer(res);
        if (res.outcome === "past version") throw await pastVersion(res);
        // A version saved for later at this very instant, saved since the route looked (another save at that time at once):
        // replaced, as it would have been a moment later, not kept beside this one never in force.
        if (res.outcome === "scheduled at") return replaceScheduled(res.scheduled.version, tries - 1);
        const layout = res.layout;
        await layouts.reload(store);
        await services.onLayoutSaved(layout);
        await audit(req, "layout.save", store, { version: layout.version, validFrom: layout.validFrom, zones: layout.zones.length });
        return layoutBody(layout);
      };
      // A correction moved onto the instant of another version saved for later would leave that one never in force (looked
      // for here, and again in the replace's transaction: one saved there meanwhile).
      const otherAt = (other: { version: number }, replacing: number) =>
        httpError(409, `layout version ${other.version} of store "${store}" takes effect at the same time, ${new Date(input.validFrom).toISOString()}: a correction of version ${replacing} from then would leave it never in force. Choose another "validFrom", or cancel version ${other.version} first`);
      if (replaces === undefined && sameInstant === null) return saveNew();
      if (replaces !== undefined && input.validFrom > now) {
        const other = scheduledAt((await storage.stores.versions(store)).filter((v) => v.version !== replaces), input.validFrom, now);
        if (other) throw otherAt(other, replaces);
      }
      const replacing = replaces ?? sameInstant!.version;
      // A correction stays a version saved for later: from now or before, it would rewrite what was in force.
      if (input.validFrom <= now)
        throw httpError(400, `body/validFrom ${new Date(input.validFrom).toISOString()} is not later than now: a version that replaces one saved for later takes effect later too; to change the layout from now, save a new version (without ?replaces=)`);
      // One step: the scheduled version is cancelled (as DELETE .../layouts/:version would) and this one saved, under a new number.
      async function replaceScheduled(replacing: number, tries: number): Promise<ReturnType<typeof layoutBody>> {
        if (tries <= 0)
          throw httpError(409, `other saves of store "${store}"'s layout at the same time, ${new Date(input.validFrom).toISOString()}, were being made while this one was: nothing was saved. Open the layout again to see them, and save again if yours is still wanted`);
        const res = await storage.stores.replaceLayout(store, replacing, input, now, seen);
        if (res.outcome === "newer") throw saveNewer(res);
        if (res.outcome === "scheduled at") throw otherAt(res.scheduled, replacing);
        // Cancelled by someone else meanwhile: nothing at that instant to replace any more.
        if (res.outcome === "unknown" && replaces === undefined) return saveNew(tries);
        if (res.outcome === "referenced" && replaces === undefined)
          throw httpError(
            409,
            `layout version ${replacing} of store "${store}" takes effect at the same time, ${new Date(input.validFrom).toISOString()}, and is the change of experiment "${res.experiment.name}" (${res.experiment.id}): a version saved at that time would replace it, so the experiment would lose its change. Choose another "validFrom", or delete the experiment first`,
          );
        if (res.outcome !== "replaced") throw refusal(store, replacing, res, "corrected");
        const layout = res.layout;
        await layouts.reload(store);
        // As after a save and a cancel: the agents keep the version in force; the schedule (and a chain's other servers) follow the new one.
        await services.onLayoutSaved(layout);
        await audit(req, "layout.replace", store, { version: layout.version, validFrom: layout.validFrom, zones: layout.zones.length, replaced: replacing, replacedValidFrom: res.validFrom });
        return layoutBody(layout);
      }
      return replaceScheduled(replacing, SAME_INSTANT_TRIES);
    },
  });

  app.delete("/stores/:store/layouts/:version", {
    config: { auth: "merchandiser" },
    schema: {
      tags: ["stores"],
      summary: "Cancel a layout version saved for later, before it takes effect (its number is not given again)",
      params: VersionParams,
      response: { 200: Type.Object({ version: Type.Integer(), validFrom: Type.Integer(), cancelled: Type.Literal(true) }), ...errorResponses },
    },
    handler: async (req) => {
      const { store, version } = req.params;
      // An experiment that names the version (its change is the version's validFrom) would lose its change: it goes first.
      // The storage checks that in the cancel's transaction (an experiment created meanwhile is seen, or sees the version gone).
      const res = await storage.stores.cancelLayout(store, version, services.now());
      if (res.outcome !== "cancelled") throw refusal(store, version, res, "cancelled");
      await layouts.reload(store);
      // As after a save: the agents keep the version in force, the schedule (and a chain's other servers) forget the cancelled one.
      const inForce = layouts.current(store, services.now());
      if (inForce) await services.onLayoutSaved(inForce);
      await audit(req, "layout.cancel", store, { version, validFrom: res.validFrom });
      return { version, validFrom: res.validFrom, cancelled: true as const };
    },
  });
};
