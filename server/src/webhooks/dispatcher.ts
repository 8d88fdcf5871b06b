/**
 * Webhook delivery (issue 14.4): notifications are queued durably per hook (storage.webhooks), then
 * sent in order, one at a time per hook: a hook's delivery n+1 goes out only after n succeeded or
 * was given up. A failed attempt is retried with capped exponential backoff and jitter; the queue is
 * in the database, so a restarted server resumes where it stopped. A hook that keeps failing (for
 * `disableAfterMs`, or `disableAfterFailures` attempts in a row) is disabled with the reason shown
 * in the UI; its queue waits and resumes when an admin enables it again.
 *
 * Requests: POST, JSON, signed (./signature.ts), Node's fetch with a timeout, redirects not followed.
 *
 * One process posts a delivery at a time: before posting, the dispatcher claims it in the database (migration 29,
 * `storage.webhooks.claim`, for the request's timeout and 30 s more), so two servers of a chain during a shard's
 * handover, or a server and `footfall digest send`, never post it both. A process killed mid-post leaves its claim to
 * run out; the delivery is then posted again by whoever takes it next (at least once, under its one delivery id).
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Logger } from "../log.js";
import type { Metrics } from "../metrics.js";
import type { Storage, WebhookDelivery, WebhookHealth, WebhookInfo } from "../storage/types.js";
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signatureHeader } from "./signature.js";

export interface WebhookOptions {
  /** First retry after about this long (default 1 s); doubling per attempt. */
  baseDelayMs: number;
  /** Longest wait between attempts (default 10 min). */
  maxDelayMs: number;
  /** A request that takes longer is a failure (default 10 s). */
  timeoutMs: number;
  /** A delivery is given up after this many attempts (default 30: about 4 h at the cap). */
  maxAttempts: number;
  /** A hook failing without a success for this long is disabled (default 24 h). */
  disableAfterMs: number;
  /** ... or after this many failed attempts in a row (default 100). */
  disableAfterFailures: number;
  /** Finished deliveries kept per hook in the log (default 500). */
  keepLog: number;
}

export const DEFAULT_WEBHOOK_OPTIONS: WebhookOptions = {
  baseDelayMs: 1000,
  maxDelayMs: 10 * 60_000,
  timeoutMs: 10_000,
  maxAttempts: 30,
  disableAfterMs: 24 * 3_600_000,
  disableAfterFailures: 100,
  keepLog: 500,
};

/** The wait before attempt `attempts + 1` after `attempts` failures: base·2^(n-1), capped, then jittered to [½, 1] of it. */
export function backoffMs(attempts: number, opts: Pick<WebhookOptions, "baseDelayMs" | "maxDelayMs">, random: () => number = Math.random): number {
  const raw = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** Math.min(Math.max(attempts - 1, 0), 40));
  return Math.round(raw / 2 + (random() * raw) / 2);
}

/** Whether a hook's events filter takes `type`: empty takes all; `alert.*` takes every `alert.` type. */
export function hookWants(hook: Pick<WebhookInfo, "events">, type: string): boolean {
  if (hook.events.length === 0) return true;
  return hook.events.some((e) => e === type || e === "*" || (e.endsWith(".*") && type.startsWith(e.slice(0, -1))));
}

/** Why the dispatcher disabled a hook that kept failing (shown in the UI; an admin's disable reads 'disabled by an admin'). */
export function failingReason(failures: number, since: number, error: string | null): string {
  return `disabled after ${failures} failed attempts in a row since ${new Date(since).toISOString()}; last: ${error ?? "?"}. Fix the receiver, then enable the hook again: its queued deliveries go out in order.`;
}

/** Whether a hook is off because the dispatcher disabled it for failing (failingReason's words), not by an admin. */
export function disabledForFailing(hook: Pick<WebhookInfo, "enabled" | "disabledReason">): boolean {
  return !hook.enabled && hook.disabledReason !== null && /^disabled after \d+ failed attempts in a row since /.test(hook.disabledReason);
}

