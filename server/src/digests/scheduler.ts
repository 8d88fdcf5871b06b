/**
 * Sends digests when due: every minute (FOOTFALL_DIGEST_CHECK_MS) each digest's latest due period
 * (./schedule.ts, in its store's local time) is compared with the last one sent. A period is taken
 * by a conditional update in the database before it is sent, so across restarts and across the
 * servers of a chain each period goes out once. A failed send gives the period back and is tried
 * again after 15 minutes; "send now" sends the last finished period without touching the schedule.
 */
import type { Services } from "../services.js";
import type { Digest } from "../storage/types.js";
import { composeDigest, digestTarget, mailConfig, sendMail } from "./mail.js";
import { duePeriod, lastFinishedPeriod, type Period } from "./schedule.js";

const RETRY_MS = 15 * 60_000;

/** The scheduler of each app's services (tests and "send now" reach it here). */
export const digestSchedulers = new WeakMap<Services, DigestScheduler>();

export interface SendResult {
  id: string;
  period: string;
  subject: string;
  recipients: string[];
}

export class DigestScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SendResult[]> | null = null;
  private readonly retryAfter = new Map<string, number>();

  constructor(
    private readonly services: Services,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  start(everyMs = Number(this.env.FOOTFALL_DIGEST_CHECK_MS) || 60_000): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.tick().catch((err: unknown) => this.services.log.error({ err }, "digests: the schedule check failed"));
    }, everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => {});
  }

  /** The period a digest is next due for, and whether it is due now. */
  async due(d: Digest, now = this.services.now()): Promise<{ period: Period; due: boolean } | null> {
    const target = await digestTarget(this.services, d);
    if (!target) return null;
    const period = duePeriod(now, target.timeZone, d.frequency, d.hour);
    return { period, due: d.lastPeriod === null || d.lastPeriod < period.key };
  }

  /** Sends every digest that is due (one check at a time); what was sent. */
  tick(): Promise<SendResult[]> {
    if (this.running) return this.running;
    this.running = this.check().finally(() => (this.running = null));
    return this.running;
  }

  private async check(): Promise<SendResult[]> {
    const mail = mailConfig(this.env);
    if ("error" in mail) return [];
    const now = this.services.now();
    const sent: SendResult[] = [];
    for (const d of await this.services.storage.digests.list()) {
      if ((this.retryAfter.get(d.id) ?? 0) > now) continue;
      const due = await this.due(d, now);
      if (!due?.due) continue;
      if (!(await this.services.storage.digests.claim(d.id, due.period.key))) continue; // another server took it
      try {
        sent.push(await this.send(d, due.period, mail));
        this.retryAfter.delete(d.id);
        await this.services.storage.digests.settle(d.id, { ok: true, at: this.services.now() });
      } catch (err) {
        const error = (err as Error).message;
        this.retryAfter.set(d.id, now + RETRY_MS);
        this.services.log.error({ err, digest: d.id, period: due.period.key }, "digests: sending failed; trying again in 15 minutes");
        await this.services.storage.digests.settle(d.id, { ok: false, error, period: due.period.key, previous: d.lastPeriod });
      }
    }
    return sent;
  }

  /** Sends the last finished period of `d` now (the schedule is left as it is). */
  async sendNow(d: Digest): Promise<SendResult> {
    const mail = mailConfig(this.env);
    if ("error" in mail) throw Object.assign(new Error(mail.error), { statusCode: 503 });
    const target = await digestTarget(this.services, d);
    if (!target) throw Object.assign(new Error(`the digest's ${d.scope} "${d.target}" no longer exists`), { statusCode: 409 });
    const result = await this.send(d, lastFinishedPeriod(this.services.now(), target.timeZone, d.frequency), mail);
    await this.services.storage.digests.settle(d.id, { ok: true, at: this.services.now() });
    return result;
  }

  private async send(d: Digest, period: Period, mail: { url: string; from: string }): Promise<SendResult> {
    const content = await composeDigest(this.services, d, period, mail.from);
    if (!content) throw new Error(`the digest's ${d.scope} "${d.target}" no longer exists`);
    await sendMail(mail.url, content.mail);
    return { id: d.id, period: period.key, subject: content.mail.subject, recipients: d.recipients };
  }
}
