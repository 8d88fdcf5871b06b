/**
 * Verified API tokens, cached briefly so that an HTTP request or a Socket.IO join does not cost a
 * PostgreSQL round trip each (issue 12: every server of a chain checks every request's token).
 *
 * Revocation still takes effect at once on every server: a revoke sends `NOTIFY footfall_tokens`
 * with the token's id in its own transaction (from any server, or the CLI), and each server's
 * cache LISTENs on its own connection and drops that token as the notice arrives. The cache
 * answers only while that connection listens: before it is up, after it fails and until it is
 * back (then everything is dropped, since notices may have been missed), every check goes to the
 * database. Entries also expire after `ttlMs` (default 30 s; "last used" is noted at the next
 * check that reads the database) and are bounded in number. Expiry is checked at every use from
 * the cached row, so an expiring token is refused on time.
 *
 * A group-scoped token's stores are cached the same way (a request of such a token would otherwise
 * read the group's members every time): a change of any group's members sends
 * `NOTIFY footfall_tokens, 'group:*'` in its transaction, and every cache drops the groups it holds.
 */
import pg from "pg";
import { destroySocket, lateBy, STOP_WAIT_MS } from "./stop-within.js";

export const TOKENS_CHANNEL = "footfall_tokens";
export const DEFAULT_TOKEN_CACHE_TTL_MS = 30_000;
/** The notice a change of store groups' members sends (token ids are hex, never this). */
export const GROUPS_CHANGED = "group:*";

export interface TokenCacheOptions {
  url: string;
  ttlMs?: number;
  maxEntries?: number;
  /** A failure of the listening connection (logged by the caller; the cache is off until it is back). */
  onError?(err: Error): void;
  /** A revocation notice arrived (from this process or another). */
  onNotice?(id: string): void;
}

/** A cached row, keyed by the token's hash; `id` is what revocations name. */
export class TokenCache<Row extends { id: string }> {
  private readonly byHash = new Map<string, { row: Row; at: number }>();
  /** The stores of each group asked for, by group id. */
  private readonly groups = new Map<string, { stores: readonly string[]; at: number }>();
  private listener: pg.Client | null = null;
  /** The latest connection made (the listener, or one being made), whose socket a close not answered destroys. */
  private client: pg.Client | null = null;
  private starting: Promise<void> | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  /** Counts drops: a row read before a drop is not kept (its revocation may have passed it by). */
  private drops = 0;
  private readonly seenWaiters = new Map<string, (() => void)[]>();
  /** Checks answered from the cache, and from the database (tests and metrics). */
  hits = 0;
  misses = 0;

  constructor(private readonly o: TokenCacheOptions) {}

  /** Whether the cache answers (its LISTEN connection is up). Starts listening at the first call. */
  get active(): boolean {
    if (!this.listener && !this.starting && !this.retry && !this.closed) this.starting = this.listen().finally(() => (this.starting = null));
    return this.listener !== null;
  }

