/**
 * Sends digests when due: every minute (FOOTFALL_DIGEST_CHECK_MS) each digest's period to send
 * (./schedule.ts periodToSend, in the digest's time zone: one that fell due in the last 3 days while
 * no server ran, oldest first, else the latest due) is compared with the last one sent. A period is taken
 * by a conditional update in the database before it is sent, so across restarts and across the
 * servers of a chain each period goes out once. The period is taken for DIGEST_SEND_LEASE_MS (15 min):
 * a server killed while sending leaves it to be taken again after that (by itself once restarted, or
 * by another server), so a digest is not lost to a crash; one whose mail went out just before the
 * crash goes twice (at least once, never silently dropped); taking it again counts as an attempt
 * (the interrupted one), so a send that stops the server every time is given up like a failing one. A failed send gives the period back and is tried
 * again after a capped exponential backoff (2, 4, 8, 16, 32 min; at most 1 h), the time of the next
 * attempt kept in the database; after FOOTFALL_DIGEST_ATTEMPTS failed attempts (default 6), or when
 * the next period is due first, the scheduler gives up: the period stays taken, the failure stays
 * listed (last error, attempts) until an admin sends it again. "Send now" sends the last finished
 * period (or a given one) without touching the schedule.
 */
import type { Services } from "../services.js";
import { DIGEST_INTERRUPTED } from "../db/repos/admin.js";
import type { Digest } from "../storage/types.js";
import { CHART_CID, composeDigest, digestTarget, mailConfig, sendMail } from "./mail.js";
import { lastFinishedPeriod, periodOf, periodToSend, type Period } from "./schedule.js";
import { publicUrl } from "./links.js";
import { digestDeliveryId, digestWebhookBody, queueDigestWebhook, type QueuedDigest } from "./webhook.js";

export const RETRY_BASE_MS = 2 * 60_000;
export const RETRY_CAP_MS = 60 * 60_000;
/** The wait after the `attempts`-th failed attempt at a period. */
export const retryDelay = (attempts: number): number => Math.min(RETRY_BASE_MS * 2 ** Math.min(attempts - 1, 30), RETRY_CAP_MS);

/** Whether `period` was taken for sending and its send never settled before its lease ran out (a server killed while sending). */
const interrupted = (d: Digest, period: string, now: number): boolean => d.lastPeriod === period && d.retryAt !== null && d.retryAt <= now;

/** The scheduler of each app's services (tests and "send now" reach it here). */
export const digestSchedulers = new WeakMap<Services, DigestScheduler>();

export interface SendResult {
  id: string;
  period: string;
  subject: string;
  recipients: string[];
  /** The webhook it was queued for (its hook's id), or null. */
  webhook: string | null;
  /** Its delivery in that hook's queue (queued by this send, or by an earlier attempt whose mail failed: not twice), or null. */
  webhookDelivery: QueuedDigest | null;
  /** Whether it was mailed (false: no recipients, the webhook only). */
  mailed: boolean;
}

/** A send whose mail failed after its webhook delivery was queued: the error, with that delivery (it goes on its own). */
export type MailFailure = Error & { webhookDelivery?: QueuedDigest | null };

/** Whether a digest goes by mail (it has recipients), and so needs FOOTFALL_SMTP_URL. */
const byMail = (d: Digest): boolean => d.recipients.length > 0;

