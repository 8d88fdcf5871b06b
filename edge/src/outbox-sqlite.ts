import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { FootfallEvent } from "@footfall/core";
import { makeDirs } from "@footfall/core/node";
import type { Outbox } from "./outbox.js";

/** Options of a {@link SqliteOutbox}. */
export interface SqliteOutboxOptions {
  /** The SQLite file (created with its folder when missing). */
  path: string;
  /** Most events held; when full, the oldest unsent events are dropped to make room (counted). */
  maxEvents: number;
  /**
   * Events at the head that must not be dropped because they were handed over and their
   * settlement will remove them (the batcher's unsettled window). Defaults to none.
   */
  pinned?: () => number;
  /** How long to wait for another process's lock on the file before failing (default 2000 ms). */
  busyTimeoutMs?: number;
  /** Told after events were dropped (how many now, how many ever). */
  onDrop?: (dropped: number, total: number) => void;
}

/** Counters of a {@link SqliteOutbox}, kept in the file so that they survive restarts. */
export interface DurableOutboxStats {
  /** Oldest unsent events dropped because the outbox was full (drop-oldest policy), ever. */
  dropped: number;
  /** Events ever written, over every boot (the sequence of the last one + 1). */
  written: number;
  /** The id of the last event written (null before the first). */
  lastId: string | null;
}

/**
 * An {@link Outbox} in a SQLite file (better-sqlite3, WAL): events survive a broker outage, a crash
 * and a restart. Every `push` is committed before it returns, so an event the source emitted is
 * either on disk or was never accepted; `ack` deletes the settled prefix in one transaction.
 *
 * Bounded: at most `maxEvents` rows. When full, the policy is **drop oldest**: the oldest events not
 * in flight are deleted to make room for new ones and counted in `dropped` (persisted, reported in
 * the agent's status). Old events are the least useful ones (the server rejects events older than
 * 7 days anyway); the newest keep live occupancy right once the broker is back. Only when every
 * held event is in flight are new ones refused.
 *
 * The file is opened with an exclusive lock: a second agent on the same file fails at start
 * instead of sending the same events twice. `synchronous=NORMAL` in WAL mode survives a process
 * crash (kill -9); a power cut may lose the last few hundred milliseconds of events.
 */
export class SqliteOutbox implements Outbox {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement<[number, number, string]>;
  private readonly setMeta: Database.Statement<[string, string]>;
  private readonly pushTx: (events: readonly FootfallEvent[], drop: number) => void;
  /** Rows held (kept in memory: counting rows is a scan). */
  private count: number;
  /** Sequence of the next row written. */
  private nextSeq: number;
  private cachedOldestTs: number | null | undefined = undefined;
  private readonly counters: DurableOutboxStats;
  private closed = false;