/** A hook's health once a delivery of it went through: the failing run over, a disable for failing undone (an admin's stays). */
function healthAfterSuccess(hook: Pick<WebhookInfo, "enabled" | "disabledReason">): WebhookHealth {
  const reEnable = disabledForFailing(hook);
  return { consecutiveFailures: 0, failingSince: null, enabled: hook.enabled || reEnable, disabledReason: reEnable ? null : hook.disabledReason };
}

/** A notification to deliver: its id (the same on every retry and to every hook), its type, and the store's data. */
export interface WebhookMessage {
  deliveryId: string;
  type: string;
  store: string;
  /** Epoch ms of what happened. */
  at: number;
  data: unknown;
}

/** The JSON body receivers get. */
export function webhookBody(m: WebhookMessage): string {
  return JSON.stringify({ id: m.deliveryId, type: m.type, store: m.store, at: m.at, data: m.data });
}

export interface DispatcherDeps {
  storage: Storage;
  log: Pick<Logger, "info" | "warn" | "error">;
  now?: () => number;
  /** Schedules `fn` after `ms` of `now`'s time (default setTimeout; a test's faster clock divides). */
  setTimer?: (fn: () => void, ms: number) => ReturnType<typeof setTimeout>;
  options?: Partial<WebhookOptions>;
  random?: () => number;
  /** Sent as User-Agent. */
  userAgent?: string;
  /** A chain's server sends only the hooks of the stores it ingests (default: every hook). */
  dispatchesHere?: (store: string) => boolean;
  /** Counts failed attempts, deliveries given up and hooks disabled (the server's Prometheus metrics). */
  metrics?: Pick<Metrics, "webhookFailures" | "webhookGivenUp" | "webhooksDisabled">;
}

interface AttemptResult {
  ok: boolean;
  responseStatus: number | null;
  error: string | null;
}

/** How long a claim on a delivery lasts beyond the request's own timeout (the attempt's records after its answer). */
export const CLAIM_MARGIN_MS = 30_000;

/** What `deliverNow` did with a delivery. */
export type DeliverNowOutcome =
  /** Posted by this process: the delivery as recorded after it (delivered, or pending with its retry, or given up). */
  | { posted: true; delivery: WebhookDelivery }
  /** Not posted here: `behind` earlier deliveries of its hook go first; `claimed` another process is posting it now; `not-due` it waits for its retry; `gone` it is no longer pending (sent, or given up); `disabled` its hook is disabled or deleted. */
  | { posted: false; why: "behind" | "claimed" | "not-due" | "gone" | "disabled"; delivery: WebhookDelivery | undefined };

export class WebhookDispatcher {
  readonly options: WebhookOptions;
  /** This process's name on the claims it takes (host, pid and a random part: a restarted process is another claimant). */
  readonly claimant = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly storage: Storage;
  private readonly log: DispatcherDeps["log"];
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => ReturnType<typeof setTimeout>;
  private readonly random: () => number;
  private readonly userAgent: string;
  private readonly dispatchesHere: (store: string) => boolean;
  private readonly metrics: DispatcherDeps["metrics"];
  private readonly inflight = new Map<string, Promise<void>>();
  /** Hooks of stores another server of the chain sends, by when to look again whether they moved here. */
  private readonly elsewhere = new Map<string, number>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private wakeAt = Infinity;
  private pumping = false;
  private again = false;
  private running = false;
  private readonly listeners = new Set<(d: WebhookDelivery) => void>();

  constructor(deps: DispatcherDeps) {
    this.storage = deps.storage;
    this.log = deps.log;
    this.now = deps.now ?? Date.now;
    this.setTimer = deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.random = deps.random ?? Math.random;
    this.options = { ...DEFAULT_WEBHOOK_OPTIONS, ...deps.options };
    this.userAgent = deps.userAgent ?? "Footfall-Webhooks";
    this.dispatchesHere = deps.dispatchesHere ?? (() => true);
    this.metrics = deps.metrics;
  }