export class DigestScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SendResult[]> | null = null;

  constructor(
    private readonly services: Services,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** Failed or interrupted attempts at one period before the scheduler gives up on it (FOOTFALL_DIGEST_ATTEMPTS, 1-20, default 6). */
  get maxAttempts(): number {
    const n = Number(this.env.FOOTFALL_DIGEST_ATTEMPTS);
    return Number.isInteger(n) && n >= 1 && n <= 20 ? n : 6;
  }

  start(everyMs = Number(this.env.FOOTFALL_DIGEST_CHECK_MS) || 60_000): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      // PostgreSQL not answering is said once per outage by its storage, not here at every check.
      this.tick().catch((err: unknown) => void (this.services.storage.connectionLost?.(err) || this.services.log.error({ err }, "digests: the schedule check failed")));
    }, everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => {});
  }

  /** The period a digest is next due for, and whether it is due now (null: no target, or no time zone to follow). */
  async due(d: Digest, now = this.services.now()): Promise<{ period: Period; due: boolean } | null> {
    const target = await digestTarget(this.services, d);
    if (!target?.timeZone) return null;
    // The oldest period due and not sent in the last 3 days (the servers were down when it fell due), else the latest.
    const period = periodToSend(now, target.timeZone, d.frequency, d.hour, d.lastPeriod, d.failedPeriod);
    return { period, due: d.lastPeriod === null || d.lastPeriod < period.key || interrupted(d, period.key, now) };
  }

  /** Sends every digest that is due (one check at a time); what was sent. */
  tick(): Promise<SendResult[]> {
    if (this.running) return this.running;
    this.running = this.check().finally(() => (this.running = null));
    return this.running;
  }

  private async check(): Promise<SendResult[]> {
    const config = mailConfig(this.env);
    const mail = "error" in config ? null : config;
    const now = this.services.now();
    const { digests } = this.services.storage;
    const sent: SendResult[] = [];
    // Digest deliveries another process queued (`footfall digest send`) reach no dispatcher's kick: each check looks at the queues.
    this.services.webhooks?.kick();
    for (const d of await digests.list()) {
      // Without a mail server only the digests that go by webhook alone go out (GET /digests says mailProblem).
      if (!mail && byMail(d)) continue;
      if (d.retryAt !== null && d.retryAt > now) continue;
      const due = await this.due(d, now);
      if (!due?.due) continue;
      const key = due.period.key;
      if (d.failedPeriod !== null && d.gaveUpAt === null && d.failedPeriod < key) {
        // Still retrying an older period when the next is due: too old to matter now.
        await digests.settle(d.id, { ok: false, error: d.lastError ?? "not sent", period: d.failedPeriod, previous: d.lastPeriod, attempts: d.attempts, retryAt: null, at: now });
        this.services.metrics.digestGivenUp.inc();
        this.services.log.warn({ digest: d.id, period: d.failedPeriod, attempts: d.attempts }, "digests: gave up on a period: the next one is due");
      }
      if (!(await digests.claim(d.id, key, now))) continue; // another server took it (or retries later)
      // The attempts at this period, this one included, as the claim counted them (claimSql): a retry
      // counts on from the failures recorded; a period whose lease ran out counts its interrupted attempt.
      const reclaimed = interrupted(d, key, now);
      const attempts = d.failedPeriod === key ? d.attempts + 1 : reclaimed ? 2 : 1;
      if (attempts > this.maxAttempts) {
        // Only an interrupted last attempt gets here (a failed one gives up when it settles): a send that
        // stops the server every time (a report too big for its memory?) is not taken again for ever.
        this.services.log.error(
          { digest: d.id, period: key, attempts: attempts - 1 },
          "digests: sending was interrupted (the server sending it stopped before it finished); gave up (an admin can send it again: Admin > Digests)",
        );
        await digests.settle(d.id, { ok: false, error: DIGEST_INTERRUPTED, period: key, previous: d.lastPeriod, attempts: attempts - 1, retryAt: null, at: now });
        this.services.metrics.digestGivenUp.inc();
        continue;
      }
      if (reclaimed && d.failedPeriod !== key)
        this.services.log.warn({ digest: d.id, period: key, attempts }, "digests: a period taken for sending was never settled (the server sending it stopped?); sending it again");
      try {
        sent.push(await this.send(d, due.period, mail));
        await digests.settle(d.id, { ok: true, at: this.services.now(), period: key });
        await this.forgetResend(d.id, key).catch((err: unknown) => this.services.log.warn({ err, digest: d.id, period: key }, "digests: could not forget a refused send-now's delivery of the period sent"));
      } catch (err) {
        const error = (err as Error).message;
        const giveUp = attempts >= this.maxAttempts;
        const retryAt = giveUp ? null : this.services.now() + retryDelay(attempts);
        if (giveUp) this.services.log.error({ err, digest: d.id, period: key, attempts }, "digests: sending failed; gave up (an admin can send it again: Admin > Digests)");
        else this.services.log.error({ err, digest: d.id, period: key, attempts, retryInMs: retryAt! - this.services.now() }, "digests: sending failed; trying again later");
        await digests.settle(d.id, { ok: false, error, period: key, previous: d.lastPeriod, attempts, retryAt, at: this.services.now() });
        this.services.metrics.digestFailures.inc();
        if (giveUp) this.services.metrics.digestGivenUp.inc();
      }
    }
    return sent;
  }

  /**
   * Sends `d` now: the period starting on `periodKey` (YYYY-MM-DD, a finished one: "send again"),
   * else the last finished period. The schedule is left as it is; a failure record of that period is cleared.
   */
  async sendNow(d: Digest, periodKey?: string): Promise<SendResult> {
    const config = mailConfig(this.env);
    if ("error" in config && byMail(d)) {
      // Its webhook waits for its mail (both go when a mail server is set): say so, not the mail server alone.
      const hook = d.webhook ? "; nothing was sent, not even to its webhook: a digest with recipients goes to its webhook with its mail (take its recipients off to send it to its webhook alone)" : "";
      throw Object.assign(new Error(`${config.error}${hook}`), { statusCode: 503 });
    }
    const period = await this.periodToSend(d, periodKey);
    const { digests } = this.services.storage;
    // The webhook's delivery: a failed period sent again is the schedule's (its attempts queued it before their mail
    // failed: not queued twice). Else sent again on purpose: a delivery of its own, the same for every send-now of that
    // period until one completes: the one a send-now whose mail failed had queued (remembered per period, whatever
    // period went out meanwhile), else a new one keyed by the last send that completed.
    const scheduled = d.failedPeriod === period.key;
    const pending = scheduled || !d.webhook ? null : await digests.pendingResend(d.id, digestDeliveryId(d.id, period.key));
    const deliveryId = scheduled ? digestDeliveryId(d.id, period.key) : (pending ?? digestDeliveryId(d.id, period.key, d.lastSentAt ?? 0));
    let result: SendResult;
    try {
      result = await this.send(d, period, "error" in config ? null : config, deliveryId);
    } catch (err) {
      // Its mail failed after its webhook delivery was queued: the next send-now of this period re-sends the mail only.
      if (!scheduled && (err as MailFailure).webhookDelivery) await digests.noteResend(d.id, deliveryId, true);
      throw err;
    }
    if (pending) await digests.noteResend(d.id, pending, false);
    else await this.forgetResend(d.id, period.key);
    await digests.settle(d.id, { ok: true, at: this.services.now(), period: period.key });
    return result;
  }

  /**
   * The period `periodKey` went through (by the schedule or a send-now): the delivery a refused send-now of it left
   * remembered is forgotten, so that a later send-now of it is a send on purpose, a delivery of its own (kept, it reused
   * the old id: its webhook dropped by the receiver as already delivered, the mail alone went).
   */
  private async forgetResend(id: string, periodKey: string): Promise<void> {
    const { digests } = this.services.storage;
    const remembered = await digests.pendingResend(id, digestDeliveryId(id, periodKey));
    if (remembered) await digests.noteResend(id, remembered, false);
  }

  /** Why no digest goes out as things are (no FOOTFALL_SMTP_URL: the scheduler sends nothing), or null. */
  mailProblem(): string | null {
    const mail = mailConfig(this.env);
    return "error" in mail ? mail.error : null;
  }

  /**
   * The mail "send now" would send for the same period, built but not sent (no mail server needed),
   * and why it would not go out as things are (`mailProblem`: no FOOTFALL_SMTP_URL), so an admin
   * can check a digest before its recipients get it.
   */
  async preview(d: Digest, periodKey?: string): Promise<Omit<SendResult, "webhookDelivery" | "mailed"> & { text: string; chartPng: Buffer; mailProblem: string | null; webhookBody: string | null }> {
    const mail = mailConfig(this.env);
    const period = await this.periodToSend(d, periodKey);
    const content = await composeDigest(this.services, d, period, "error" in mail ? "Footfall" : mail.from, publicUrl(this.env));
    if (!content) throw Object.assign(new Error(`the digest's ${d.scope} "${d.target}" no longer exists`), { statusCode: 409 });
    const chart = content.mail.attachments.find((a) => a.cid === CHART_CID)!;
    return {
      id: d.id,
      period: period.key,
      subject: content.mail.subject,
      recipients: d.recipients,
      webhook: d.webhook,
      text: content.mail.text,
      chartPng: chart.content,
      mailProblem: "error" in mail && byMail(d) ? mail.error : null,
      webhookBody: d.webhook ? digestWebhookBody(digestDeliveryId(d.id, period.key), content.webhook) : null,
    };
  }

  /** The period starting on `periodKey` (YYYY-MM-DD, a finished one), else the last finished one; an error with a status code says why there is none. */
  private async periodToSend(d: Digest, periodKey?: string): Promise<Period> {
    const target = await digestTarget(this.services, d);
    if (!target) throw Object.assign(new Error(`the digest's ${d.scope} "${d.target}" no longer exists`), { statusCode: 409 });
    if (!target.timeZone) throw Object.assign(new Error(target.problem ?? "no time zone"), { statusCode: 409 });
    const now = this.services.now();
    if (periodKey === undefined) return lastFinishedPeriod(now, target.timeZone, d.frequency);
    const p = periodOf(periodKey, target.timeZone, d.frequency);
    if (!p) throw Object.assign(new Error(`period "${periodKey}": write the local date it starts on, YYYY-MM-DD`), { statusCode: 400 });
    if (p.to > now) throw Object.assign(new Error(`period "${periodKey}" has not finished yet (it ends ${new Date(p.to).toISOString()})`), { statusCode: 400 });
    return p;
  }

  /**
   * One composition, both ways: queued for the digest's webhook first (durable, once per delivery id: a retry after a
   * failed mail does not queue it twice), then mailed to its recipients.
   */
  private async send(d: Digest, period: Period, mail: { url: string; from: string } | null, deliveryId = digestDeliveryId(d.id, period.key)): Promise<SendResult> {
    const content = await composeDigest(this.services, d, period, mail?.from ?? "Footfall", publicUrl(this.env));
    if (!content) throw new Error(`the digest's ${d.scope} "${d.target}" no longer exists`);
    const webhookDelivery = d.webhook ? await queueDigestWebhook(this.services, d.webhook, deliveryId, content.webhook) : null;
    if (byMail(d))
      await sendMail(mail!.url, content.mail).catch((err: unknown) => {
        throw Object.assign(err as Error, { webhookDelivery }) as MailFailure;
      });
    return { id: d.id, period: period.key, subject: content.mail.subject, recipients: d.recipients, webhook: d.webhook, webhookDelivery, mailed: byMail(d) };
  }
}
