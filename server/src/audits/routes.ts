/**
 * Installers' accuracy audits over HTTP (issue 18): each agent's latest audit with its "data
 * certified" and "audit due" flags, the store's audit history, and door-counter audits: a person's
 * count at the door for a window, compared with what the counter's events say for that window.
 * Camera agents send their audits over MQTT (topic `audits`); the server stores them (server.ts).
 */
import { randomBytes } from "node:crypto";
import { Type } from "@sinclair/typebox";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { CERTIFY_AT, ID_PATTERN, LIMITS } from "@footfall/core";
import { httpError } from "../routes/http-errors.js";
import { errorResponses, StoreParams } from "../routes/schemas.js";
import { AuditsBody, ManualAuditInput, StoredAuditBody } from "./schemas.js";

/** The longest window a person can be asked to count by hand. */
const MAX_WINDOW_MS = 24 * 3_600_000;

export const auditRoutes: FastifyPluginAsyncTypebox<{ dueAfterDays: number }> = async (app, opts) => {
  const { storage, services } = app;
  const dueAfterDays = opts.dueAfterDays;

  app.get("/stores/:store/audits", {
    config: { auth: "admin" },
    schema: {
      tags: ["ops"],
      summary: "Each agent's latest accuracy audit (certified, due) and the store's audits, newest first",
      params: StoreParams,
      querystring: Type.Object({ agent: Type.Optional(Type.String({ pattern: ID_PATTERN })), limit: Type.Integer({ minimum: 1, maximum: 1000, default: 50 }) }),
      response: { 200: AuditsBody, ...errorResponses },
    },
    handler: async (req) => {
      const { store } = req.params;
      const [agents, latest, audits] = await Promise.all([
        storage.agents.list(store),
        storage.accuracyAudits.latest(store),
        storage.accuracyAudits.list(store, { limit: req.query.limit, ...(req.query.agent ? { agent: req.query.agent } : {}) }),
      ]);
      if (agents.length === 0 && !(await storage.stores.get(store))) throw httpError(404, `store "${store}" not found: it has no layout and no agent`);
      const byAgent = new Map(latest.map((a) => [a.agent, a]));
      const dueBefore = services.now() - dueAfterDays * 86_400_000;
      return {
        certifyAt: CERTIFY_AT,
        dueAfterDays,
        agents: agents.map((a) => {
          const last = byAgent.get(a.agent) ?? null;
          const auditable = a.kind !== "sim";
          return { agent: a.agent, last, auditable, due: auditable && (last === null || last.at < dueBefore) };
        }),
        audits,
      };
    },
  });

  app.post("/stores/:store/agents/:agent/audits", {
    config: { auth: "admin" },
    schema: {
      tags: ["ops"],
      summary: "Audit a door counter: a person's in/out count at the door for a window, against the counter's count events in it",
      params: Type.Object({ store: StoreParams.properties.store, agent: Type.String({ pattern: ID_PATTERN }) }),
      body: ManualAuditInput,
      response: { 201: StoredAuditBody, ...errorResponses },
    },
    handler: async (req, reply) => {
      const { store, agent } = req.params;
      const { from, to, auditor, hand } = req.body;
      const now = services.now();
      const known = await storage.agents.get(store, agent);
      if (!known) throw httpError(404, `agent "${agent}" not found in store "${store}": add it with \`footfall agent add\` first`);
      if (known.kind === "sim") throw httpError(400, `agent "${agent}" is simulated: it counts no real people, so there is nothing to audit`);
      if (known.kind !== "door") throw httpError(400, `agent "${agent}" is a ${known.kind} agent: audit it on its own audit page (settings.audit), which compares a recorded clip`);
      if (!(to > from)) throw httpError(400, "to: the window must end after it begins");
      if (to - from > MAX_WINDOW_MS) throw httpError(400, "to: count a window of at most 24 hours");
      if (from < LIMITS.minTs || to > now + 60_000) throw httpError(400, "from/to: the window must lie in the past (the counter's events for it must have arrived)");
      const system = await storage.accuracyAudits.doorCounts(store, agent, from, to);
      const report = { id: `manual-${now}-${randomBytes(3).toString("hex")}`, method: "manual" as const, auditor: auditor.trim(), from, to, at: now, hand, system: { in: system.in, out: system.out } };
      if (!report.auditor) throw httpError(400, "auditor: give the counting person's name");
      await storage.accuracyAudits.add(store, agent, report, now);
      const [stored] = await storage.accuracyAudits.list(store, { agent, limit: 1 });
      return reply.code(201).send(stored!);
    },
  });
};
