/**
 * A digest delivered to a webhook (README "Digests", DESIGN "Webhooks"): the digest's own hook (a hook of a store the digest
 * covers, named by the digest's `webhook`: digestHookStores) gets `digest.daily` or `digest.weekly` with the figures the mail gives, taken from the same
 * composition (./mail.ts composeDigest), never computed again. It is queued in that hook's durable queue, so it is signed
 * with the hook's secret, retried with backoff, listed in its delivery log and held while the hook is disabled, as its
 * alerts are. Its delivery id is the digest's and the period's: a send retried after a failed mail is queued once.
 */
import type { Services } from "../services.js";
import type { Digest } from "../storage/types.js";
import type { Change, Figures } from "./figures.js";
import type { DigestLinks } from "./links.js";
import type { Period } from "./schedule.js";

/**
 * The stores whose webhooks a digest may be delivered to: a store's digest, that store's; a group's (a region, a chain),
 * the group's stores, as they are now. A hook is a store's (Admin > Webhooks of that store: its receiver was set up for
 * that store's alerts), so a digest's figures go only to a receiver of a store they count: never a store's figures to
 * another store's receiver, and a chain's IT, whose receiver is a hook of one of the chain's stores (its head office,
 * say), can have the chain's digest there. Null: no such store or group.
 */
export async function digestHookStores(storage: Pick<Services["storage"], "stores" | "groups">, d: Pick<Digest, "scope" | "target">): Promise<string[] | null> {
  if (d.scope === "store") return (await storage.stores.get(d.target)) ? [d.target] : null;
  return (await storage.groups.get(d.target)) ? (await storage.groups.storesOf(d.target)).sort() : null;
}

/** Why a digest may not be delivered to a hook of `hookStore` (digestHookStores), in words that say what to choose instead; null: it may. */
export function hookRefusal(d: Pick<Digest, "scope" | "target">, hook: { id: string; store: string }, stores: readonly string[]): string | null {
  if (stores.includes(hook.store)) return null;
  const list = `GET /api/v1/digests/webhooks?scope=${d.scope}&target=${d.target} lists those it may use`;
  if (d.scope === "store") return `webhook "${hook.id}" is store "${hook.store}"'s: a digest of store "${d.target}" goes only to that store's webhooks (${list}), or none`;
  return stores.length === 0
    ? `webhook "${hook.id}" is store "${hook.store}"'s and group "${d.target}" has no stores: a group's digest goes only to its stores' webhooks`
    : `webhook "${hook.id}" is store "${hook.store}"'s, not one of group "${d.target}"'s stores (${stores.join(", ")}): a group's digest goes only to its stores' webhooks (${list}), or none`;
}

/** Why the digest may no longer go to `hook` (its store is not, or no longer, one the digest covers: {@link hookRefusal}), or null. */
export async function digestHookProblem(storage: Pick<Services["storage"], "stores" | "groups">, d: Pick<Digest, "scope" | "target">, hook: { id: string; store: string }): Promise<string | null> {
  const stores = await digestHookStores(storage, d);
  return stores === null ? null : hookRefusal(d, hook, stores);
}

/** A period's figures in a webhook: the mail's, as numbers (conversion a share 0-1, dwell in seconds). */
export interface WebhookFigures {
  enters: number;
  visitors: number | null;
  visitorsLeftOut: number;
  conversion: number | null;
  dwellMedianS: number | null;
  /** False when part of the period is older than the figures kept. */
  complete: boolean;
}

export interface DigestWebhookData {
  type: "digest.daily" | "digest.weekly";
  /** The store of a store's digest; null for a group's. */
  store: string | null;
  /** The end of the period (epoch ms). */
  at: number;
  /** The mail's subject and text part: a chat tool shows it as it is. */
  subject: string;
  text: string;
  data: {
    digest: { id: string; scope: "store" | "group"; target: string; name: string; frequency: "daily" | "weekly" };
    period: { key: string; from: number; to: number; timeZone: string };
    previous: { from: number; to: number };
    /** Null: no data in that period (not zero). */
    now: WebhookFigures | null;
    before: WebhookFigures | null;
    /** Whether the mail compares the two periods (false: one has no data, is partial or had an outage: see notes). */
    compared: boolean;
    stores: { store: string; name: string; enters: number | null; before: number | null; change: string; url: string }[];
    changes: (Change & { name: string; change: string })[];
    notes: string[];
    links: DigestLinks;
  };
}

