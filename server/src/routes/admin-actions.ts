import { Type } from "@sinclair/typebox";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { AGENT_KINDS, ID_PATTERN, type AgentKind } from "@footfall/core";
import { mayAccessStore, scopeOf } from "../plugins/auth.js";
import { audit, auditPage } from "../admin/audit.js";
import { syncBroker } from "../admin/broker-sync.js";
import { httpError } from "./http-errors.js";
import { StoreParams, TimeString, errorResponses } from "./schemas.js";
import { readTime } from "./times.js";

const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Integer>>(t: T) => Type.Union([t, Type.Null()]);

export const AuditEntryBody = Type.Object({
  id: Type.Integer(),
  ts: Type.Integer(),
  actor: Type.Object({ tokenId: Nullable(Type.String()), role: Nullable(Type.String()), label: Nullable(Type.String()) }),
  action: Type.String(),
  target: Nullable(Type.String()),
  store: Nullable(Type.String()),
  details: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
});
const AuditQuery = Type.Object({
  from: Type.Optional(TimeString),
  to: Type.Optional(TimeString),
  action: Type.Optional(Type.String({ maxLength: 80, description: "an action (token.create), or a prefix ending in a dot (token.)" })),
  actor: Type.Optional(Type.String({ pattern: "^[0-9a-f]{12}$", description: "a token id" })),
  target: Type.Optional(Type.String({ maxLength: 200 })),
  store: Type.Optional(Type.String({ pattern: ID_PATTERN })),
  // A bound a bigint holds: PostgreSQL refused ?before=99999999999999999999 as out of range (a 500).
  before: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: "the `next` of the previous page" })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
});
const BrokerBody = Type.Object({
  broker: Type.String({
    description:
      "embedded (nothing to do) | reloaded (files rewritten, Mosquitto signalled) | handed-over (files rewritten in the server's folder; footfall-broker-sync.path installs them for Mosquitto and reloads it) | manual (run `command`)",
  }),
  message: Type.String(),
  command: Nullable(Type.String()),
});
const AgentParams = Type.Object({ store: Type.String({ pattern: ID_PATTERN }), agent: Type.String({ pattern: ID_PATTERN }) });
const Credentials = Type.Object({
  agent: Type.String(),
  store: Type.String(),
  username: Type.String(),
  password: Type.String({ description: "shown once: only its hash is kept" }),
  broker: BrokerBody,
});