  constructor(private readonly opts: SqliteOutboxOptions) {
    if (opts.path !== ":memory:") makeDirs(dirname(opts.path));
    const db = new Database(opts.path, { timeout: opts.busyTimeoutMs ?? 2000 });
    this.db = db;
    try {
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      db.pragma("locking_mode = EXCLUSIVE");
      db.exec(`
        CREATE TABLE IF NOT EXISTS outbox (seq INTEGER PRIMARY KEY, ts INTEGER NOT NULL, body TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      `);
      // Take the exclusive lock now (the first write does), so a second agent fails here.
      db.exec("BEGIN IMMEDIATE; COMMIT;");
    } catch (err) {
      db.close();
      const code = (err as { code?: string }).code;
      if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED") {
        throw new Error(`the outbox ${opts.path} is in use by another process: give each agent its own outbox.path (or dataDir)`, { cause: err });
      }
      throw err;
    }
    const meta = (key: string): string | null => (db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined)?.value ?? null;
    this.counters = { dropped: Number(meta("dropped") ?? 0), written: Number(meta("written") ?? 0), lastId: meta("lastId") };
    const bounds = db.prepare("SELECT COUNT(*) AS n, MAX(seq) AS hi FROM outbox").get() as { n: number; hi: number | null };
    this.count = bounds.n;
    this.nextSeq = Math.max(this.counters.written, (bounds.hi ?? -1) + 1);
    this.insert = db.prepare("INSERT INTO outbox (seq, ts, body) VALUES (?, ?, ?)");
    this.setMeta = db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    const dropAfter = db.prepare("DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox ORDER BY seq LIMIT ? OFFSET ?)");
    this.pushTx = db.transaction((events: readonly FootfallEvent[], drop: number) => {
      if (drop > 0) {
        dropAfter.run(drop, this.pinned());
        this.setMeta.run("dropped", String(this.counters.dropped + drop));
      }
      for (const e of events) this.insert.run(this.nextSeq++, e.ts, JSON.stringify(e));
      this.setMeta.run("written", String(this.nextSeq));
      this.setMeta.run("lastId", events[events.length - 1]!.id);
    });
  }

  private pinned(): number {
    return Math.min(this.count, Math.max(0, this.opts.pinned?.() ?? 0));
  }

  push(events: readonly FootfallEvent[]): number {
    if (events.length === 0 || this.closed) return 0;
    const cap = this.opts.maxEvents;
    const droppable = this.count - this.pinned();
    // Room comes from free space first, then from dropping the oldest unsent events.
    const accepted = Math.min(events.length, Math.max(0, cap - this.count) + droppable);
    if (accepted === 0) return 0;
    const drop = Math.max(0, this.count + accepted - cap);
    const batch = accepted === events.length ? events : events.slice(0, accepted);
    const seqBefore = this.nextSeq;
    try {
      this.pushTx(batch, drop);
    } catch (err) {
      this.nextSeq = seqBefore; // rolled back
      if ((err as { code?: string }).code === "SQLITE_FULL") {
        throw Object.assign(
          new Error(
            `the outbox ${this.opts.path} cannot keep the events: its disk is full. Free space on it (or give dataDir, FOOTFALL_EDGE_DATA_DIR, a larger disk); until then what the source reads is not kept`,
            { cause: err },
          ),
          { code: "SQLITE_FULL" },
        );
      }
      throw err;
    }
    this.count += accepted - drop;
    this.counters.dropped += drop;
    this.counters.written = this.nextSeq;
    this.counters.lastId = batch[batch.length - 1]!.id;
    if (drop > 0 || this.cachedOldestTs === null) this.cachedOldestTs = undefined;
    if (drop > 0) this.opts.onDrop?.(drop, this.counters.dropped);
    return accepted;
  }

  peek(n: number, skip = 0): FootfallEvent[] {
    if (n <= 0 || this.closed) return [];
    const rows = this.db.prepare("SELECT body FROM outbox ORDER BY seq LIMIT ? OFFSET ?").all(n, Math.max(0, skip)) as Array<{ body: string }>;
    return rows.map((r) => JSON.parse(r.body) as FootfallEvent);
  }

  ack(n: number): void {
    if (n < 0 || n > this.count) throw new RangeError(`cannot ack ${n} events: ${this.count} waiting`);
    if (n === 0) return;
    this.db.prepare("DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox ORDER BY seq LIMIT ?)").run(n);
    this.count -= n;
    this.cachedOldestTs = undefined;
  }

  size(): number {
    return this.count;
  }

  oldestTs(): number | null {
    if (this.cachedOldestTs === undefined) {
      const row = this.closed ? undefined : (this.db.prepare("SELECT ts FROM outbox ORDER BY seq LIMIT 1").get() as { ts: number } | undefined);
      this.cachedOldestTs = row?.ts ?? null;
    }
    return this.cachedOldestTs;
  }

  /** The start time (epoch ms) of the last boot that used this outbox, or null. */
  lastBootMs(): number | null {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = 'bootId'").get() as { value: string } | undefined;
    return row ? parseInt(row.value, 36) : null;
  }

  /** Remember this boot's id (base36 start time), so that the next boot takes a later one. */
  recordBoot(bootId: string): void {
    this.setMeta.run("bootId", bootId);
  }

  /** Persistent counters (drops, events written). */
  stats(): DurableOutboxStats {
    return { ...this.counters };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}

/** Read an outbox file's persistent counters (tests, diagnostics); the agent must not be running (it holds an exclusive lock). */
export function readOutboxFile(path: string): DurableOutboxStats & { queued: number } {
  const db = new Database(path, { fileMustExist: true });
  try {
    const meta = (key: string): string | null => (db.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: string } | undefined)?.value ?? null;
    const queued = (db.prepare("SELECT COUNT(*) AS n FROM outbox").get() as { n: number }).n;
    return { dropped: Number(meta("dropped") ?? 0), written: Number(meta("written") ?? 0), lastId: meta("lastId"), queued };
  } finally {
    db.close();
  }
}
