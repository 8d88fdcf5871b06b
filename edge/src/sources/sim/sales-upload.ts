import type { Logger } from "../../log.js";
import { errorMessage } from "../../log.js";
import { SalesJournal } from "./sales-journal.js";

/** One till transaction as the sales import takes it (JSON rows of `POST /api/v1/stores/:store/sales`). */
export interface SaleUpload {
  transaction: string;
  /** Epoch ms. */
  ts: number;
  zone: string;
  amount: number;
  items: number;
  /** When the customer came in (epoch ms): kept in the file for a restart's back-fill (see `forgetFrom`), never sent. */
  arrived?: number;
}

/** How to reach the sales import. */
export interface SalesUploaderOptions {
  url: string;
  token: string;
  log: Logger;
  /** Rows per request (the server takes up to 100,000 and 5 MiB); 5,000 by default. */
  batchSize?: number;
  /** Transactions held while the server cannot be reached; the oldest are dropped beyond it (logged). 200,000 by default. */
  maxPending?: number;
  /** Give up on one request after this long; 30 s by default. */
  timeoutMs?: number;
  /**
   * Where the transactions not yet taken wait (a JSON-lines file, see {@link SalesJournal}): what an
   * earlier run left there is sent first, and a stop or a crash loses none. Without it they wait in
   * memory only: a stop loses what the import did not take.
   */
  file?: string | undefined;
  /**
   * The watermark (epoch ms): only transactions with a `ts` before it are sent; the others wait (in
   * `file` too) for a later flush. The simulator gives the instant before which its store's events
   * are all committed by the server, so the import never holds a sale whose visit the server has not
   * stored (a back-fill's tills ran ahead of its queued entries: conversion over 100 %). Read again
   * before each batch. Without it, everything waiting is sent.
   */
  settledBefore?: () => number;
}

/** What an upload answered (the server's import result). */
interface ImportAnswer {
  accepted?: number;
  duplicates?: number;
  rejectedCount?: number;
  rejected?: { line: number; error: string }[];
  message?: string;
}

/**
 * The simulated tills' link to the sales import: transactions wait here until `flush` sends them,
 * oldest first, in batches (with `settledBefore`, only those before its watermark: the rest wait). The import is idempotent by transaction id, so a batch whose answer
 * was lost is simply sent again. A batch the server cannot take now (no answer, 5xx, 429) stays
 * for the next flush; one it refuses (another 4xx: a bad token, an unknown store) is dropped with
 * the server's reason logged, as rows it rejects one by one are. Counters say what happened.
 *
 * With `file`, what waits is also on disk (appended as it is made, rewritten as uploads settle it):
 * the transactions an earlier run could not send are read back at construction and sent first.
 */
export class SalesUploader {
  private pending: SaleUpload[] = [];
  private flushing: Promise<void> | null = null;
  private failing = false;
  readonly counts = { sent: 0, accepted: 0, duplicates: 0, rejected: 0, dropped: 0 };
  /** Aborts the requests under way (a stop that cannot wait for them). */
  private readonly giveUp = new AbortController();
  private readonly journal: SalesJournal | null;
  /** Transactions read back from `file` at construction (an earlier run's). */
  readonly kept: number;
  /** Transactions the last flush left waiting for the watermark (`settledBefore`); 0 when that flush could not reach the import. */
  private held = 0;

  constructor(private readonly opts: SalesUploaderOptions) {
    this.journal = opts.file ? new SalesJournal(opts.file, opts.log, () => this.pending) : null;
    this.pending = this.journal?.load(this.max) ?? [];
    this.kept = this.pending.length;
    if (this.kept > 0) opts.log.info({ kept: this.kept, file: opts.file }, "till transactions an earlier run could not send: sending them first");
  }

  private get max(): number {
    return this.opts.maxPending ?? 200_000;
  }

  /** Transactions waiting to be sent. */
  get waiting(): number {
    return this.pending.length;
  }

  /** Transactions the last flush left waiting because their store's events are not all settled yet (`settledBefore`); 0 when it could not reach the import. */
  get heldBack(): number {
    return this.held;
  }

  /**
   * The end of a run (after the stop's `flush`): writes what waits to `file` and says (once) how many
   * transactions are left unsent, kept for the next start or, without a file that holds them, lost.
   */
  close(): void {
    this.journal?.sync();
    const unsent = this.pending.length;
    if (unsent === 0) return;
    if (this.journal?.intact) this.opts.log.info({ unsent, file: this.opts.file }, "stopping with till transactions the sales import did not take: they are kept and sent at the next start");
    else if (this.journal) this.opts.log.warn({ unsent, file: this.opts.file }, "stopping with till transactions the sales import did not take: their file could not be written, they are lost");
    else this.opts.log.warn({ unsent, url: this.opts.url }, "stopping with till transactions the sales import did not take: they are lost (kept only in memory: give the agent a dataDir, or the simulator sales.stateFile)");
  }

