import { Type } from "@sinclair/typebox";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { DEFAULT_CLOCK_WARN_MS, ID_PATTERN } from "@footfall/core";
import { agentInfo } from "../agent-info.js";
import { storeOpening } from "../analytics/zone-tracking.js";
import { mayAccessStore } from "../plugins/auth.js";
import { mqttConnected } from "../services.js";
import { httpError } from "./http-errors.js";
import { AgentsBody, ErrorBody, StoreParams, errorResponses } from "./schemas.js";

const AgentInfoBody = AgentsBody.properties.agents.items;
/** Code-unit order (ids are a-z, 0-9, "-" and "_"), whatever the database's collation. */
const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const AllAgentsQuery = Type.Object({
  problems: Type.Integer({ minimum: 0, maximum: 1, default: 0, description: "1: only the agents needing attention (offline, never seen, silent, lagging, clock off, backlog: the Agents view's flags)" }),
  offset: Type.Integer({ minimum: 0, default: 0, description: "the `next` of the previous page" }),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 500 }),
  store: Type.Optional(Type.String({ pattern: ID_PATTERN, description: "only this store's agents (the chain view's link from a store's agent cell); counts are then over it" })),
});
const AllAgentsBody = Type.Object({
  clockWarnMs: Type.Integer({ description: "an agent whose clockOffsetMs is further from 0 than this is flagged (FOOTFALL_CLOCK_WARN_MS)" }),
  total: Type.Integer({ description: "agents listed over all pages (with problems=1, those needing attention)" }),
  problems: Type.Integer({ description: "agents needing attention, of the stores the token may see" }),
  agentsSeen: Type.Integer({ description: "every agent of the stores the token may see (revoked ones too)" }),
  next: Type.Union([Type.Integer(), Type.Null()], { description: "the offset of the next page; null: this is the last" }),
  agents: Type.Array(
    Type.Composite([
      Type.Object({ store: Type.String(), storeName: Type.String({ description: "the store's name (its id when it has no layout yet)" }) }),
      AgentInfoBody,
    ]),
    { description: "those needing attention first, then the rest; each part by store then agent id" },
  ),
});

