import { Type } from "@sinclair/typebox";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { randomBytes } from "node:crypto";
import { ID_PATTERN, isTimeZone } from "@footfall/core";
import { audit } from "../admin/audit.js";
import { digestTarget } from "../digests/mail.js";
import { nextSend } from "../digests/schedule.js";
import { DigestScheduler, digestSchedulers, type MailFailure } from "../digests/scheduler.js";
import { digestHookProblem, digestHookStores, hookRefusal, type QueuedDigest } from "../digests/webhook.js";
import type { Digest, DigestInput, Principal } from "../storage/types.js";
import { mayAccessStore } from "../plugins/auth.js";
import { httpError } from "./http-errors.js";
import { errorResponses } from "./schemas.js";

const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Integer>>(t: T) => Type.Union([t, Type.Null()]);
/** An address as people type them: something@domain.tld (the mail server has the last word). */
const EMAIL = "^[^@\\s<>,;]+@[^@\\s<>,;]+\\.[^@\\s<>,;]+$";
const DigestInputBody = Type.Object({
  scope: Type.Union([Type.Literal("store"), Type.Literal("group")]),
  target: Type.String({ pattern: ID_PATTERN, description: "the store or group id" }),
  frequency: Type.Union([Type.Literal("daily"), Type.Literal("weekly")], { description: "daily: the day before, at `hour`; weekly: the week before, Monday at `hour`" }),
  recipients: Type.Array(Type.String({ pattern: EMAIL, maxLength: 254 }), {
    maxItems: 50,
    description: "the addresses it is mailed to; may be empty when it has a webhook (then it goes without a mail server)",
  }),
  hour: Type.Integer({ minimum: 0, maximum: 23, default: 7, description: "local hour (in timeZone)" }),
  timeZone: Type.Optional(
    Type.Union([Type.String({ maxLength: 64 }), Type.Null()], {
      description:
        "IANA time zone of the schedule and of the periods' days and hours; absent/null: the zone the stores share (a group whose stores are in several zones needs one)",
    }),
  ),
  webhook: Type.Optional(
    Type.Union([Type.String({ pattern: ID_PATTERN }), Type.Null()], {
      description:
        "(this project) the id of a webhook the digest is also delivered to (a store's digest: one of that store's; a group's: one of its stores'; GET /api/v1/digests/webhooks?scope&target lists them; another is a 400), as digest.daily or digest.weekly with the mail's figures, signed and retried as that hook's alerts, whatever its events filter; null: mail only; absent: none on POST, the digest's own kept on PUT",
    }),
  ),
});
const DigestBody = Type.Object({
  id: Type.String(),
  scope: Type.String(),
  target: Type.String(),
  frequency: Type.String(),
  recipients: Type.Array(Type.String()),
  hour: Type.Integer(),
  createdAt: Type.Integer(),
  lastPeriod: Nullable(Type.String({ description: "start date of the last period sent (YYYY-MM-DD, local)" })),
  lastSentAt: Nullable(Type.Integer()),
  lastError: Nullable(Type.String()),
  timeZone: Nullable(Type.String({ description: "the digest's own time zone; null: its stores'" })),
  failedPeriod: Nullable(Type.String({ description: "the period the last failed send was for (null once sent)" })),
  attempts: Type.Integer({ description: "attempts at failedPeriod that failed or were interrupted (the server stopped while sending); while one is being made, counted with it" }),
  retryAt: Nullable(Type.Integer({ description: "when the next attempt goes (null: none pending)" })),
  gaveUpAt: Nullable(Type.Integer({ description: "when the scheduler gave up on failedPeriod (POST .../send with that period sends it again)" })),
  webhook: Nullable(Type.String({ description: "(this project) the webhook it is also delivered to (a hook's id), or null: mail only" })),
  webhookUrl: Nullable(Type.String({ description: "(this project) that webhook's URL (any store's hook: Admin > Digests names it by it), or null: none, or deleted" })),
  zone: Nullable(Type.String({ description: "the time zone the schedule follows now" })),
  problem: Nullable(Type.String({ description: "why the digest cannot be sent as it is (e.g. a group now in several time zones, or with no stores)" })),
  nextPeriod: Nullable(Type.String({ description: "the period the next scheduled digest covers" })),
  nextSendAt: Nullable(
    Type.Integer({ description: "when the next scheduled digest goes out (epoch ms; now while a period is due: within the scheduler's minute); null: no time zone to follow or no target" }),
  ),
  nextSendPeriod: Nullable(Type.String({ description: "the period (its first local day, YYYY-MM-DD) the digest sent at nextSendAt covers" })),
});
const IdParams = Type.Object({ id: Type.String({ pattern: ID_PATTERN }) });
/** What a digest's preview and its send both answer: which digest and period, its subject, and where it goes (or went). */
const DigestSentFields = {
  id: Type.String(),
  period: Type.String({ description: "the local date the period starts on, YYYY-MM-DD" }),
  subject: Type.String(),
  recipients: Type.Array(Type.String()),
  webhook: Nullable(Type.String({ description: "(this project) the webhook it is queued for (send: its hook sends it, GET .../webhooks/:hook/deliveries; preview: would be), or null" })),
};
const QueuedBody = Type.Object(
  {
    id: Type.String({ description: "the delivery id (Footfall-Delivery)" }),
    queuedNow: Type.Boolean({ description: "true: queued by this send; false: an earlier attempt at it, whose mail failed, had queued it: not queued twice" }),
    status: Type.String({ description: "its state in the hook's queue: pending | delivered | given_up" }),
  },
  { description: "(this project) its delivery in the webhook's queue, or null: no webhook" },
);
/** A digest's webhook in words: queued now, or queued before (and how it stands). */
const queuedWords = (q: QueuedDigest) =>
  q.queuedNow ? `its webhook delivery "${q.id}" was queued (the hook sends it on its own)` : `its webhook delivery "${q.id}" was queued already by an earlier attempt (${q.status}): not queued again`;

