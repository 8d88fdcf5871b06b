/**
 * `footfall digest list|preview|send` (server/src/cli.ts): the digests of the data folder's database (or
 * FOOTFALL_DATABASE_URL), read and sent by the code the server's scheduler and Admin > Digests use (./scheduler.ts
 * DigestScheduler preview and sendNow), so the CLI's text and figures are the server's. Mail goes through
 * FOOTFALL_SMTP_URL (FOOTFALL_MAIL_FROM) as the server's does; a webhook's delivery is queued in the database, then
 * `send` posts it at once itself (signed, claimed and recorded as a server's dispatcher does: migration 29's claim keeps a
 * server running meanwhile, on this data folder or on PostgreSQL, from posting it too). When it cannot go at once (the
 * receiver failed: a server retries it with backoff; earlier deliveries of the hook go first; a server is posting it now)
 * `send` says who sends it and when (sentWebhookWords).
 */
import { rawKeptSince } from "../aggregates/retention.js";
import type { ServerConfig } from "../config.js";
import { createLogger } from "../log.js";
import type { Services } from "../services.js";
import { servicesWithoutServer } from "../services-without-server.js";
import type { Digest, Storage } from "../storage/types.js";
import { WebhookDispatcher, type DeliverNowOutcome } from "../webhooks/dispatcher.js";
import { webhookOptionsFromEnv } from "../webhooks/wire.js";
import { FRESH_MS } from "./addresses.js";
import { publicUrl } from "./links.js";
import { DigestScheduler, type MailFailure, type SendResult } from "./scheduler.js";

/** What the digests need of a server, without one running: the storage, the layouts and the figures read from it. */
export function digestServices(storage: Storage, config: Pick<ServerConfig, "visitTimeoutMs" | "retentionDays">): Services {
  const rawSince = () => rawKeptSince(config.retentionDays ?? 90, Date.now());
  return servicesWithoutServer(storage, { log: createLogger(process.env.FOOTFALL_LOG_LEVEL ?? "warn"), analytics: { visitTimeoutMs: config.visitTimeoutMs, rawSince } });
}

/** A digest by id, or an error saying where the ids are. */
export async function digestById(storage: Storage, id: string): Promise<Digest> {
  const d = await storage.digests.get(id.trim());
  if (!d) throw new Error(`no digest "${id}": \`footfall digest list\` shows the ids (Admin > Digests makes them)`);
  return d;
}

/** A digest's webhook as Admin > Digests names it: by its URL (`hookUrls`: the hooks' URLs by id), else its id, said deleted. */
export function digestHookName(webhook: string, hookUrls: ReadonlyMap<string, string>): string {
  const url = hookUrls.get(webhook);
  return url ? `webhook ${url}` : `webhook ${webhook} (deleted)`;
}

/**
 * One line per digest: id, of what, when, to whom (its webhook by URL, as Admin > Digests), when it was last sent and
 * with which period ("not yet" as Admin > Digests' Last sent: a new digest's lastPeriod is the period before its first,
 * never sent), the failure pending.
 */