/** Health, the caller's identity, agents and metrics. */
export const adminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { storage, services } = app;

  const HealthBody = Type.Object({
    status: Type.String({ description: "ok | degraded" }),
    mqtt: Type.String({ description: "connected | disconnected" }),
    db: Type.String({ description: "ok | failing (events cannot be committed: disk full, locked, read-only) | error (unreachable)" }),
    error: Type.Optional(Type.String({ description: "what fails and since when, while degraded" })),
  });
  // A degraded answer is logged when health changes (degraded, degraded otherwise, ok again), not at every check: a load
  // balancer or orchestrator asks every few seconds, and each 503 was an error line of its own ("request failed").
  let degraded: { since: number; key: string } | null = null;
  // `dbSaid`: the database fails because PostgreSQL does not answer, which its storage says once (that health is degraded
  // too) and once when it answers again: the same cause is not said a second time here, nor its end ("ok again").
  const noteHealth = (ok: boolean, mqtt: string, db: string, error: string | undefined, dbSaid: boolean) => {
    const now = Date.now();
    if (!ok && dbSaid && mqtt === "connected" && degraded === null) return;
    if (!ok) {
      const key = `${mqtt}/${db}`;
      if (degraded?.key === key) return;
      services.log.warn(
        { mqtt, db, ...(error ? { error } : {}) },
        "health: degraded, GET /api/v1/health answers 503 until it is mended (said again when it changes or is ok)",
      );
      degraded = { since: degraded?.since ?? now, key };
    } else if (degraded) {
      services.log.info({ degradedS: Math.round((now - degraded.since) / 1000) }, "health: ok again");
      degraded = null;
    }
  };
  app.get("/health", {
    config: { auth: "public" },
    schema: {
      tags: ["ops"],
      summary: "Liveness of the server, its broker link and its database (degraded while event commits fail)",
      response: { 200: HealthBody, 503: HealthBody },
    },
    handler: async (_req, reply) => {
      let db = "ok";
      let error: string | undefined;
      let dbSaid = false;
      try {
        await storage.ping();
      } catch (err) {
        db = "error";
        error = `the database does not answer: ${(err as Error).message}`;
        dbSaid = storage.connectionLost?.(err) ?? false;
      }
      const commit = services.metrics.commitProblem;
      if (db === "ok" && commit) {
        db = "failing";
        error = `event commits fail since ${new Date(commit.since).toISOString()}: ${commit.error}`;
        dbSaid = commit.connectionLost === true;
      }
      const mqtt = mqttConnected(services) ? "connected" : "disconnected";
      const ok = db === "ok" && mqtt === "connected";
      noteHealth(ok, mqtt, db, error, dbSaid);
      return reply.code(ok ? 200 : 503).send({ status: ok ? "ok" : "degraded", mqtt, db, ...(error ? { error } : {}) });
    },
  });

  app.get("/me", {
    config: { auth: ["viewer", "staff"] },
    schema: { tags: ["auth"], summary: "The role of this token and the store it is limited to", response: { 200: Type.Object({ role: Type.String(), store: Type.Union([Type.String(), Type.Null()]), group: Type.Optional(Type.String({ description: "the store group it is limited to, when it is" })) }), 401: ErrorBody } },
    handler: async (req) => {
      const { role, store, group } = req.principal!;
      return group === null ? { role, store } : { role, store, group };
    },
  });

  app.get("/stores/:store/agents", {
    config: { auth: "admin" },
    schema: { tags: ["ops"], summary: "Each agent's state, last event, lag, events and rejects", params: StoreParams, response: { 200: AgentsBody, ...errorResponses } },
    handler: async (req) => {
      const agents = await storage.agents.list(req.params.store);
      // A store exists once it has a layout or an agent (`footfall agent add` may come first).
      if (agents.length === 0 && !(await storage.stores.get(req.params.store))) throw httpError(404, `store "${req.params.store}" not found: it has no layout and no agent`);
      // A split chain server's front asks its ingest worker, which counted them.
      const rejects = services.ingestRejects ? await services.ingestRejects(req.params.store) : null;
      const clockWarnMs = services.clockWarnMs ?? DEFAULT_CLOCK_WARN_MS;
      const now = services.now();
      // Its opening hours: an agent down since the store closed (a box switched off at night) needs no attention until it opens.
      const opening = await storeOpening(services, req.params.store, now);
      return {
        clockWarnMs,
        agents: agents.map((a) => agentInfo(a, rejects ? (rejects[a.agent] ?? {}) : services.metrics.rejectsOf(req.params.store, a.agent), clockWarnMs, now, opening)),
      };
    },
  });

  app.get("/agents", {
    config: { auth: "admin" },
    schema: {
      tags: ["ops"],
      summary: "Every store's agents the token may see (a group's or a store's when it is limited to one), those needing attention first; `problems=1`: only those",
      querystring: AllAgentsQuery,
      response: { 200: AllAgentsBody, ...errorResponses },
    },
    handler: async (req) => {
      const p = req.principal!;
      const q = req.query;
      const clockWarnMs = services.clockWarnMs ?? DEFAULT_CLOCK_WARN_MS;
      const now = services.now();
      const [rows, stores] = await Promise.all([storage.agents.listAll(), storage.stores.list()]);
      const names = new Map<string, string>(stores.map((s) => [s.id, s.name]));
      // Each store's opening hours, as its own list reads them (an agent down since its store closed needs no attention until it opens).
      const seen = [...new Set(rows.filter((a) => mayAccessStore(p, a.store) && (q.store === undefined || a.store === q.store)).map((a) => a.store))];
      const openingOf = new Map(await Promise.all(seen.map(async (s) => [s, await storeOpening(services, s, now)] as const)));
      // Each agent's row as the store's list gives it (its reject reasons only for the page's, below), and what needs attention.
      const all = rows
        .filter((a) => mayAccessStore(p, a.store) && (q.store === undefined || a.store === q.store))
        .sort((a, b) => byId(a.store, b.store) || byId(a.agent, b.agent))
        .map((a) => {
          const info = agentInfo(a, {}, clockWarnMs, now, openingOf.get(a.store));
          return { row: a, info, problems: info.problems ?? [] };
        });
      const needing = all.filter((e) => e.problems.length > 0);
      // Those needing attention first, each part by store then agent.
      const listed = q.problems === 1 ? needing : [...needing, ...all.filter((e) => e.problems.length === 0)];
      const page = listed.slice(q.offset, q.offset + q.limit);
      const pageStores = [...new Set(page.map((e) => e.row.store))];
      // A split chain server's front asks its ingest worker, which counted them (one question per store of the page).
      const rejects = services.ingestRejects ? new Map(await Promise.all(pageStores.map(async (s) => [s, await services.ingestRejects!(s)] as const))) : null;
      const reasonsOf = (store: string, agent: string) => (rejects ? (rejects.get(store)?.[agent] ?? {}) : services.metrics.rejectsOf(store, agent));
      const next = q.offset + page.length;
      return {
        clockWarnMs,
        total: listed.length,
        problems: needing.length,
        agentsSeen: all.length,
        next: next < listed.length ? next : null,
        agents: page.map((e) => ({
          store: e.row.store,
          storeName: names.get(e.row.store) ?? e.row.store,
          ...e.info,
          rejectReasons: reasonsOf(e.row.store, e.row.agent),
          problems: e.problems,
        })),
      };
    },
  });
};