/**
 * Scheduled e-mail digests (admins): list, create, change, delete, send now. The scheduler that
 * sends them runs with the app (started when it is ready, stopped when it closes).
 */
export const digestRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { storage, services } = app;
  const scheduler = new DigestScheduler(services);
  digestSchedulers.set(services, scheduler);
  app.addHook("onReady", async () => scheduler.start());
  app.addHook("onClose", async () => scheduler.stop());
  const admin = { auth: "admin" } as const;

  const shown = async (d: Digest) => {
    const due = await scheduler.due(d).catch(() => null);
    const target = await digestTarget(services, d).catch(() => null);
    // Due now: the period the scheduler takes at its next check (a missed one first, then the latest).
    const next = target?.timeZone ? (due?.due ? { at: services.now(), period: due.period.key } : nextSend(services.now(), target.timeZone, d.frequency, d.hour, d.lastPeriod)) : null;
    // A webhook deleted since: every send fails until another (or none) is chosen, so it is said before the next one.
    const hook = d.webhook === null ? undefined : await storage.webhooks.get(d.webhook);
    const hookGone = d.webhook !== null && !hook;
    // A group's digest whose hook's store left the group since: not sent there (digests/webhook.ts queueDigestWebhook).
    const hookRefused = hook ? await digestHookProblem(storage, d, hook) : null;
    return {
      ...d,
      webhookUrl: hook?.url ?? null,
      zone: target?.timeZone ?? null,
      problem: target
        ? (target.problem ?? (hookGone ? `its webhook "${d.webhook}" was deleted: it is not sent until another is chosen, or none (Admin > Digests, or webhook in PUT /api/v1/digests/${d.id})` : hookRefused ? `its webhook "${d.webhook}" may no longer be used: ${hookRefused}; it is not sent until another is chosen (Admin > Digests, or webhook in PUT /api/v1/digests/${d.id})` : null))
        : `the digest's ${d.scope} "${d.target}" no longer exists`,
      nextPeriod: due ? (due.due ? due.period.key : null) : null,
      nextSendAt: next?.at ?? null,
      nextSendPeriod: next?.period ?? null,
    };
  };
  /** Whether the caller may manage digests of this target (a limited admin: its store's; its group's, and its group's stores'). */
  const allowed = (req: { principal: Principal | null }, d: Pick<DigestInput, "scope" | "target">) => {
    const p = req.principal!;
    if (p.store !== null) return d.scope === "store" && d.target === p.store;
    if (p.group !== null) return d.scope === "group" ? d.target === p.group : mayAccessStore(p, d.target);
    return true;
  };
  const checkTarget = async (b: Pick<DigestInput, "scope" | "target" | "timeZone">) => {
    if (b.scope === "store" ? !(await storage.stores.get(b.target)) : !(await storage.groups.get(b.target)))
      throw httpError(400, `body/target: no ${b.scope} "${b.target}"${b.scope === "group" ? ": GET /api/v1/groups lists them" : ": GET /api/v1/stores lists them"}`);
    if (b.timeZone && !isTimeZone(b.timeZone)) throw httpError(400, `body/timeZone: "${b.timeZone}" is not an IANA time zone (e.g. Europe/Paris)`);
    const target = await digestTarget(services, b);
    if (target?.problem) throw httpError(400, `${target.stores.length === 0 ? "body/target" : "body/timeZone"}: ${target.problem.replace(/ \(Admin.*$/, "")}`);
  };
  /**
   * A digest goes somewhere: to recipients, or to a webhook it may use (digestHookStores: a store's digest, that store's
   * hooks; a group's, its stores') that the caller may use (a limited admin: one of its stores' hooks).
   */
  const checkDelivery = async (req: { principal: Principal | null }, b: Pick<DigestInput, "scope" | "target" | "recipients" | "webhook">) => {
    if (b.webhook) {
      const hook = await storage.webhooks.get(b.webhook);
      if (!hook || !mayAccessStore(req.principal!, hook.store))
        throw httpError(400, `body/webhook: no webhook "${b.webhook}" (GET /api/v1/digests/webhooks?scope=${b.scope}&target=${b.target} lists those this digest may use, with their ids)`);
      const refused = hookRefusal(b, hook, (await digestHookStores(storage, b)) ?? []);
      if (refused) throw httpError(400, `body/webhook: ${refused}`);
    } else if (b.recipients.length === 0) throw httpError(400, "body/recipients: give at least one address, or a webhook (body/webhook) to deliver the digest to");
  };
  const find = async (req: Parameters<typeof allowed>[0], id: string) => {
    const d = await storage.digests.get(id);
    if (!d || !allowed(req, d)) throw httpError(404, `no digest "${id}": GET /api/v1/digests lists them`);
    return d;
  };
  /** A new or changed schedule starts with the next due period (not the one just past). */
  const startSchedule = async (d: Digest) => {
    const due = await scheduler.due({ ...d, lastPeriod: null }, services.now());
    if (due) await storage.digests.claim(d.id, due.period.key);
  };

  app.get("/digests", {
    config: admin,
    schema: {
      tags: ["reports"],
      summary: "Scheduled e-mail digests",
      response: {
        200: Type.Object({
          digests: Type.Array(DigestBody),
          mailProblem: Nullable(Type.String({ description: "why no digest goes out now, whatever its schedule (no mail server configured: FOOTFALL_SMTP_URL); null: they go out" })),
        }),
        ...errorResponses,
      },
    },
    handler: async (req) => ({ digests: await Promise.all((await storage.digests.list()).filter((d) => allowed(req, d)).map(shown)), mailProblem: scheduler.mailProblem() }),
  });

  app.get("/digests/webhooks", {
    config: admin,
    schema: {
      tags: ["reports"],
      summary: "(this project) The webhooks a digest of this store or group may be delivered to: a store's, its own; a group's, its stores' (those the caller may use)",
      querystring: Type.Object({ scope: DigestInputBody.properties.scope, target: DigestInputBody.properties.target }),
      response: {
        200: Type.Object({
          webhooks: Type.Array(
            Type.Object({
              id: Type.String(),
              store: Type.String({ description: "the store whose hook it is" }),
              url: Type.String(),
              events: Type.Array(Type.String()),
              enabled: Type.Boolean(),
            }),
          ),
        }),
        ...errorResponses,
      },
    },
    handler: async (req) => {
      if (!allowed(req, req.query)) throw httpError(403, "this token is limited: it may only schedule digests of its own store or group");
      const stores = await digestHookStores(storage, req.query);
      if (!stores) throw httpError(400, `querystring/target: no ${req.query.scope} "${req.query.target}": ${req.query.scope === "group" ? "GET /api/v1/groups" : "GET /api/v1/stores"} lists them`);
      const hooks = [];
      for (const store of stores.filter((s) => mayAccessStore(req.principal!, s)))
        for (const h of await storage.webhooks.list(store)) hooks.push({ id: h.id, store: h.store, url: h.url, events: h.events, enabled: h.enabled });
      return { webhooks: hooks };
    },
  });

  app.post("/digests", {
    config: admin,
    schema: { tags: ["reports"], summary: "Schedule a digest (the first goes out at the next scheduled time; POST .../send sends one now)", body: DigestInputBody, response: { 200: DigestBody, ...errorResponses } },
    handler: async (req) => {
      if (!allowed(req, req.body)) throw httpError(403, "this token is limited: it may only schedule digests of its own store or group");
      await checkTarget(req.body);
      await checkDelivery(req, req.body);
      const id = `${req.body.target}-${req.body.frequency}-${randomBytes(3).toString("hex")}`.slice(-64).replace(/^[^a-z0-9]+/, "d");
      const saved = await storage.digests.save({ ...req.body, id, recipients: [...new Set(req.body.recipients)], timeZone: req.body.timeZone || null, webhook: req.body.webhook || null }, services.now());
      await startSchedule(saved);
      await audit(req, "digest.create", id, { ...req.body }, { store: req.body.scope === "store" ? req.body.target : null });
      return shown((await storage.digests.get(id))!);
    },
  });

  app.put("/digests/:id", {
    config: admin,
    schema: { tags: ["reports"], summary: "Change a digest", params: IdParams, body: DigestInputBody, response: { 200: DigestBody, ...errorResponses } },
    handler: async (req) => {
      const old = await find(req, req.params.id);
      if (!allowed(req, req.body)) throw httpError(403, "this token is limited: it may only schedule digests of its own store or group");
      await checkTarget(req.body);
      // A client that knows no webhook (one written before it: it sends none) keeps the digest's; null takes it off.
      const webhook = req.body.webhook === undefined ? old.webhook : req.body.webhook || null;
      await checkDelivery(req, { scope: req.body.scope, target: req.body.target, recipients: req.body.recipients, webhook });
      const saved = await storage.digests.save({ ...req.body, id: old.id, recipients: [...new Set(req.body.recipients)], timeZone: req.body.timeZone || null, webhook }, services.now());
      if (old.frequency !== saved.frequency || old.target !== saved.target || old.scope !== saved.scope || old.timeZone !== saved.timeZone) await startSchedule(saved);
      await audit(req, "digest.update", old.id, { ...req.body }, { store: req.body.scope === "store" ? req.body.target : null });
      return shown((await storage.digests.get(old.id))!);
    },
  });

  app.delete("/digests/:id", {
    config: admin,
    schema: { tags: ["reports"], summary: "Stop and delete a digest", params: IdParams, response: { 200: Type.Object({ deleted: Type.String() }), ...errorResponses } },
    handler: async (req) => {
      const d = await find(req, req.params.id);
      await storage.digests.remove(d.id);
      await audit(req, "digest.delete", d.id, { scope: d.scope, target: d.target, frequency: d.frequency }, { store: d.scope === "store" ? d.target : null });
      return { deleted: d.id };
    },
  });

  app.get("/digests/:id/preview", {
    config: admin,
    schema: {
      tags: ["reports"],
      summary: "The digest that POST .../send would send now (or of `period`), built but not sent: subject, recipients, the text and the chart; works without a mail server and says when there is none",
      params: IdParams,
      querystring: Type.Object({ period: Type.Optional(Type.String({ description: "the local date the period starts on, YYYY-MM-DD (a finished one); absent: the last finished period" })) }),
      response: {
        200: Type.Object({
          ...DigestSentFields,
          text: Type.String({ description: "the mail's text part (the HTML part shows the same figures)" }),
          chart: Type.String({ description: "the chart the mail carries inline, as a data:image/png;base64 URL" }),
          mailProblem: Nullable(Type.String({ description: "why it would not go out now (no mail server configured); null: it would" })),
          webhookBody: Nullable(Type.String({ description: "(this project) the JSON body that webhook would receive (its delivery id that of the scheduled send), or null" })),
        }),
        ...errorResponses,
      },
    },
    handler: async (req) => {
      const d = await find(req, req.params.id);
      const p = await scheduler.preview(d, req.query.period);
      return {
        id: p.id,
        period: p.period,
        subject: p.subject,
        recipients: p.recipients,
        text: p.text,
        chart: `data:image/png;base64,${p.chartPng.toString("base64")}`,
        mailProblem: p.mailProblem,
        webhook: p.webhook,
        webhookBody: p.webhookBody,
      };
    },
  });

  app.post("/digests/:id/send", {
    config: admin,
    schema: {
      tags: ["reports"],
      summary: "Send the digest of the last finished period now, or of `period` (send a failed one again); the schedule stays as it is",
      params: IdParams,
      description: 'Optional JSON body `{"period": "YYYY-MM-DD"}`: the local date the period starts on (a digest\'s failedPeriod), to send that period again.',
      response: {
        200: Type.Object({
          ...DigestSentFields,
          webhookDelivery: Type.Union([QueuedBody, Type.Null()]),
          mailed: Type.Boolean({ description: "(this project) whether it was mailed to its recipients (false: none, the webhook only)" }),
        }),
        502: errorResponses[400], 503: errorResponses[400], ...errorResponses },
    },
    handler: async (req) => {
      const d = await find(req, req.params.id);
      const body = req.body as { period?: unknown } | null | undefined;
      const period = body && typeof body === "object" ? body.period : undefined;
      if (period !== undefined && typeof period !== "string") throw httpError(400, 'body/period: a local date, "YYYY-MM-DD"');
      let result;
      try {
        result = await scheduler.sendNow(d, period);
      } catch (err) {
        const e = err as MailFailure & { statusCode?: number };
        if (e.statusCode) throw err;
        // Each channel: the mail failed; the webhook's delivery, queued before it, goes on its own and is not queued again.
        const hook = e.webhookDelivery ? `; ${queuedWords(e.webhookDelivery)}: Send now again re-sends the mail only` : "";
        throw httpError(502, `the mail server did not take the digest: ${e.message} (FOOTFALL_SMTP_URL)${hook}`);
      }
      await audit(req, "digest.send", d.id, { period: result.period, recipients: result.recipients, webhook: result.webhook }, { store: d.scope === "store" ? d.target : null });
      return result;
    },
  });
};