  /**
   * Drop the waiting transactions of customers who came in at `ts` or later (paid then, when that is not
   * known): a restart's back-fill makes the customers of that stretch again, with their own sales, while
   * those who came in before it were counted and paid all the same. Returns how many were dropped.
   */
  forgetFrom(ts: number): number {
    const before = this.pending.length;
    this.pending = this.pending.filter((s) => (s.arrived ?? s.ts) < ts);
    const gone = before - this.pending.length;
    if (gone > 0) this.journal?.rewrite(this.pending);
    return gone;
  }

  add(sale: SaleUpload): void {
    this.pending.push(sale);
    this.journal?.append(sale);
    const max = this.max;
    if (this.pending.length > max) {
      const over = this.pending.length - max;
      this.pending.splice(0, over);
      this.counts.dropped += over;
      if (this.counts.dropped === over) this.opts.log.warn({ max }, "the sales import has not answered for long: dropping the oldest till transactions beyond the ones held");
      // The file holds the dropped ones too: rewritten now and then, it stays within twice the limit.
      if (this.journal && this.journal.size > 2 * max) this.journal.rewrite(this.pending);
    }
  }

  /**
   * Send everything waiting (before the watermark, with `settledBefore`; one flush at a time: a second call waits for the first). Never throws.
   * With `withinMs` (a stop), the requests still unanswered after that long are abandoned: what they
   * carried stays waiting (the import is idempotent by transaction id, so one that arrived anyway is
   * not counted twice if it is sent again).
   */
  async flush(withinMs?: number): Promise<void> {
    this.flushing ??= this.sendAll().finally(() => (this.flushing = null));
    if (withinMs === undefined) return this.flushing;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), withinMs)));
    const outcome = await Promise.race([this.flushing.then(() => "done" as const), late]);
    clearTimeout(timer);
    if (outcome === "late") {
      this.giveUp.abort();
      await this.flushing;
    }
  }

  private async sendAll(): Promise<void> {
    const size = this.opts.batchSize ?? 5000;
    let settled = false;
    let reached = true;
    try {
      while (!this.giveUp.signal.aborted) {
        // The oldest `size` transactions before the watermark (the list is in the order made, not quite in `ts` order).
        const before = this.opts.settledBefore?.() ?? Infinity;
        const batch: SaleUpload[] = [];
        for (const sale of this.pending) {
          if (sale.ts >= before) continue;
          batch.push(sale);
          if (batch.length >= size) break;
        }
        if (batch.length === 0) break;
        const outcome = await this.send(batch);
        if (outcome === "retry") {
          reached = false;
          return;
        }
        // Gone from the list by identity: `add` appends meanwhile and drops the oldest beyond `maxPending` (some of the batch, maybe).
        const sent = new Set(batch);
        this.pending = this.pending.filter((sale) => !sent.has(sale));
        settled = true;
      }
    } finally {
      const before = this.opts.settledBefore?.() ?? Infinity;
      this.held = reached && before !== Infinity ? this.pending.filter((sale) => sale.ts >= before).length : 0;
      // The file keeps only what still waits (a crash before this sends the settled ones again: counted as duplicates).
      if (settled) this.journal?.rewrite(this.pending);
    }
  }

  /** One request: "done" when the batch is settled (taken or refused for good), "retry" when it should be sent again later. */
  private async send(batch: SaleUpload[]): Promise<"done" | "retry"> {
    const { url, token, log } = this.opts;
    let status: number;
    let answer: ImportAnswer;
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ sales: batch.map(({ transaction, ts, zone, amount, items }) => ({ transaction, ts, zone, amount, items })) }),
        signal: AbortSignal.any([AbortSignal.timeout(this.opts.timeoutMs ?? 30_000), this.giveUp.signal]),
      });
      status = res.status;
      answer = (await res.json().catch(() => ({}))) as ImportAnswer;
    } catch (err) {
      if (this.giveUp.signal.aborted) return "retry"; // a stop that could not wait: close says what is left
      if (!this.failing) log.warn({ url, waiting: this.pending.length, error: errorMessage(err) }, "cannot reach the sales import; sending the till transactions again later");
      this.failing = true;
      return "retry";
    }
    if (status >= 500 || status === 429) {
      if (!this.failing) log.warn({ url, status, message: answer.message }, "the sales import cannot take till transactions now; sending them again later");
      this.failing = true;
      return "retry";
    }
    if (this.failing) log.info({ url }, "the sales import answers again");
    this.failing = false;
    if (status >= 400) {
      this.counts.dropped += batch.length;
      log.error({ url, status, message: answer.message, transactions: batch.length }, "the sales import refused the till transactions: check the URL and the token (an admin token for the store)");
      return "done";
    }
    this.counts.sent += batch.length;
    this.counts.accepted += answer.accepted ?? 0;
    this.counts.duplicates += answer.duplicates ?? 0;
    this.counts.rejected += answer.rejectedCount ?? 0;
    if ((answer.rejectedCount ?? 0) > 0) log.warn({ rejected: answer.rejectedCount, first: answer.rejected?.[0]?.error }, "the sales import rejected till transactions");
    else log.debug({ accepted: answer.accepted, duplicates: answer.duplicates }, "till transactions sent");
    return "done";
  }
}
