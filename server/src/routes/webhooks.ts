import { randomBytes } from "node:crypto";
import { Type, type Static } from "@sinclair/typebox";
import { ALERT_NOTIFICATION_TYPES } from "@footfall/core";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { WebhookDelivery, WebhookInfo } from "../storage/types.js";
import { audit } from "../admin/audit.js";
import { FETCH_BLOCKED_PORTS, hookWants } from "../webhooks/dispatcher.js";
import { httpError } from "./http-errors.js";
import { isHttpUrl, parseUrl } from "../urls.js";
import { ErrorBody, StoreParams, errorResponses } from "./schemas.js";

const HookParams = Type.Object({ store: StoreParams.properties.store, hook: Type.String({ pattern: "^wh_[0-9a-f]{16}$", description: "webhook id" }) });
const EventType = Type.String({ pattern: "^(\\*|[a-z][a-z0-9_-]*(\\.[a-z0-9_-]+)*(\\.\\*)?)$", maxLength: 64 });
const Url = Type.String({ minLength: 8, maxLength: 2000, description: "http:// or https:// URL that receives POSTs" });

export const WebhookBody = Type.Object({
  id: Type.String(),
  store: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String(), { description: "notification types it receives (alert.firing, alert.acknowledged, alert.resolved, alert.not-counted, alert.counted, alert.*); empty: all" }),
  enabled: Type.Boolean(),
  disabledReason: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.Integer(),
  consecutiveFailures: Type.Integer(),
  failingSince: Type.Union([Type.Integer(), Type.Null()]),
});
export const DeliveryBody = Type.Object({
  deliveryId: Type.String(),
  type: Type.String(),
  status: Type.String({ description: "pending | delivered | given_up" }),
  attempts: Type.Integer(),
  createdAt: Type.Integer(),
  nextAttemptAt: Type.Union([Type.Integer(), Type.Null()], { description: "pending: when the next attempt is due" }),
  finishedAt: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  responseStatus: Type.Union([Type.Integer(), Type.Null()]),
  payload: Type.String({ description: "the JSON body as signed and sent" }),
});

const hookOut = (h: WebhookInfo): Static<typeof WebhookBody> => ({ ...h });
const deliveryOut = (d: WebhookDelivery): Static<typeof DeliveryBody> => ({
  deliveryId: d.deliveryId,
  type: d.type,
  status: d.status,
  attempts: d.attempts,
  createdAt: d.createdAt,
  nextAttemptAt: d.status === "pending" ? d.nextAttemptAt : null,
  finishedAt: d.finishedAt,
  lastError: d.lastError,
  responseStatus: d.responseStatus,
  payload: d.payload,
});

function checkUrl(url: string): string {
  const u = parseUrl(url);
  if (!u) throw httpError(400, `url "${url}" is not a URL: give an absolute http:// or https:// URL`);
  if (!isHttpUrl(u)) throw httpError(400, `url must be http:// or https://, not ${u.protocol}`);
  if (u.username || u.password) throw httpError(400, "url must not carry a user name or password: the signature authenticates the server");
  if (u.port && FETCH_BLOCKED_PORTS.has(Number(u.port)))
    throw httpError(400, `url: port ${u.port} is one the server's HTTP client never connects to (the Fetch standard's blocked ports, such as 6000, 6665-6669 and 10080): give the receiver another port`);
  return u.toString();
}

/**
 * An events filter whose every entry takes a type the server sends: a typo ("alert.fired", "alerts.*")
 * would save a hook that gets nothing but the test pings (which go whatever the filter), so it is refused.
 */
function checkEvents(events: readonly string[] | undefined): void {
  for (const e of events ?? []) {
    if (![...ALERT_NOTIFICATION_TYPES, ...DIGEST_TYPES].some((type) => hookWants({ events: [e] }, type)))
      throw httpError(
        400,
        `events: "${e}" takes none of the notifications Footfall sends: give ${ALERT_NOTIFICATION_TYPES.join(", ")} or alert.*; ${DIGEST_TYPES.join(", ")} or digest.* (or no events: all)`,
      );
  }
}

/** The digests a digest that names the hook sends it (digests/webhook.ts): a hook may take only those (`digest.*`). */
const DIGEST_TYPES = ["digest.daily", "digest.weekly"] as const;