  /** Start sending what is queued (after a restart: where the last run stopped). */
  start(): void {
    this.running = true;
    this.kick();
  }

  /** Stop starting attempts; waits for those in flight. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.inflight.values()]);
  }

  /** Attempts being made now (a stop waits for them). */
  inFlight(): number {
    return this.inflight.size;
  }

  /** Called with each delivery after an attempt (tests, the benchmark). */
  onAttempt(listener: (d: WebhookDelivery) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Queue `m` for every enabled hook of its store that wants its type (`createdBy`: only hooks created by then: a
   * notification queued late goes to the hooks there were when it happened); the deliveries queued.
   */
  async notify(m: WebhookMessage, opts: { createdBy?: number } = {}): Promise<WebhookDelivery[]> {
    const hooks = (await this.storage.webhooks.list(m.store)).filter((h) => h.enabled && hookWants(h, m.type) && (opts.createdBy === undefined || h.createdAt <= opts.createdBy));
    const body = webhookBody(m);
    const queued: WebhookDelivery[] = [];
    for (const h of hooks) {
      const d = await this.storage.webhooks.enqueue(h.id, { deliveryId: m.deliveryId, type: m.type, payload: body }, this.now());
      if (d) queued.push(d);
    }
    if (queued.length) this.kick();
    return queued;
  }

  /** Queue a `ping` to one hook (the UI's "send test"), whatever its filter; undefined when the hook is unknown. */
  async sendTest(hookId: string): Promise<WebhookDelivery | undefined> {
    const hook = await this.storage.webhooks.get(hookId);
    if (!hook) return undefined;
    const at = this.now();
    const deliveryId = `test-${randomUUID()}`;
    const payload = webhookBody({ deliveryId, type: "ping", store: hook.store, at, data: { hook: hook.id, message: "A test from Footfall: this hook works." } });
    const d = await this.storage.webhooks.enqueue(hook.id, { deliveryId, type: "ping", payload }, at);
    this.kick();
    return d;
  }

  /** Look at the queues again now (after a hook was enabled, or something was queued). */
  kick(): void {
    if (!this.running) return;
    void this.pump().catch((err: Error) => {
      // PostgreSQL not answering is said once per outage by its storage, not here every 5 s.
      if (!this.storage.connectionLost?.(err)) this.log.error({ err: err.message }, "webhooks: could not read the delivery queue; trying again in 5 s");
      this.wake(this.now() + 5000);
    });
  }

  private async pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        const heads = await this.storage.webhooks.heads();
        const now = this.now();
        let next = Infinity;
        for (const head of heads) {
          if (this.inflight.has(head.hookId)) continue;
          const later = this.elsewhere.get(head.hookId);
          if (later !== undefined && later > now) {
            next = Math.min(next, later);
            continue;
          }
          if (head.nextAttemptAt <= now) {
            const run = this.attempt(head)
              .then(() => {})
              .catch((err: Error) => {
                if (!this.storage.connectionLost?.(err)) this.log.error({ err: err.message, hook: head.hookId }, "webhooks: could not record an attempt");
              })
              .finally(() => {
                this.inflight.delete(head.hookId);
                this.kick();
              });
            this.inflight.set(head.hookId, run);
          } else next = Math.min(next, head.nextAttemptAt);
        }
        this.wake(next);
      } while (this.again && this.running);
    } finally {
      this.pumping = false;
    }
  }

  private wake(at: number): void {
    if (!this.running || !Number.isFinite(at)) return;
    if (this.timer && at >= this.wakeAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.wakeAt = at;
    this.timer = this.setTimer(() => {
      this.timer = null;
      this.wakeAt = Infinity;
      this.kick();
    }, Math.max(0, at - this.now()));
    this.timer.unref?.();
  }

  /**
   * Post one queued delivery now, from this process, if it is its hook's first pending one and due (`footfall digest
   * send`, which runs no dispatcher): claimed as a server's attempt is, recorded the same way (a failure is retried by a
   * server with the backoff). Whatever the chain's shards: the claim keeps it to one poster.
   */
  async deliverNow(hookId: string, deliveryId: string): Promise<DeliverNowOutcome> {
    const head = await this.storage.webhooks.head(hookId);
    const mine = await this.storage.webhooks.getDelivery(hookId, deliveryId);
    const hook = await this.storage.webhooks.get(hookId);
    if (!mine || mine.status !== "pending") return { posted: false, why: "gone", delivery: mine };
    if (!hook?.enabled) return { posted: false, why: "disabled", delivery: mine };
    if (!head || head.deliveryId !== deliveryId) return { posted: false, why: "behind", delivery: mine };
    if (head.nextAttemptAt > this.now()) return { posted: false, why: "not-due", delivery: mine };
    const outcome = await this.attempt(head, true);
    const after = await this.storage.webhooks.getDelivery(hookId, deliveryId);
    if (outcome === "posted" && after) return { posted: true, delivery: after };
    return { posted: false, why: after?.status === "pending" ? "claimed" : "gone", delivery: after };
  }

  /** One attempt at a hook's head: claimed, posted, recorded; what became of it. */
  private async attempt(d: WebhookDelivery, anywhere = false): Promise<"posted" | "skipped"> {
    const hook = await this.storage.webhooks.get(d.hookId);
    const secret = await this.storage.webhooks.secret(d.hookId);
    if (!hook || secret === undefined || !hook.enabled) return "skipped";
    if (!anywhere && !this.dispatchesHere(hook.store)) {
      // Another server of the chain ingests this store and sends its hooks; look again in 5 s (the shard may move here),
      // not at once: the pump that follows this attempt would otherwise find the same head due and try it again, without end.
      this.elsewhere.set(hook.id, this.now() + 5000);
      return "skipped";
    }
    this.elsewhere.delete(hook.id);
    // Claimed first: another process may be posting it (a chain's shard handed over mid-post, `footfall digest send`),
    // or have recorded it since the head was read (the claim then finds it sent, or not due). Look again in a second.
    const claimed = await this.storage.webhooks.claim(d.hookId, d.deliveryId, this.claimant, this.now(), this.options.timeoutMs + CLAIM_MARGIN_MS);
    if (!claimed) {
      this.elsewhere.set(hook.id, this.now() + 1000);
      return "skipped";
    }
    d = claimed;
    const result = await this.post(hook.url, secret, d);
    const now = this.now();
    const attempts = d.attempts + 1;
    const o = this.options;
    // The hook's health follows its latest outcome: an attempt whose claim ran out mid-post (this process stalled) and
    // that another process posted since (and maybe newer deliveries after it) is not recorded, and its outcome, stale,
    // leaves the hook's health as those newer outcomes made it (it counted as a failure of a hook that works).
    // Counted from the hook as it is now, not as read before the post.
    if (result.ok) {
      const recorded = await this.storage.webhooks.recordAttempt(d.hookId, d.deliveryId, {
        status: "delivered",
        attempts,
        nextAttemptAt: d.nextAttemptAt,
        lastError: null,
        responseStatus: result.responseStatus,
        finishedAt: now,
      }, this.claimant);
      const fresh = recorded ? await this.storage.webhooks.get(hook.id) : undefined;
      // The failing run is over. The hook was enabled when posted; one off now was switched off during the post: by an
      // admin, whose disable stays; or by another process (a chain's server, `footfall digest send`) whose failure, older
      // than this success, disabled it for failing: that disable's reason ('N failed attempts in a row') no longer holds,
      // the receiver works, so the hook is enabled again (its health is its latest outcome).
      const reEnable = fresh !== undefined && disabledForFailing(fresh);
      if (fresh && (fresh.consecutiveFailures > 0 || fresh.failingSince !== null || reEnable)) await this.storage.webhooks.setHealth(hook.id, healthAfterSuccess(fresh));
      if (reEnable)
        this.log.info({ hook: hook.id, store: hook.store, url: hook.url }, "webhooks: a hook disabled for failing while a delivery was posted got that delivery through; enabled again");
    } else {
      const givenUp = attempts >= o.maxAttempts;
      const recorded = await this.storage.webhooks.recordAttempt(d.hookId, d.deliveryId, {
        status: givenUp ? "given_up" : "pending",
        attempts,
        nextAttemptAt: givenUp ? d.nextAttemptAt : now + backoffMs(attempts, o, this.random),
        lastError: result.error,
        responseStatus: result.responseStatus,
        finishedAt: givenUp ? now : null,
      }, this.claimant);
      const current = recorded ? await this.storage.webhooks.get(hook.id) : undefined;
      if (current) await this.recordFailure(current, d, result, now, givenUp);
    }
    if (result.ok || attempts % 50 === 0) await this.storage.webhooks.prune(d.hookId, o.keepLog);
    const after = await this.storage.webhooks.getDelivery(d.hookId, d.deliveryId);
    if (after) for (const l of this.listeners) l(after);
    return "posted";
  }

  /** A failed attempt, recorded, on its hook (`hook`: as it is after the attempt was): counted, the hook disabled when it keeps failing, logged. */
  private async recordFailure(hook: WebhookInfo, d: WebhookDelivery, result: AttemptResult, now: number, givenUp: boolean): Promise<void> {
    const o = this.options;
    const attempts = d.attempts + 1;
    const failures = hook.consecutiveFailures + 1;
    const since = hook.failingSince ?? now;
    const disable = now - since >= o.disableAfterMs || failures >= o.disableAfterFailures;
    const reason = disable ? failingReason(failures, since, result.error) : null;
    // A hook an admin disabled while it was posted stays disabled, with the admin's reason.
    await this.storage.webhooks.setHealth(hook.id, { consecutiveFailures: failures, failingSince: since, enabled: hook.enabled && !disable, disabledReason: hook.enabled ? reason : hook.disabledReason });
    this.metrics?.webhookFailures.inc();
    if (givenUp) this.metrics?.webhookGivenUp.inc();
    // A delivery given up lets the hook's next one go, at once, to another process (a chain's server, `footfall digest
    // send`): one delivered before this write (its success read the hook before it) is the hook's latest outcome, so the
    // failing run is over, and a disable for failing (this one) is undone; an admin's stays.
    if (givenUp && (await this.deliveredAfter(d))) {
      const current = await this.storage.webhooks.get(hook.id);
      if (current) await this.storage.webhooks.setHealth(hook.id, healthAfterSuccess(current));
      this.log.warn({ hook: hook.id, delivery: d.deliveryId, attempts }, "webhooks: a delivery was given up after its last attempt; a later one has gone through since");
      return;
    }
    // Counted and said only when this failure is what disables it (not on a hook an admin or an earlier run switched off).
    const disables = hook.enabled && disable;
    if (disables) this.metrics?.webhooksDisabled.inc();
    // Once per failing run (the hook worked, or had not been tried): its attempts are counted on the hook and each is in its delivery log.
    if (failures === 1) this.log.warn({ hook: hook.id, store: hook.store, url: hook.url, err: result.error }, "webhooks: a hook's delivery failed; retrying with backoff");
    if (disables) this.log.warn({ hook: hook.id, store: hook.store, url: hook.url, failures }, "webhooks: a hook keeps failing and is disabled");
    else if (givenUp) this.log.warn({ hook: hook.id, delivery: d.deliveryId, attempts }, "webhooks: a delivery was given up after its last attempt");
  }

  /** Whether a delivery of `d`'s hook queued after it has been delivered (the hook's last finished one, before its head). */
  private async deliveredAfter(d: WebhookDelivery): Promise<boolean> {
    const head = await this.storage.webhooks.head(d.hookId);
    const [last] = await this.storage.webhooks.deliveries(d.hookId, 1, head?.seq);
    return last !== undefined && last.seq > d.seq && last.status === "delivered";
  }

  private async post(url: string, secret: string, d: WebhookDelivery): Promise<AttemptResult> {
    const t = Math.floor(this.now() / 1000);
    try {
      const res = await fetch(url, {
        method: "POST",
        body: d.payload,
        redirect: "manual",
        signal: AbortSignal.timeout(this.options.timeoutMs),
        headers: {
          "content-type": "application/json",
          "user-agent": this.userAgent,
          [SIGNATURE_HEADER]: signatureHeader(secret, d.payload, t),
          [DELIVERY_HEADER]: d.deliveryId,
          [EVENT_HEADER]: d.type,
        },
      });
      // The body is not read beyond a little (a receiver's answer is not ours to keep).
      await res.body?.cancel().catch(() => {});
      if (res.status >= 200 && res.status < 300) return { ok: true, responseStatus: res.status, error: null };
      return { ok: false, responseStatus: res.status, error: `HTTP ${res.status}${res.status >= 300 && res.status < 400 ? " (redirects are not followed: give the final URL)" : ""}` };
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const why = e.name === "TimeoutError" ? `no answer within ${this.options.timeoutMs} ms` : requestFailure(url, e.cause?.code, e.cause?.message ?? e.message);
      return { ok: false, responseStatus: null, error: why };
    }
  }
}

