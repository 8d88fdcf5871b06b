import { Type } from "@sinclair/typebox";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { clockReading, decodeClockSamples, DEFAULT_CLOCK_WARN_MS } from "@footfall/core";
import { mqttConnected } from "../services.js";
import { httpError } from "./http-errors.js";
import { AgentsBody, ErrorBody, StoreParams, errorResponses } from "./schemas.js";

/** A non-negative integer, or null. */
const count = (v: unknown): number | null => (typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : null);

/**
 * What an agent said it held at its last status (its metrics `queued`, `oldestQueuedAgeMs`,
 * `outboxDropped`), for the Agents view's Backlog; null when the status said nothing of it.
 */
export function backlogOf(statusMetrics: string | null): { queued: number; oldestQueuedAgeMs: number | null; outboxDropped: number | null } | null {
  if (statusMetrics === null) return null;
  let m: unknown;
  try {
    m = JSON.parse(statusMetrics);
  } catch {
    return null;
  }
  if (typeof m !== "object" || m === null) return null;
  const r = m as Record<string, unknown>;
  const queued = count(r.queued);
  if (queued === null) return null;
  return { queued, oldestQueuedAgeMs: queued === 0 ? null : count(r.oldestQueuedAgeMs), outboxDropped: count(r.outboxDropped) };
}

/** Health, the caller's identity, agents and metrics. */
export const adminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { storage, services } = app;

  const HealthBody = Type.Object({
    status: Type.String({ description: "ok | degraded" }),
    mqtt: Type.String({ description: "connected | disconnected" }),
    db: Type.String({ description: "ok | failing (events cannot be committed: disk full, locked, read-only) | error (unreachable)" }),
    error: Type.Optional(Type.String({ description: "what fails and since when, while degraded" })),
  });
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
      try {
        await storage.ping();
      } catch (err) {
        db = "error";
        error = `the database does not answer: ${(err as Error).message}`;
      }
      const commit = services.metrics.commitProblem;
      if (db === "ok" && commit) {
        db = "failing";
        error = `event commits fail since ${new Date(commit.since).toISOString()}: ${commit.error}`;
      }
      const mqtt = mqttConnected(services) ? "connected" : "disconnected";
      const ok = db === "ok" && mqtt === "connected";
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
      return {
        clockWarnMs: services.clockWarnMs ?? DEFAULT_CLOCK_WARN_MS,
        agents: agents.map((a) => ({
          agent: a.agent,
          kind: a.kind,
          state: a.state,
          version: a.version,
          lastStatusTs: a.statusTs,
          // 0: an agent whose every event was rejected, as stored before that kept null (no event is from 1970).
          lastEventTs: a.lastEventTs || null,
          // How late the newest event arrived: receipt time minus the event's own time.
          lagMs: a.lastEventTs && a.lastReceivedAt !== null ? Math.max(0, a.lastReceivedAt - a.lastEventTs) : null,
          events: a.events,
          duplicates: a.duplicates,
          rejects: a.rejects,
          revokedAt: a.revokedAt,
          rejectReasons: rejects ? (rejects[a.agent] ?? {}) : services.metrics.rejectsOf(req.params.store, a.agent),
          backlog: backlogOf(a.statusMetrics ?? null),
          ...clockOf(a.clockSamples),
        })),
      };
    },
  });
};

/** An agent's clock offset from its stored live statuses (core's clock-offset.ts), and when the status it is read from arrived. */
function clockOf(text: string | null | undefined): { clockOffsetMs: number | null; clockMeasuredAt: number | null } {
  const reading = clockReading(decodeClockSamples(text));
  return { clockOffsetMs: reading?.offsetMs ?? null, clockMeasuredAt: reading?.measuredAt ?? null };
}
