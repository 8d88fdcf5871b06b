import { randomBytes } from "node:crypto";
import { Type } from "@sinclair/typebox";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import {
  ALERT_LIMITS,
  AlertRuleInputSchema,
  ACK_BY_MAX,
  ackByOf,
  AlertRuleSchema,
  compactHours,
  AlertSchema,
  calendarDay,
  hoursProblems,
  localDate,
  localMidnight,
  openIntervals,
  OpeningHoursSchema,
  type AlertRule,
  type AlertRuleInput,
} from "@footfall/core";
import { audit } from "../admin/audit.js";
import { httpError } from "../routes/http-errors.js";
import { errorResponses, StoreParams, TimeString } from "../routes/schemas.js";
import { inRange, LATEST_MS, parseRange } from "../routes/times.js";
import type { Storage } from "../storage/types.js";
import { ServerStoppingError, type AlertEvaluator } from "./evaluator.js";
import { HOURS_CLOCK_SKEW_MS } from "./store.js";
import { ShownAlertSchema, withNotCounted } from "./not-counted.js";

export const READERS = ["viewer", "staff"] as const;
const RuleParams = Type.Object({ store: StoreParams.properties.store, id: Type.String({ minLength: 1, maxLength: 64 }) });
const HoursBody = Type.Object({
  hours: Type.Union([OpeningHoursSchema, Type.Null()], { description: "null: no opening hours (treated as always open)" }),
  timezone: Type.Optional(Type.String({ description: "the store's time zone (from its layout), in answers" })),
});
const ScheduledHours = Type.Array(
  Type.Object({
    from: Type.Integer({ description: "epoch ms the hours take effect" }),
    hours: Type.Union([OpeningHoursSchema, Type.Null()], { description: "null: the hours are removed then (always open)" }),
  }),
  { description: "versions scheduled ahead (PUT with validFrom), oldest first, each cancellable by DELETE .../hours/scheduled/:from; left out when there are none" },
);
const HoursAnswer = Type.Composite([
  HoursBody,
  Type.Object({
    validFrom: Type.Optional(Type.Integer({ description: "PUT with validFrom: epoch ms the saved hours take effect" })),
    scheduled: Type.Optional(ScheduledHours),
  }),
]);
const HoursPut = Type.Composite([
  HoursBody,
  Type.Object({
    validFrom: Type.Optional(
      Type.Union([Type.Integer(), Type.String({ maxLength: 40 })], {
        description:
          "when the hours take effect, ahead of now by more than 5 minutes: epoch ms, an ISO instant with its offset (2026-12-01T08:00:00+01:00) or a local date YYYY-MM-DD (its start in the store's time zone); left out: now",
      }),
    ),
  }),
]);
/** A PUT's validFrom as epoch ms: a local date's start in `timeZone`, an ISO instant with its offset, or epoch ms; null when it is none of these. */
function validFromOf(v: number | string, timeZone: string): number | null {
  const t = typeof v === "number" ? v : instantOf(v, timeZone);
  // In the protocol's years (times.ts inRange), as every time in a request: 1e20 (or a digit string coerced to it) is no instant a Date can write.
  return t !== null && inRange(t) ? t : null;
}
function instantOf(v: string, timeZone: string): number | null {
  const day = calendarDay(v);
  if (day !== null) return localMidnightOfDate(day, timeZone);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(v)) return null;
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : null;
}
/** The start of the local date whose UTC midnight is `day`, in `timeZone` (its noon there found first, then its day's start). */
function localMidnightOfDate(day: number, timeZone: string): number {
  const noon = day + 12 * 3_600_000;
  return localMidnight(noon, timeZone, Math.round((day - calendarDay(localDate(noon, timeZone))!) / DAY));
}
const RuleBody = Type.Composite([Type.Object({ id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9][A-Za-z0-9_.:-]*$" })) }), AlertRuleInputSchema]);
const DAY = 86_400_000;
/** The last instant a version may start from (the end of times.ts's range, 2099-12-31): `replaces` past it is refused by its schema. */
const MAX_FROM = LATEST_MS - 1;

/**
 * `?replaces=` as it was written, before the schema's coercion: a `from` (epoch ms, digits only, 1 to MAX_FROM). An
 * empty or blank value, "0", "-0", "0x10" or " 12" were coerced to a number (blank and "0" to 0, naming 1970 in a 404;
 * hex to 16): a 400 in words instead, which says what to write.
 */
function checkReplaces(req: FastifyRequest, _reply: unknown, done: (err?: Error) => void): void {
  const raw = (req.query as Record<string, unknown> | undefined)?.replaces;
  if (raw === undefined || (typeof raw === "string" && /^[1-9][0-9]{0,15}$/.test(raw) && Number(raw) <= MAX_FROM)) return done();
  const shown = typeof raw === "string" ? (raw.trim() === "" ? "an empty value" : `"${raw.slice(0, 40)}"`) : "more than one value";
  done(
    httpError(
      400,
      `querystring/replaces: ${shown} is not the \`from\` of a version scheduled ahead: write it in epoch milliseconds as GET .../hours lists it under scheduled (e.g. ?replaces=${Date.UTC(2026, 11, 4, 23)}), once; leave replaces out to save new hours`,
    ),
  );
}

/**
 * Opening hours, the door count's daily drift, alert rules and alerts of one store (under
 * /api/v1/stores/:store, after the store pre-handler). Admins write; viewers and staff read; staff
 * (and admins) acknowledge.
 */
export const alertRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { storage, services } = app;
  // The evaluator of this server, when one runs (without, acknowledgements go to storage only).
  const evaluator = (): AlertEvaluator | null => services.alertEvaluator ?? null;
  const changed = (store: string) => evaluator()?.rulesChanged(store);

  app.get("/hours", {
    config: { auth: READERS },
    schema: { tags: ["alerts"], summary: "The store's opening hours in force now (weekly schedule and exceptions, local time), and those scheduled ahead", params: StoreParams, response: { 200: HoursAnswer, ...errorResponses } },
    handler: async (req) => {
      const now = services.now();
      const history = await storage.hours.history(req.store!.id);
      const scheduled = history.slice(1).filter((v) => v.from > now);
      // scheduled only when there are: the answer of a store without any is as before.
      return { hours: (await storage.hours.get(req.store!.id, now)) ?? null, timezone: req.store!.layout.timezone, ...(scheduled.length > 0 ? { scheduled } : {}) };
    },
  });

  app.put("/hours", {
    config: { auth: "admin" },
    preValidation: checkReplaces,
    schema: {
      tags: ["alerts"],
      summary: "Replace the store's opening hours (null removes them), now or from validFrom (scheduled ahead); with ?replaces=, edit a version scheduled ahead",
      params: StoreParams,
      querystring: Type.Object({
        replaces: Type.Optional(
          Type.Integer({
            minimum: 1,
            maximum: MAX_FROM,
            description:
              "edit a version scheduled ahead: the `from` (epoch ms, as GET .../hours lists it under scheduled) of the version these hours replace in one step, from its date again or from validFrom (left out: now); 409 once it is in force, 404 when it is no longer scheduled (cancelled or edited by someone else meanwhile)",
          }),
        ),
      }),
      body: HoursPut,
      response: { 200: HoursAnswer, ...errorResponses },
    },
    handler: async (req) => {
      const { hours } = req.body;
      const { replaces } = req.query;
      if (hours) {
        const problems = hoursProblems(hours);
        if (problems.length > 0) throw httpError(400, `opening hours: ${problems.slice(0, 5).join("; ")}`);
      }
      const store = req.store!.id;
      const timeZone = req.store!.layout.timezone;
      const now = services.now();
      let from: number | undefined;
      if (req.body.validFrom !== undefined) {
        from = validFromOf(req.body.validFrom, timeZone) ?? undefined;
        if (from === undefined)
          throw httpError(400, `validFrom: "${String(req.body.validFrom)}" is no date YYYY-MM-DD, ISO instant with its offset (2026-12-01T08:00:00+01:00) or epoch ms, from 2000-01-01 to 2099-12-31`);
        // The past is not rewritten: a day already counted keeps the hours it had (a correction of today's hours is a save now).
        if (!(from > now + HOURS_CLOCK_SKEW_MS))
          throw httpError(
            400,
            `validFrom: ${new Date(from).toISOString()} is not ahead of now (${new Date(now).toISOString()}) by more than 5 minutes: hours are scheduled for later only, the past keeps the hours it had; leave validFrom out to change them now`,
          );
      }
      const save = (s: Storage) => (from !== undefined ? s.hours.schedule(store, hours, from, now) : s.hours.set(store, hours, now));
      if (replaces === undefined) await save(storage);
      else
        // An edit of a version scheduled ahead: taken away and the new one saved in one transaction (a failed save keeps it).
        await storage.transaction(async (tx) => {
          const when = new Date(replaces).toISOString();
          if (!(replaces > now + HOURS_CLOCK_SKEW_MS) && (await tx.hours.history(store)).some((v) => v.from === replaces))
            throw httpError(
              409,
              `replaces: the hours from ${when} are in force (or within 5 minutes): a version in force is not edited, the past keeps the hours it had; save new hours from now (leave replaces out) or from a later date`,
            );
          if (!(await tx.hours.cancel(store, replaces, now)))
            throw httpError(
              404,
              `replaces: no opening hours are scheduled from ${when} (${replaces}) in store "${store}": cancelled or edited meanwhile? Reload the hours (GET .../hours lists those scheduled under scheduled) and edit again`,
            );
          await save(tx);
        });
      await services.hours?.changed(store);
      changed(store);
      if (replaces !== undefined) await audit(req, "hours.edit", store, { hours, replaces, ...(from !== undefined ? { validFrom: from } : {}) });
      else if (from !== undefined) await audit(req, "hours.schedule", store, { hours, validFrom: from });
      else await audit(req, "hours.save", store, { hours });
      return from !== undefined ? { hours, timezone: timeZone, validFrom: from } : { hours, timezone: timeZone };
    },
  });

  app.delete("/hours/scheduled/:from", {
    config: { auth: "admin" },
    schema: {
      tags: ["alerts"],
      summary: "Cancel opening hours scheduled ahead (the version from `from`, epoch ms, as GET .../hours lists it under scheduled)",
      params: Type.Object({ store: StoreParams.properties.store, from: Type.Integer() }),
      response: { 204: Type.Null(), ...errorResponses },
    },
    handler: async (req, reply) => {
      const store = req.store!.id;
      if (!(await storage.hours.cancel(store, req.params.from, services.now())))
        throw httpError(404, `no opening hours scheduled from ${req.params.from} in store "${store}" (hours in force now or past are not cancelled: save new ones)`);
      await services.hours?.changed(store);
      changed(store);
      await audit(req, "hours.cancel", store, { validFrom: req.params.from });
      return reply.code(204).send(null);
    },
  });

  app.get("/hours/open", {
    config: { auth: READERS },
    schema: {
      tags: ["alerts"],
      summary: "When the store is open in a range (for shading closed hours): open intervals, epoch ms; null without opening hours",
      params: StoreParams,
      querystring: Type.Object({ from: Type.Optional(TimeString), to: Type.Optional(TimeString) }),
      response: { 200: Type.Object({ open: Type.Union([Type.Array(Type.Object({ from: Type.Integer(), to: Type.Integer() })), Type.Null()]) }), ...errorResponses },
    },
    handler: async (req) => {
      const range = parseRange(req.query, services.now());
      if (range.to - range.from > 400 * DAY) throw httpError(400, "to: at most 400 days after from");
      // Each instant by the hours in force then (a past week before longer hours were saved: by the hours it had);
      // null when no hours were in force at any instant of the range.
      const history = await storage.hours.history(req.store!.id);
      const inForce = history.filter((v, i) => (i === 0 || v.from < range.to) && (history[i + 1]?.from ?? Infinity) > range.from);
      const hours = compactHours(history);
      return { open: hours && inForce.some((v) => v.hours !== null) ? openIntervals(hours, range, req.store!.layout.timezone) : null };
    },
  });

  app.get("/hours/history", {
    config: { auth: READERS },
    schema: {
      tags: ["alerts"],
      summary: "Every version of the store's opening hours, oldest first: the first in force since ever, each later one from `from` (when it was saved, or the validFrom it was scheduled for)",
      params: StoreParams,
      response: {
        200: Type.Object({
          versions: Type.Array(
            Type.Object({
              from: Type.Integer({ description: "epoch ms the version took effect (saved); the first version is in force before it too" }),
              hours: Type.Union([OpeningHoursSchema, Type.Null()], { description: "null: the hours were removed (always open)" }),
              scheduled: Type.Optional(Type.Boolean({ description: "true: scheduled ahead (PUT with validFrom), not in force yet, cancellable" })),
            }),
          ),
          timezone: Type.String({ description: "the store's time zone (from its layout)" }),
        }),
        ...errorResponses,
      },
    },
    handler: async (req) => {
      const now = services.now();
      const versions = (await storage.hours.history(req.store!.id)).map((v, i) => (i > 0 && v.from > now ? { ...v, scheduled: true } : v));
      return { versions, timezone: req.store!.layout.timezone };
    },
  });

  app.get("/occupancy-drift", {
    config: { auth: READERS },
    schema: {
      tags: ["alerts"],
      summary: "Per local day: the net door count left at closing (people counted in and never out), which the closing reset corrected",
      params: StoreParams,
      querystring: Type.Object({ from: Type.Optional(TimeString), to: Type.Optional(TimeString) }),
      response: { 200: Type.Object({ days: Type.Array(Type.Object({ date: Type.String(), drift: Type.Integer(), at: Type.Integer() })) }), ...errorResponses },
    },
    handler: async (req) => {
      const now = services.now();
      const range = parseRange({ from: req.query.from ?? String(now - 30 * DAY), to: req.query.to ?? String(now) }, now);
      const tz = req.store!.layout.timezone;
      return { days: await storage.hours.drift(req.store!.id, localDate(range.from, tz), localDate(range.to, tz)) };
    },
  });

  // ---- alert rules ----

  /** A rule checked against the store's layout: its zone exists, a queue rule names a zone. */
  const checkRule = (req: FastifyRequest, input: AlertRuleInput): void => {
    const zones = new Map(req.store!.layout.zones.map((z) => [z.id as string, z]));
    if (input.zone !== undefined && !zones.has(input.zone)) throw httpError(400, `zone: "${input.zone}" is not a zone of store "${req.store!.id}" (zones: ${[...zones.keys()].join(", ")})`);
    if ((input.kind === "queue-length" || input.kind === "queue-wait") && input.zone === undefined) throw httpError(400, `zone: a ${input.kind} rule names its queue zone`);
    // A share of capacity needs a capacity: a rule on a zone without one (or on a store none of whose zones has one) would never fire.
    if (input.kind === "occupancy" || input.kind === "forecast-occupancy") {
      const z = input.zone === undefined ? undefined : zones.get(input.zone);
      if (z && !(typeof z.capacity === "number" && z.capacity > 0))
        throw httpError(400, `zone: "${z.id}" (${z.name}) has no capacity: an ${input.kind} rule compares its people with its capacity; set one in the layout editor first`);
      if (input.zone === undefined && ![...zones.values()].some((c) => typeof c.capacity === "number" && c.capacity > 0))
        throw httpError(400, `no zone of store "${req.store!.id}" has a capacity: an ${input.kind} rule of the whole store compares its people with its zones' capacities added up; set them in the layout editor first`);
    }
    // Queue figures exist for zones of kind queue only: a rule on the tills' or another zone would never fire.
    const named = input.zone === undefined ? undefined : zones.get(input.zone);
    if ((input.kind === "queue-length" || input.kind === "queue-wait") && named && named.kind !== "queue") {
      const queues = [...zones.values()].filter((z) => z.kind === "queue").map((z) => `${z.id} (${z.name})`);
      throw httpError(
        400,
        `zone: "${named.id}" is a zone of kind ${named.kind}, not a queue: a ${input.kind} rule names the line people wait in, a zone of kind queue (${queues.length > 0 ? `here: ${queues.join(", ")}` : "this layout has none: draw one in the layout editor, kind Queue"})`,
      );
    }
    if ((input.kind === "occupancy" || input.kind === "forecast-occupancy") && input.threshold > 10) throw httpError(400, `threshold: an ${input.kind} rule's threshold is a share of capacity (0.8 = 80 %)`);
    if (input.zone !== undefined && input.agent !== undefined) throw httpError(400, "zone: an agent-offline rule watches one agent (agent) or the agents that report a zone (zone), not both; leave one out");
    if (input.agent !== undefined && input.kind !== "agent-offline") throw httpError(400, "agent: only agent-offline rules name an agent");
  };

  /**
   * An agent-offline rule's agent is one of the store's, not revoked: a rule on a mistyped or revoked agent
   * watches nobody and never fires (the evaluator reads the store's agents), so it is refused, naming them.
   */
  const checkRuleAgent = async (req: FastifyRequest, input: AlertRuleInput): Promise<void> => {
    if (input.agent === undefined || input.kind !== "agent-offline") return;
    const store = req.store!.id;
    const agents = await storage.agents.list(store);
    const live = agents.filter((a) => a.revokedAt === null).map((a) => a.agent);
    if (live.includes(input.agent)) return;
    const revoked = agents.some((a) => a.agent === input.agent);
    const theirs = live.length > 0 ? `its agents: ${live.join(", ")}` : `it has no agent yet: add it first, footfall agent add <agent> --store ${store}`;
    throw httpError(
      400,
      revoked
        ? `agent: "${input.agent}" of store "${store}" is revoked, so a rule on it would never fire (${theirs}); footfall agent add lets it in again`
        : `agent: "${input.agent}" is not an agent of store "${store}", so a rule on it would never fire (${theirs}); leave agent out to watch them all`,
    );
  };

  app.get("/alert-rules", {
    config: { auth: READERS },
    schema: { tags: ["alerts"], summary: "The store's alert rules", params: StoreParams, response: { 200: Type.Object({ rules: Type.Array(AlertRuleSchema) }), ...errorResponses } },
    handler: async (req) => ({ rules: await storage.alerts.rules(req.store!.id) }),
  });

  app.post("/alert-rules", {
    config: { auth: "admin" },
    schema: { tags: ["alerts"], summary: "Create an alert rule (an id is made when none is given)", params: StoreParams, body: RuleBody, response: { 201: AlertRuleSchema, ...errorResponses, 409: errorResponses[400] } },
    handler: async (req, reply) => {
      const store = req.store!.id;
      const { id: wanted, ...input } = req.body;
      checkRule(req, input);
      await checkRuleAgent(req, input);
      const existing = await storage.alerts.rules(store);
      if (existing.length >= ALERT_LIMITS.maxRulesPerStore) throw httpError(400, `a store has at most ${ALERT_LIMITS.maxRulesPerStore} rules; delete some first`);
      const id = wanted ?? `${input.kind}-${randomBytes(4).toString("hex")}`;
      if (existing.some((r) => r.id === id)) throw httpError(409, `rule "${id}" exists; PUT /alert-rules/${id} changes it`);
      const rule: AlertRule = { ...input, id, store };
      await storage.alerts.saveRule(rule, services.now());
      changed(store);
      await audit(req, "alert-rule.create", id, { ...rule });
      return reply.code(201).send(rule);
    },
  });

  app.put("/alert-rules/:id", {
    config: { auth: "admin" },
    schema: { tags: ["alerts"], summary: "Create or replace an alert rule", params: RuleParams, body: AlertRuleInputSchema, response: { 200: AlertRuleSchema, ...errorResponses } },
    handler: async (req) => {
      const store = req.store!.id;
      checkRule(req, req.body);
      await checkRuleAgent(req, req.body);
      const rule: AlertRule = { ...req.body, id: req.params.id, store };
      await storage.alerts.saveRule(rule, services.now());
      changed(store);
      await audit(req, "alert-rule.update", rule.id, { ...rule });
      return rule;
    },
  });

  app.delete("/alert-rules/:id", {
    config: { auth: "admin" },
    schema: { tags: ["alerts"], summary: "Delete an alert rule (its active alert resolves)", params: RuleParams, response: { 204: Type.Null(), ...errorResponses } },
    handler: async (req, reply) => {
      if (!(await storage.alerts.removeRule(req.store!.id, req.params.id))) throw httpError(404, `no rule "${req.params.id}" in store "${req.store!.id}"`);
      changed(req.store!.id);
      await audit(req, "alert-rule.delete", req.params.id);
      return reply.code(204).send(null);
    },
  });

  // ---- alerts ----

  app.get("/alerts", {
    config: { auth: READERS },
    schema: {
      tags: ["alerts"],
      summary: "The store's alerts: the active ones (state=active, the default), or the history fired in a range, newest first",
      params: StoreParams,
      querystring: Type.Object({
        state: Type.Optional(Type.Union([Type.Literal("active"), Type.Literal("all")])),
        from: Type.Optional(TimeString),
        to: Type.Optional(TimeString),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
      }),
      response: { 200: Type.Object({ alerts: Type.Array(ShownAlertSchema), timezone: Type.String() }), ...errorResponses },
    },
    handler: async (req) => {
      const store = req.store!.id;
      const timezone = req.store!.layout.timezone;
      // Active alerts on figures nobody counts now say since when (notCountedSince).
      if ((req.query.state ?? "active") === "active") return { alerts: await withNotCounted(services, store, await storage.alerts.active(store)), timezone };
      const now = services.now();
      const range = parseRange({ from: req.query.from ?? String(now - 30 * DAY), to: req.query.to ?? String(now + 1) }, now);
      return { alerts: await withNotCounted(services, store, await storage.alerts.history(store, { from: range.from, to: range.to, limit: req.query.limit ?? 200 })), timezone };
    },
  });

  app.post("/alerts/:id/ack", {
    config: { auth: ["staff"] },
    schema: {
      tags: ["alerts"],
      summary: "Acknowledge a firing alert (it stays active until its condition ends); 409 when it is already acknowledged or resolved; 503 while the server stops (acknowledge again once it is back)",
      params: RuleParams,
      body: Type.Optional(
        Type.Object({
          by: Type.Optional(
            Type.String({
              maxLength: ACK_BY_MAX,
              description: `who, as typed on a shared tablet (a name or initials, at most ${ACK_BY_MAX} characters, no control character): stored as "Ana (front-tablet)", with the token's label; default: the token's label`,
            }),
          ),
        }),
      ),
      response: { 200: AlertSchema, ...errorResponses, 409: errorResponses[400], 503: errorResponses[400] },
    },
    handler: async (req) => {
      const store = req.store!.id;
      const p = req.principal!;
      const label = (await storage.tokens.get(p.tokenId))?.label;
      const raw = req.body?.by;
      // Checked here rather than by a schema pattern, so that the refusal says what is allowed.
      if (raw !== undefined && raw.trim() !== "" && ackByOf(raw) === null) throw httpError(400, `body/by: a name or initials of at most ${ACK_BY_MAX} characters without a control character (no line break, tab or other invisible character); or leave it out`);
      const typed = raw === undefined ? null : ackByOf(raw);
      const device = label ? label : `${p.role} token ${p.tokenId}`;
      // The person typed on a shared tablet, and the tablet (its token): "Ana (front-tablet)".
      const by = typed ? `${typed} (${device})` : device;
      const ev = evaluator();
      const alert = ev
        ? await ev.acknowledge(store, req.params.id, by).catch((err: Error) => {
            throw err instanceof ServerStoppingError ? httpError(503, err.message) : err;
          })
        : await storage.alerts.acknowledge(store, req.params.id, by, services.now());
      if (alert) return alert;
      const known = await storage.alerts.get(store, req.params.id);
      if (!known) throw httpError(404, `no alert "${req.params.id}" in store "${store}"`);
      throw httpError(409, known.state === "resolved" ? "this alert has resolved already" : `already acknowledged by ${known.acknowledgedBy ?? "someone"}`);
    },
  });
};