/**
 * The ports fetch never connects to (the Fetch standard's "bad ports": 6000, 6665-6669, 10080, ...):
 * a hook saved with one would fail every delivery, so the API refuses it.
 */
export const FETCH_BLOCKED_PORTS: ReadonlySet<number> = new Set([
  0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137,
  139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049,
  3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

/**
 * Why a request got no answer, as an admin reads it in the delivery log and the disabled reason: the
 * system's code first (searchable, and what the log said before), then what it means for this URL.
 */
export function requestFailure(url: string, code: string | undefined, message: string): string {
  let host = url;
  let where = url;
  try {
    const u = new URL(url);
    host = u.hostname;
    where = u.host + (u.port ? "" : u.protocol === "https:" ? ":443" : ":80");
  } catch {
    /* the URL was checked when saved */
  }
  if (code === "ECONNREFUSED") return `ECONNREFUSED: nothing accepts connections at ${where} (is the receiver running, on that port?)`;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EAI_NODATA" || code === "EAI_NONAME") return `${code}: the host name "${host}" was not found (DNS): check the URL`;
  if (code === "ETIMEDOUT" || code === "UND_ERR_CONNECT_TIMEOUT" || code === "EHOSTUNREACH" || code === "ENETUNREACH") return `${code}: could not reach ${where}`;
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET" || code === "EPIPE") return `${code}: the receiver at ${where} closed the connection without an answer`;
  if (code?.startsWith("HPE_")) return `${code}: the answer from ${where} is not HTTP (an https:// receiver given as http://, or another service on that port?)`;
  if (code && /CERT|ERR_TLS/.test(code)) return `${code}: the receiver's TLS certificate was refused (${message}); a certificate of your own authority is trusted once the server starts with NODE_EXTRA_CA_CERTS=<its CA file>`;
  if (code?.startsWith("ERR_SSL") || code === "EPROTO") return `${code}: the TLS handshake with ${where} failed (an http:// receiver given as https://?)`;
  if (!code && message === "bad port") return `port of ${where} refused: fetch never connects to it (the Fetch standard's blocked ports); give the receiver another port`;
  return code ?? message;
}