/** Admin actions without a terminal: the audit log, and agents added, given a new password, revoked. */
export const adminActionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { storage, services } = app;
  const admin = { auth: "admin" } as const;
  /** The broker brought up to date; what this server could not do is also in its log (with the command to run). */
  const syncAndLog = async (log: { warn(msg: string): void }) => {
    const broker = await syncBroker(storage);
    if (broker.broker === "manual") log.warn(`the MQTT broker does not know this agent change yet: ${broker.message}${broker.command ? `; run: ${broker.command}` : ""}`);
    return broker;
  };

  app.get("/audit", {
    config: admin,
    schema: {
      tags: ["auth"],
      summary: "The audit log of admin actions, newest first; page with `before` = the previous answer's `next`",
      querystring: AuditQuery,
      response: { 200: Type.Object({ entries: Type.Array(AuditEntryBody), next: Nullable(Type.Integer()) }), ...errorResponses },
    },
    handler: async (req) => {
      const q = req.query;
      const time = (name: string, v: string | undefined) => {
        if (v === undefined) return undefined;
        const t = readTime(v);
        if (!t.ok) throw httpError(400, `querystring/${name} ${t.error}`);
        return t.ms;
      };
      // A limited admin reads the entries of the stores it may see: its store's, or its group's stores' (read at this request).
      const p = req.principal!;
      if (q.store !== undefined && !mayAccessStore(p, q.store)) throw httpError(403, `this token is limited to ${scopeOf(p)}`);
      const limit = p.store;
      const groupStores = p.store === null && p.group !== null ? [...(p.groupStores ?? [])].sort() : undefined;
      return auditPage(storage, {
        from: time("from", q.from),
        to: time("to", q.to),
        ...(q.action ? { action: q.action } : {}),
        ...(q.actor ? { actor: q.actor } : {}),
        ...(q.target ? { target: q.target } : {}),
        ...(q.store ?? limit ? { store: (q.store ?? limit)! } : groupStores ? { stores: groupStores } : {}),
        ...(q.before ? { before: q.before } : {}),
        limit: q.limit,
      });
    },
  });

  app.post("/stores/:store/agents", {
    config: admin,
    schema: {
      tags: ["ops"],
      summary: "Add an agent; the answer holds its MQTT password once, and what was done for the broker",
      params: StoreParams,
      body: Type.Object({ agent: Type.String({ pattern: ID_PATTERN, maxLength: 64 }), kind: Type.Unsafe<AgentKind>(Type.String({ enum: [...AGENT_KINDS] })) }),
      response: { 200: Credentials, 409: errorResponses[400], ...errorResponses },
    },
    handler: async (req) => {
      const { store } = req.params;
      if (await storage.agents.get(store, req.body.agent)) throw httpError(409, `agent "${req.body.agent}" exists in store "${store}": rotate its password instead (POST .../agents/${req.body.agent}/rotate)`);
      const known = (await storage.agents.list(store)).find((a) => a.agent === req.body.agent);
      if (known) throw httpError(409, `agent "${req.body.agent}" of store "${store}" was revoked: rotate gives it a new password and lets it in again`);
      const creds = await storage.agents.add(store, req.body.agent, req.body.kind, services.now());
      const broker = await syncAndLog(req.log);
      await audit(req, "agent.add", `${store}/${req.body.agent}`, { kind: req.body.kind, broker: broker.broker });
      return { ...creds, broker };
    },
  });

  app.post("/stores/:store/agents/:agent/rotate", {
    config: admin,
    schema: {
      tags: ["ops"],
      summary: "Give an agent a new MQTT password (the old one stops working; a revoked agent is let in again); shown once",
      params: AgentParams,
      response: { 200: Credentials, ...errorResponses },
    },
    handler: async (req) => {
      const { store, agent } = req.params;
      const known = (await storage.agents.list(store)).find((a) => a.agent === agent);
      if (!known) throw httpError(404, `no agent "${agent}" in store "${store}": add it first`);
      const creds = await storage.agents.add(store, agent, known.kind, services.now());
      // A leaked password is why one rotates: the session it opened goes too (the embedded broker's).
      services.mqtt?.disconnectAgent?.(store, agent);
      const broker = await syncAndLog(req.log);
      await audit(req, "agent.rotate", `${store}/${agent}`, { wasRevoked: known.revokedAt !== null, broker: broker.broker });
      return { ...creds, broker };
    },
  });

  app.delete("/stores/:store/agents/:agent", {
    config: admin,
    schema: {
      tags: ["ops"],
      summary:
        "Revoke an agent: its login stops working (its counters stay); rotate lets it in again. A store that was never more than its agents' name (a mistyped store: no layout, no data, every agent revoked and never heard from) goes with its last agent, as `footfall agent revoke` does (storeForgotten)",
      params: AgentParams,
      response: {
        200: Type.Object({
          agent: Type.String(),
          store: Type.String(),
          revokedAt: Type.Integer(),
          storeForgotten: Type.Optional(Type.Boolean({ description: "true: the store was only this agent's (and other revoked, never-heard agents') name, and is gone with it: no list names it now" })),
          broker: BrokerBody,
        }),
        ...errorResponses,
      },
    },
    handler: async (req) => {
      const { store, agent } = req.params;
      if (!(await storage.agents.revoke(store, agent, services.now()))) throw httpError(404, `no agent "${agent}" in store "${store}"`);
      const row = (await storage.agents.list(store)).find((a) => a.agent === agent)!;
      services.mqtt?.disconnectAgent?.(store, agent);
      const forgotten = await storage.agents.forgetUnusedStore(store);
      const broker = await syncAndLog(req.log);
      await audit(req, "agent.revoke", `${store}/${agent}`, { broker: broker.broker, ...(forgotten ? { storeForgotten: true } : {}) });
      return { agent, store, revokedAt: row.revokedAt!, ...(forgotten ? { storeForgotten: true } : {}), broker };
    },
  });
};
