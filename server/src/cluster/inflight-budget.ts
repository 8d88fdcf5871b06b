/**
 * What a chain server's shard sessions may hold unacknowledged together (issue 12): fixed caps of
 * bytes and messages, and, under them, a few seconds of the server's own commits.
 *
 * A server that cannot keep up must leave its backlog in the broker, not in its memory; and it must
 * not hold more than it commits in a few seconds either: its commits take messages in arrival order,
 * so a message of a shard it just took over (a dead server's) waits behind everything already held.
 * With 8,000 messages held, that was 15-25 s behind a lagging server's own backlog, and the dead
 * server's stores were committed again 52 s after the kill (aim: 30 s). So while sessions are stopped
 * for room, the budget measures how many messages the server settles a second and holds at most
 * `holdMs` of them (never fewer than `minMessages`, never more than the caps). Pure: no I/O, no timers;
 * the caller passes the clock.
 */

/** Caps of a budget: payload bytes and messages. */
export interface BudgetCaps {
  bytes: number;
  messages: number;
}

export interface HoldOptions {
  /** Seconds of commits to hold, in ms; 0: only the caps. */
  holdMs: number;
  /** The least the budget holds whatever the rate (enough for a full group commit). */
  minMessages: number;
  /** How long one measure of the settle rate lasts (ms). */
  windowMs: number;
}

/** Hold about 5 s of commits, at least 1,000 messages; the rate measured over 2 s windows. */
export const DEFAULT_HOLD: HoldOptions = { holdMs: 5_000, minMessages: 1_000, windowMs: 2_000 };

/**
 * The messages a budget allows now: `holdMs` of the settle rate measured while the limit bound
 * (sessions were stopped for room), between `minMessages` and the cap. Before any such measure, the cap.
 */
export class HoldLimit {
  /** Messages settled a second, smoothed over the windows in which the limit bound; null before the first. */
  private rate: number | null = null;
  private windowStart: number;
  private settledInWindow = 0;
  private boundInWindow = false;

  constructor(
    private readonly cap: number,
    private readonly o: HoldOptions,
    now: number,
  ) {
    this.windowStart = now;
  }

  /** The messages allowed now. */
  messages(): number {
    if (this.o.holdMs <= 0 || this.rate === null) return this.cap;
    return Math.round(Math.min(this.cap, Math.max(this.o.minMessages, (this.rate * this.o.holdMs) / 1000)));
  }

  /** `n` messages were settled (committed, rejected, or dropped with their session). */
  settled(n: number, now: number): void {
    this.roll(now);
    this.settledInWindow += n;
  }

  /** Sessions are stopped for room now: the rate of this window measures what the server can settle, not what came. */
  bound(now: number): void {
    this.roll(now);
    this.boundInWindow = true;
  }

  /** The smoothed rate (messages a second), or null before the limit first bound. */
  settleRate(): number | null {
    return this.rate;
  }

  /** Closes the windows that ended by `now`. A window in which the limit never bound leaves the rate as it was. */
  private roll(now: number): void {
    if (now - this.windowStart < this.o.windowMs) return;
    if (this.boundInWindow) {
      const sample = (this.settledInWindow * 1000) / (now - this.windowStart);
      this.rate = this.rate === null ? sample : 0.5 * this.rate + 0.5 * sample;
    }
    this.windowStart = now;
    this.settledInWindow = 0;
    this.boundInWindow = false;
  }
}

/**
 * The unacknowledged messages of every shard session of one server, against one budget. A session
 * that takes a message while the budget is spent stops reading (its next message waits in the
 * broker) and is woken, oldest waiter first, as commits give the budget back; unless it holds less
 * than its fair share (the budget over the sessions): a shard with a backlog (one taken over) does
 * not hold up the live messages of the others, and all of them together hold at most twice the budget.
 * The budget's messages are the cap, or fewer: {@link HoldLimit}.
 */
export class InflightBudget {
  bytes = 0;
  messages = 0;
  /** Sessions sharing the budget. */
  sessions = 0;
  private readonly waiting = new Set<{ resume(): void }>();
  private readonly hold: HoldLimit;

  constructor(
    readonly max: BudgetCaps,
    hold: HoldOptions = { ...DEFAULT_HOLD, holdMs: 0 },
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.hold = new HoldLimit(max.messages, hold, clock());
  }

  /** The messages this budget allows now (the cap, or a few seconds of commits while sessions wait for room). */
  limit(): number {
    return this.hold.messages();
  }

  /** Messages settled a second while sessions waited for room (null: they never waited). */
  settleRate(): number | null {
    return this.hold.settleRate();
  }

  spent(): boolean {
    return this.bytes >= this.max.bytes || this.messages >= this.limit();
  }
  /** Whether a session holding `messages` and `bytes` may read on: the budget has room, or it holds less than its share. */
  allows(messages: number, bytes: number): boolean {
    if (!this.spent()) return true;
    const n = Math.max(1, this.sessions);
    return messages < this.limit() / n && bytes < this.max.bytes / n;
  }
  take(bytes: number): void {
    this.bytes += bytes;
    this.messages++;
  }
  /** Gives a message back; sessions waiting resume while there is room. */
  release(bytes: number): void {
    this.giveBack(bytes, 1);
  }
  /** Gives `messages` messages of `bytes` in all back at once (a session dropped); sessions waiting resume while there is room. */
  giveBack(bytes: number, messages: number): void {
    this.bytes -= bytes;
    this.messages -= messages;
    const now = this.clock();
    this.hold.settled(messages, now);
    if (this.waiting.size > 0) this.hold.bound(now);
    for (const w of this.waiting) {
      if (this.spent()) break;
      this.waiting.delete(w);
      w.resume();
    }
  }
  /** `w` resumes when there is room again. */
  wait(w: { resume(): void }): void {
    this.waiting.add(w);
    this.hold.bound(this.clock());
  }
  forget(w: { resume(): void }): void {
    this.waiting.delete(w);
  }
  /** Sessions stopped for the budget now. */
  waiters(): number {
    return this.waiting.size;
  }
}
