/**
 * A digest delivered to a webhook (README "Digests", DESIGN "Webhooks"): the digest's own hook (any store's hook, named
 * by the digest's `webhook`) gets `digest.daily` or `digest.weekly` with the figures the mail gives, taken from the same
 * composition (./mail.ts composeDigest), never computed again. It is queued in that hook's durable queue, so it is signed
 * with the hook's secret, retried with backoff, listed in its delivery log and held while the hook is disabled, as its
 * alerts are. Its delivery id is the digest's and the period's: a send retried after a failed mail is queued once.
 */
import type { Services } from "../services.js";
import type { Digest } from "../storage/types.js";
import type { Change, Figures } from "./figures.js";
import type { DigestLinks } from "./links.js";
import type { Period } from "./schedule.js";

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

/** The delivery id of a digest's period: the same for every attempt at it ("send now" adds when, so it goes again). */
export const digestDeliveryId = (digest: string, period: string, again?: number): string => `digest:${digest}:${period}${again === undefined ? "" : `:${again}`}`;

/** The JSON body the hook receives: the alert notifications' envelope {id, type, store, at, data}, with the mail's `text` beside it. */
export function digestWebhookBody(deliveryId: string, w: DigestWebhookData): string {
  return JSON.stringify({ id: deliveryId, type: w.type, store: w.store, at: w.at, text: w.text, data: w.data });
}

/**
 * Queue the digest for its hook: the hook's dispatcher sends it (signed, retried, logged). Throws when the hook no longer
 * exists (the send fails and is retried, listed in Admin > Digests); a disabled hook keeps it queued until enabled again.
 */
export async function queueDigestWebhook(services: Pick<Services, "storage" | "now" | "webhooks">, hookId: string, deliveryId: string, w: DigestWebhookData): Promise<void> {
  const hook = await services.storage.webhooks.get(hookId);
  if (!hook) throw Object.assign(new Error(`the digest's webhook "${hookId}" no longer exists: choose another (Admin > Digests), or none`), { statusCode: 409 });
  await services.storage.webhooks.enqueue(hookId, { deliveryId, type: w.type, payload: digestWebhookBody(deliveryId, w) }, services.now());
  services.webhooks?.kick();
}