const figures = (f: Figures): WebhookFigures => ({
  enters: f.enters,
  visitors: f.visitors,
  visitorsLeftOut: f.visitorsLeftOut ?? 0,
  conversion: f.conversion,
  dwellMedianS: f.dwellMedianS,
  complete: f.complete,
});

export function digestWebhookData(o: {
  d: Pick<Digest, "id" | "scope" | "target" | "frequency">;
  name: string;
  period: Period;
  timeZone: string;
  subject: string;
  text: string;
  now: Figures | null;
  before: Figures | null;
  compared: boolean;
  stores: DigestWebhookData["data"]["stores"];
  changes: DigestWebhookData["data"]["changes"];
  notes: string[];
  links: DigestLinks;
}): DigestWebhookData {
  const { d, period } = o;
  return {
    type: d.frequency === "daily" ? "digest.daily" : "digest.weekly",
    store: d.scope === "store" ? d.target : null,
    at: period.to,
    subject: o.subject,
    text: o.text,
    data: {
      digest: { id: d.id, scope: d.scope, target: d.target, name: o.name, frequency: d.frequency },
      period: { key: period.key, from: period.from, to: period.to, timeZone: o.timeZone },
      previous: { from: period.previous.from, to: period.previous.to },
      now: o.now && figures(o.now),
      before: o.before && figures(o.before),
      compared: o.compared,
      stores: o.stores,
      changes: o.changes,
      notes: o.notes,
      links: o.links,
    },
  };
}

/**
 * The delivery id of a digest's period: the same for every attempt at it by the schedule. "Send now" adds `again` (the
 * digest's lastSentAt, 0 before any): a delivery of its own, the same for every press of that period until one
 * completes (a press whose mail failed is remembered with its period: storage digests.pendingResend, migration 28).
 */
export const digestDeliveryId = (digest: string, period: string, again?: number): string => `digest:${digest}:${period}${again === undefined ? "" : `:${again}`}`;

/** The JSON body the hook receives: the alert notifications' envelope {id, type, store, at, data}, with the mail's `text` beside it. */
export function digestWebhookBody(deliveryId: string, w: DigestWebhookData): string {
  return JSON.stringify({ id: deliveryId, type: w.type, store: w.store, at: w.at, text: w.text, data: w.data });
}

/** A digest's delivery in its hook's queue: queued by this send, or found there, queued by an earlier attempt (then not queued twice). */
export interface QueuedDigest {
  /** The delivery id (Footfall-Delivery). */
  id: string;
  /** True: queued by this send; false: an earlier attempt at the same delivery (whose mail failed) had queued it. */
  queuedNow: boolean;
  /** Its state in the hook's queue: pending, delivered or given_up. */
  status: string;
}

/**
 * Queue the digest for its hook: the hook's dispatcher sends it (signed, retried, logged). Throws when the hook no longer
 * exists (the send fails and is retried, listed in Admin > Digests); a disabled hook keeps it queued until enabled again.
 * A delivery id queued already (an attempt whose mail then failed) is not queued again: what the queue holds is said.
 */
export async function queueDigestWebhook(services: Pick<Services, "storage" | "now" | "webhooks">, hookId: string, deliveryId: string, w: DigestWebhookData): Promise<QueuedDigest> {
  const hook = await services.storage.webhooks.get(hookId);
  if (!hook) throw Object.assign(new Error(`the digest's webhook "${hookId}" no longer exists: choose another (Admin > Digests), or none`), { statusCode: 409 });
  // A group's stores as they are now: a hook whose store left the group since the digest chose it takes no more of its figures.
  const d = w.data.digest;
  const refused = await digestHookProblem(services.storage, d, hook);
  if (refused) throw Object.assign(new Error(`the digest's webhook may no longer be used: ${refused}; choose another (Admin > Digests, or webhook in PUT /api/v1/digests/${d.id})`), { statusCode: 409 });
  const queued = await services.storage.webhooks.enqueue(hookId, { deliveryId, type: w.type, payload: digestWebhookBody(deliveryId, w) }, services.now());
  services.webhooks?.kick();
  if (queued) return { id: deliveryId, queuedNow: true, status: queued.status };
  const before = await services.storage.webhooks.getDelivery(hookId, deliveryId);
  return { id: deliveryId, queuedNow: false, status: before?.status ?? "pending" };
}