/** Webhooks per store (admin): CRUD, the delivery log, "send test". */
export const webhookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { storage, services } = app;

  const hookOf = async (store: string, id: string): Promise<WebhookInfo> => {
    const hook = await storage.webhooks.get(id);
    if (!hook || hook.store !== store) throw httpError(404, `webhook "${id}" not found in store "${store}": list them with GET /api/v1/stores/${store}/webhooks`);
    return hook;
  };

  app.get("/stores/:store/webhooks", {
    config: { auth: "admin" },
    schema: { tags: ["webhooks"], summary: "The store's webhooks (never their secrets)", params: StoreParams, response: { 200: Type.Object({ webhooks: Type.Array(WebhookBody) }), ...errorResponses } },
    handler: async (req) => ({ webhooks: (await storage.webhooks.list(req.params.store)).map(hookOut) }),
  });

  app.post("/stores/:store/webhooks", {
    config: { auth: "admin" },
    schema: {
      tags: ["webhooks"],
      summary: "Add a webhook; its signing secret is in this answer only",
      params: StoreParams,
      body: Type.Object({ url: Url, events: Type.Optional(Type.Array(EventType, { maxItems: 20 })) }, { additionalProperties: false }),
      response: { 201: Type.Object({ webhook: WebhookBody, secret: Type.String({ description: "shown once: receivers verify Footfall-Signature with it" }) }), ...errorResponses },
    },
    handler: async (req, reply) => {
      const url = checkUrl(req.body.url);
      checkEvents(req.body.events);
      if ((await storage.webhooks.list(req.params.store)).length >= 20) throw httpError(400, "a store has 20 webhooks at most: delete one first");
      const secret = `whsec_${randomBytes(24).toString("base64url")}`;
      const hook = await storage.webhooks.create(req.params.store, { url, events: req.body.events ?? [], secret }, services.now());
      // Never the secret: the audit log is read by every admin.
      await audit(req, "webhook.create", hook.id, { url, events: req.body.events ?? [] });
      return reply.code(201).send({ webhook: hookOut(hook), secret });
    },
  });

  app.patch("/stores/:store/webhooks/:hook", {
    config: { auth: "admin" },
    schema: {
      tags: ["webhooks"],
      summary: "Change a webhook's URL or events, disable it, or enable it again (its queued deliveries then go out in order)",
      params: HookParams,
      body: Type.Object({ url: Type.Optional(Url), events: Type.Optional(Type.Array(EventType, { maxItems: 20 })), enabled: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      response: { 200: WebhookBody, ...errorResponses },
    },
    handler: async (req) => {
      await hookOf(req.params.store, req.params.hook);
      const url = req.body.url === undefined ? undefined : checkUrl(req.body.url);
      checkEvents(req.body.events);
      const changed = await storage.webhooks.update(req.params.hook, {
        ...(url ? { url } : {}),
        ...(req.body.events ? { events: req.body.events } : {}),
        ...(req.body.enabled !== undefined ? { enabled: req.body.enabled, disabledReason: req.body.enabled ? null : "disabled by an admin" } : {}),
      });
      if (!changed) throw httpError(404, `webhook "${req.params.hook}" was deleted meanwhile`);
      if (changed.enabled) services.webhooks?.kick();
      await audit(req, "webhook.update", req.params.hook, { ...req.body, ...(url ? { url } : {}) });
      return hookOut(changed);
    },
  });

  app.delete("/stores/:store/webhooks/:hook", {
    config: { auth: "admin" },
    schema: { tags: ["webhooks"], summary: "Delete a webhook, its queue and its log", params: HookParams, response: { 204: Type.Null(), ...errorResponses } },
    handler: async (req, reply) => {
      await hookOf(req.params.store, req.params.hook);
      await storage.webhooks.remove(req.params.hook);
      await audit(req, "webhook.delete", req.params.hook);
      return reply.code(204).send(null);
    },
  });

  app.get("/stores/:store/webhooks/:hook/deliveries", {
    config: { auth: "admin" },
    schema: {
      tags: ["webhooks"],
      summary: "The webhook's delivery log, newest first: pending, delivered, given up, with attempts and the last error; older pages with before=nextBefore",
      params: HookParams,
      querystring: Type.Object({
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
        before: Type.Optional(Type.Integer({ minimum: 1, description: "the previous page's nextBefore: the deliveries queued before its last one" })),
      }),
      response: {
        200: Type.Object({
          webhook: WebhookBody,
          deliveries: Type.Array(DeliveryBody),
          nextBefore: Type.Union([Type.Integer(), Type.Null()], { description: "give it as before for the next, older page; null: this page reaches the oldest delivery kept" }),
        }),
        ...errorResponses,
      },
    },
    handler: async (req) => {
      const hook = await hookOf(req.params.store, req.params.hook);
      const limit = req.query.limit ?? 100;
      // One more than asked tells whether an older page exists, so that the last page says so (null), not an empty one after it.
      const rows = await storage.webhooks.deliveries(hook.id, limit + 1, req.query.before);
      const page = rows.slice(0, limit);
      return { webhook: hookOut(hook), deliveries: page.map(deliveryOut), nextBefore: rows.length > limit ? page.at(-1)!.seq : null };
    },
  });

  app.post("/stores/:store/webhooks/:hook/test", {
    config: { auth: "admin" },
    schema: {
      tags: ["webhooks"],
      summary: "Queue a signed `ping` to the webhook (whatever its events filter); follow it in the delivery log",
      params: HookParams,
      response: { 202: DeliveryBody, 503: ErrorBody, ...errorResponses },
    },
    handler: async (req, reply) => {
      await hookOf(req.params.store, req.params.hook);
      if (!services.webhooks) throw httpError(503, "webhook delivery is not running on this server");
      const d = await services.webhooks.sendTest(req.params.hook);
      if (!d) throw httpError(404, `webhook "${req.params.hook}" was deleted meanwhile`);
      return reply.code(202).send(deliveryOut(d));
    },
  });
};