export function digestTable(digests: readonly Digest[], hookUrls: ReadonlyMap<string, string> = new Map()): string {
  if (digests.length === 0) return "No digest is scheduled (Admin > Digests, or POST /api/v1/digests, makes one).\n";
  const rows = digests.map((d) => [
    d.id,
    `${d.scope} ${d.target}`,
    `${d.frequency} at ${String(d.hour).padStart(2, "0")}:00${d.timeZone ? ` ${d.timeZone}` : ""}`,
    [...d.recipients, ...(d.webhook ? [digestHookName(d.webhook, hookUrls)] : [])].join(", "),
    d.lastSentAt === null ? "not yet" : `${new Date(d.lastSentAt).toISOString().slice(0, 16).replace("T", " ")} UTC (${d.lastPeriod ?? "?"})`,
    d.failedPeriod ? `${d.failedPeriod} not sent: ${d.lastError ?? "?"} (${d.attempts} attempt${d.attempts === 1 ? "" : "s"})` : "",
  ]);
  const head = ["ID", "OF", "WHEN", "TO", "LAST SENT", "PROBLEM"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return `${[head, ...rows].map(line).join("\n")}\n`;
}

/**
 * The environment `footfall digest preview|send` build the digest with, so that its links are the server's: without
 * FOOTFALL_PUBLIC_URL, the address the servers running on the database noted (`running`: on a SQLite data folder,
 * backup.ts runningServerPublicUrl, null when none runs; on PostgreSQL, `onPostgres`, ./addresses.ts serverAddresses, the
 * addresses of the servers running on it, several when they differ: the first, said on stderr); when it cannot know, the
 * guess (this host's name and FOOTFALL_HTTP_PORT, 8080 by default) and a warning that says why and what to set.
 */
export function digestLinkEnv(env: NodeJS.ProcessEnv, running: string | readonly string[] | null, onPostgres = false): { env: NodeJS.ProcessEnv; warning: string | null } {
  if (env.FOOTFALL_PUBLIC_URL) return { env, warning: null };
  const noted = running === null ? [] : typeof running === "string" ? [running] : [...new Set(running)];
  const set = "set FOOTFALL_PUBLIC_URL to the address users open the UI at";
  if (noted.length === 1) return { env: { ...env, FOOTFALL_PUBLIC_URL: noted[0] }, warning: null };
  if (noted.length > 1)
    return {
      env: { ...env, FOOTFALL_PUBLIC_URL: noted[0] },
      warning: `links use ${noted[0]}, one of the addresses the servers running on this database link to (${noted.join(", ")}: they differ, each its own FOOTFALL_PUBLIC_URL or host name): ${set}`,
    };
  const guess = publicUrl(env);
  const why = onPostgres
    ? `no server running on this PostgreSQL database noted its address in the last ${FRESH_MS / 1000} s`
    : "no running server on this data folder says its address";
  return {
    env,
    warning: `links use ${guess} (this host's name and ${env.FOOTFALL_HTTP_PORT ? "FOOTFALL_HTTP_PORT" : "the default port 8080"}; ${why}): ${set}`,
  };
}

/** `footfall digest send`: sends it now (or `period` again), as Admin > Digests' Send now; a refused mail says what became of the webhook. */
export async function sendDigestNow(services: Services, d: Digest, period?: string, env: NodeJS.ProcessEnv = process.env) {
  const scheduler = new DigestScheduler(services, env);
  try {
    return await scheduler.sendNow(d, period);
  } catch (err) {
    const e = err as MailFailure & { statusCode?: number };
    // No mail server: the server's words say to restart it; here, this command is what to run again.
    if (e.statusCode === 503) throw new Error(e.message.replace("then restart the server", `then run \`footfall digest send ${d.id}\` again (a running server needs a restart to send the scheduled ones)`), { cause: err });
    if (e.statusCode) throw err;
    const q = e.webhookDelivery;
    const hook = q
      ? `; its webhook delivery "${q.id}" ${q.queuedNow ? "was queued (the server sends it)" : `was queued already by an earlier attempt (${q.status}): not queued again`}: \`footfall digest send ${d.id}${period ? ` --period ${period}` : ""}\` again re-sends the mail only`
      : "";
    throw new Error(`the mail server did not take the digest: ${e.message} (check FOOTFALL_SMTP_URL)${hook}`, { cause: err });
  }
}

/** `footfall digest preview`: the mail send would send, built not sent, as GET /api/v1/digests/:id/preview. */
export function previewDigest(services: Services, d: Digest, period?: string, env: NodeJS.ProcessEnv = process.env) {
  return new DigestScheduler(services, env).preview(d, period);
}

/** Whether a Footfall server runs on the database: on a SQLite data folder, its pid file says (the pid); on PostgreSQL the CLI cannot tell ("unknown"). */
export type ServerSeen = { pid: number } | "none" | "unknown";

/**
 * What becomes of a send's webhook delivery still pending in the hook's queue, in words (null: none pending): the CLI
 * queues it, a server's dispatcher sends it (signed, retried, logged), within its next digest check when one runs, when
 * one starts otherwise.
 */
export function pendingWebhookWords(sent: Pick<SendResult, "webhookDelivery">, server: ServerSeen): string | null {
  const q = sent.webhookDelivery;
  if (!q || q.status !== "pending") return null;
  const log = "the hook's delivery log (Admin > Webhooks) says when it went";
  const check = "within its next digest check (every FOOTFALL_DIGEST_CHECK_MS, 60 s by default)";
  if (server === "none")
    return `its webhook delivery "${q.id}" is queued, not sent yet: no Footfall server runs on this data folder, and the webhook goes out when one starts (\`footfall serve\`); ${log}`;
  if (server === "unknown")
    return `its webhook delivery "${q.id}" is queued: a Footfall server on this database sends it ${check}, or when one starts if none runs; ${log}`;
  return `its webhook delivery "${q.id}" is queued: the server running on this data folder (pid ${server.pid}) sends it ${check}; ${log}`;
}

const quiet = { info: () => {}, warn: () => {}, error: () => {} };

/**
 * `footfall digest send` posts the webhook delivery it queued at once, from this process (FOOTFALL_WEBHOOK_* settings as a
 * server's), when it is its hook's next and due; what became of it, or null when nothing was left to post. `sent`'s
 * `webhookDelivery.status` is brought up to date (what stdout prints).
 */
export async function postDigestWebhook(storage: Storage, sent: SendResult, userAgent: string, env: NodeJS.ProcessEnv = process.env): Promise<DeliverNowOutcome | null> {
  const q = sent.webhookDelivery;
  if (!q || !sent.webhook || q.status !== "pending") return null;
  const dispatcher = new WebhookDispatcher({ storage, log: quiet, options: webhookOptionsFromEnv(env), userAgent });
  const outcome = await dispatcher.deliverNow(sent.webhook, q.id);
  if (outcome.delivery) q.status = outcome.delivery.status;
  return outcome;
}

/**
 * What became of a send's webhook delivery, in words (null: none): posted by the CLI (where, and the answer), or why it
 * was not and who sends it when (pendingWebhookWords).
 */
export function sentWebhookWords(sent: Pick<SendResult, "webhookDelivery">, outcome: DeliverNowOutcome | null, hookUrl: string, server: ServerSeen): string | null {
  const q = sent.webhookDelivery;
  if (!q) return null;
  const d = outcome?.delivery;
  const queued = () => pendingWebhookWords({ webhookDelivery: { ...q, status: "pending" } }, server);
  if (outcome?.posted && d?.status === "delivered") return `its webhook delivery "${q.id}" went to ${hookUrl} (HTTP ${d.responseStatus ?? "2xx"})`;
  if (d?.status === "given_up") return `its webhook delivery "${q.id}" was given up after ${d.attempts} failed attempt${d.attempts === 1 ? "" : "s"} (last: ${d.lastError ?? "?"}); Admin > Webhooks shows the hook's delivery log`;
  if (outcome?.posted) return `its webhook delivery "${q.id}" was posted to ${hookUrl} and failed (${d?.lastError ?? "?"}): it stays queued${queued()!.replace(/^its webhook delivery "[^"]*" is queued(, not sent yet)?/, "")}`;
  if (!outcome) return q.status === "pending" ? queued() : null;
  switch (outcome.why) {
    case "gone":
      return d?.status === "delivered" ? `its webhook delivery "${q.id}" went already (a server posted it)` : queued();
    case "claimed":
      return `its webhook delivery "${q.id}" is being posted by a Footfall server right now; the hook's delivery log (Admin > Webhooks) says when it went`;
    case "behind":
      return `earlier deliveries of its webhook go first (a hook's deliveries go in order, the receiver failing?); ${queued()}`;
    case "disabled":
      return `its webhook delivery "${q.id}" is queued, not sent: the hook is disabled (Admin > Webhooks says why); it goes out in order once the hook is enabled again`;
    case "not-due":
      return `its webhook delivery "${q.id}" waits for its next attempt (an earlier one failed); ${queued()}`;
  }
}