  /** Listening, or not within `ms` (started if need be). */
  async listening(ms = 2000): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.active && Date.now() < deadline && !this.closed) await (this.starting ?? new Promise((r) => setTimeout(r, 50)));
    return this.listener !== null;
  }

  get(hash: string, now: number): Row | undefined {
    if (!this.active) return undefined;
    const e = this.byHash.get(hash);
    if (!e) return void this.misses++;
    if (now - e.at >= (this.o.ttlMs ?? DEFAULT_TOKEN_CACHE_TTL_MS) || now < e.at) {
      this.byHash.delete(hash);
      return void this.misses++;
    }
    this.hits++;
    return e.row;
  }

  /** The cached row of the token with this id (the live hub's check of its signed-in sockets), as {@link get}. */
  getById(id: string, now: number): Row | undefined {
    if (!this.active) return undefined;
    for (const [hash, e] of this.byHash) {
      if (e.row.id !== id) continue;
      if (now - e.at >= (this.o.ttlMs ?? DEFAULT_TOKEN_CACHE_TTL_MS) || now < e.at) {
        this.byHash.delete(hash);
        break;
      }
      this.hits++;
      return e.row;
    }
    this.misses++;
    return undefined;
  }

  /** The stores of group `id` as last read (while listening and within the time to live), else undefined. */
  getGroup(id: string, now: number): readonly string[] | undefined {
    if (!this.active) return undefined;
    const e = this.groups.get(id);
    if (!e) return void this.misses++;
    if (now - e.at >= (this.o.ttlMs ?? DEFAULT_TOKEN_CACHE_TTL_MS) || now < e.at) {
      this.groups.delete(id);
      return void this.misses++;
    }
    this.hits++;
    return e.stores;
  }

  /** Keep a group's stores read from the database (as {@link set}: only if no change came since `mark`). */
  setGroup(id: string, stores: readonly string[], now: number, mark: number): void {
    if (!this.listener || mark !== this.drops) return;
    if (this.groups.size >= 10_000) this.groups.delete(this.groups.keys().next().value!);
    this.groups.set(id, { stores, at: now });
  }

  /** Mark before reading a row from the database; pass it to {@link set}. */
  mark(): number {
    return this.drops;
  }

  /** Keep a row read from the database (only while listening, and if no revocation came since `mark`). */
  set(hash: string, row: Row, now: number, mark: number): void {
    if (!this.listener || mark !== this.drops) return;
    if (this.byHash.size >= (this.o.maxEntries ?? 10_000)) this.byHash.delete(this.byHash.keys().next().value!);
    this.byHash.set(hash, { row, at: now });
  }

  /** Drop the token with this id (revoked), or every group's stores ({@link GROUPS_CHANGED}). */
  drop(id: string): void {
    this.drops++;
    if (id === GROUPS_CHANGED) this.groups.clear();
    else for (const [hash, e] of this.byHash) if (e.row.id === id) this.byHash.delete(hash);
    for (const w of this.seenWaiters.get(id) ?? []) w();
    this.seenWaiters.delete(id);
  }

  /**
   * After a revoke's commit: wait (up to `ms`) until this server's own listener has the notice.
   * PostgreSQL signals every listening server at the same commit, so by then the others have it
   * too, give or take their event loop. Not listening: nothing to wait for.
   */
  async seen(id: string, ms = 1000): Promise<void> {
    if (!this.listener) return;
    await new Promise<void>((resolve) => {
      const list = this.seenWaiters.get(id) ?? [];
      const done = () => (clearTimeout(t), resolve());
      const t = setTimeout(() => {
        const rest = (this.seenWaiters.get(id) ?? []).filter((w) => w !== done);
        if (rest.length) this.seenWaiters.set(id, rest);
        else this.seenWaiters.delete(id);
        resolve();
      }, ms);
      t.unref();
      list.push(done);
      this.seenWaiters.set(id, list);
    });
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.o.url, application_name: "footfall-tokens" });
    this.client = client;
    const lost = (err?: Error) => {
      if (err) this.o.onError?.(err);
      if (this.listener === client) this.listener = null;
      this.byHash.clear();
      this.groups.clear();
      this.drops++;
      client.end().catch(() => {});
      if (this.closed || this.retry) return;
      this.retry = setTimeout(() => (this.retry = null), 1000);
      this.retry.unref();
    };
    client.on("notification", (n) => {
      if (n.channel === TOKENS_CHANNEL && n.payload) {
        this.drop(n.payload);
        this.o.onNotice?.(n.payload);
      }
    });
    client.on("error", (err) => lost(err));
    client.on("end", () => lost());
    try {
      await client.connect();
      await client.query(`LISTEN ${TOKENS_CHANNEL}`);
    } catch (err) {
      lost(err as Error);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    this.byHash.clear();
    this.groups.clear();
    this.listener = client;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const ended = (async () => {
      await this.starting;
      const l = this.listener;
      this.listener = null;
      this.byHash.clear();
      this.groups.clear();
      await l?.end().catch(() => {});
    })();
    // Not answered within STOP_WAIT_MS (its link died silently: a polite end, or the connect under way, waits for ever): its socket is destroyed.
    if (await lateBy(ended, STOP_WAIT_MS)) if (this.client) destroySocket(this.client);
    await ended;
  }
}
