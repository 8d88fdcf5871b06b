/**
 * What the servers of a chain tell each other, through PostgreSQL's LISTEN/NOTIFY (no other part
 * to run): which stores' live figures changed (from the server that ingests them, so that tablets
 * on every server follow), and which store got a new layout (so that every server's layout cache
 * and shard sessions take it in).
 *
 * Live changes are coalesced: the stores changed since the last notice go out together, at most
 * one notice (a few, for thousands of stores: a payload holds under 8,000 bytes) every 100 ms, so
 * each store is announced at most 10 times a second whatever its event rate. Receivers read the
 * figures from storage when a tablet watches the store (the live hub's push, itself at most 10 a
 * second per store).
 *
 * Alert changes (fired, acknowledged, resolved, held or counted again) have a notice of their own, on
 * {@link ALERTS_CHANNEL}, sent at once (the changes of one turn of the event loop together), not with the 100 ms
 * round: a live notice does not say what changed, and a store followed only for its alerts (a viewer's header) is
 * read on those at most once a second; its alert notice has the receiver read its alerts at its next push, once.
 */
import pg from "pg";
import type { Logger } from "../log.js";
import { destroySocket, lateBy, STOP_WAIT_MS } from "../storage-pg/stop-within.js";

export const LIVE_CHANNEL = "footfall_live";
export const LAYOUT_CHANNEL = "footfall_layouts";
/** Stores whose alerts another server changed (payload as the live channel's). */
export const ALERTS_CHANNEL = "footfall_alerts";
/** A NOTIFY payload must stay under 8,000 bytes. */
const MAX_PAYLOAD = 7_000;

export interface ClusterBusOptions {
  url: string;
  /** Notices carry it; a server ignores its own. */
  serverId: string;
  log: Logger;
  /** Whether `err` is PostgreSQL not answering, which the storage counts and says once per outage (then not said here). */
  connectionLost?: (err: unknown) => boolean;
  /** Stores whose live figures another server changed. */
  onLive(stores: string[]): void;
  /** A store whose layout another server saved. */
  onLayout(store: string): void;
  /** Stores whose alerts another server changed (their live notice comes too, within 100 ms). */
  onAlerts?(stores: string[]): void;
  /** The listening connection came back after a gap: notices may have been missed. */
  onResync(): void;
  /** How often live changes go out (default 100 ms). */
  liveEveryMs?: number;
  /**
   * How often the LISTEN connection is asked whether it still answers (default 30 s); one that does not answer within as
   * long is ended and made again, with a resync. A link that dies silently (no reset: a firewall or NAT forgetting an idle
   * connection, a network cut) otherwise leaves it open and listening for nothing, every notice lost, with no error.
   */
  listenCheckMs?: number;
}

export class ClusterBus {
  private listener: pg.Client | null = null;
  private readonly dirty = new Set<string>();
  /** Stores whose alerts changed here, announced at the next turn of the event loop. */
  private readonly alertsDirty = new Set<string>();
  private alertsSoon: ReturnType<typeof setImmediate> | null = null;
  private alertsSending: Promise<void> | null = null;
  private readonly timer: ReturnType<typeof setInterval>;
  private sending: Promise<void> | null = null;
  private closed = false;
  private retry: ReturnType<typeof setTimeout> | null = null;
  /** The LISTEN connection's check (listenCheckMs), and whether one is under way. */
  private readonly checkTimer: ReturnType<typeof setInterval>;
  private checking = false;

  private constructor(
    private readonly pool: Pick<pg.Pool, "query">,
    private readonly o: ClusterBusOptions,
  ) {
    this.timer = setInterval(() => void this.flush(), o.liveEveryMs ?? 100);
    this.timer.unref();
    this.checkTimer = setInterval(() => void this.check(), o.listenCheckMs ?? 30_000);
    this.checkTimer.unref();
  }

  /** Listens (a connection of its own, reconnected after a loss) and sends through `pool`. */
  static async start(pool: Pick<pg.Pool, "query">, o: ClusterBusOptions): Promise<ClusterBus> {
    const bus = new ClusterBus(pool, o);
    try {
      await bus.listen();
    } catch (err) {
      // Not started: its timers go too.
      clearInterval(bus.timer);
      clearInterval(bus.checkTimer);
      throw err;
    }
    return bus;
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.o.url, application_name: "footfall-listen" });
    client.on("notification", (n) => this.onNotification(n.channel, n.payload ?? ""));
    client.on("error", (err) => {
      if (!this.o.connectionLost?.(err)) this.o.log.warn({ err: err.message }, "the cluster's LISTEN connection failed; reconnecting");
      this.reconnect(client);
    });
    client.on("end", () => this.reconnect(client));
    await client.connect();
    try {
      await client.query(`LISTEN ${LIVE_CHANNEL}; LISTEN ${LAYOUT_CHANNEL}; LISTEN ${ALERTS_CHANNEL}`);
    } catch (err) {
      // Connected, but its LISTEN failed (timed out, refused): ended, not left open beside the next try (a PostgreSQL
      // connection and backend per failed try, listening for nobody); the caller tries again as for a failed connect.
      client.end().catch(() => {});
      throw err;
    }
    // Closed while this (re)connection was being made: ended, not kept listening for nobody (it would hold the process open).
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    this.listener = client;
  }

  /**
   * Asks the LISTEN connection a `SELECT 1`: no answer within listenCheckMs (a link gone without a reset), and it is ended,
   * its socket destroyed (ending it politely would wait on the dead link), and made again with a resync.
   */
  private async check(): Promise<void> {
    const client = this.listener;
    if (!client || this.checking || this.closed) return;
    this.checking = true;
    const waitMs = this.o.listenCheckMs ?? 30_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const answered = await Promise.race([
        client.query("SELECT 1").then(
          () => true,
          () => false,
        ),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), waitMs))),
      ]);
      if (answered || this.closed || this.listener !== client) return;
      this.o.log.warn({ waitMs }, "the cluster's LISTEN connection does not answer; making it again");
      this.reconnect(client);
      (client as unknown as { connection?: { stream?: { destroy?: () => void } } }).connection?.stream?.destroy?.();
    } finally {
      clearTimeout(timer);
      this.checking = false;
    }
  }

  private reconnect(old: pg.Client): void {
    if (this.closed || this.listener !== old || this.retry) return;
    this.listener = null;
    old.end().catch(() => {});
    const attempt = () => {
      this.retry = null;
      if (this.closed) return;
      this.listen().then(
        () => {
          if (!this.closed) this.o.onResync();
        },
        (err: Error) => {
          // Each second while PostgreSQL does not answer: said once by the storage, not here each time.
          if (!this.o.connectionLost?.(err)) this.o.log.warn({ err: err.message }, "cannot LISTEN on PostgreSQL yet; trying again in 1 s");
          this.retry = setTimeout(attempt, 1000);
          this.retry.unref();
        },
      );
    };
    this.retry = setTimeout(attempt, 1000);
    this.retry.unref();
  }

  private onNotification(channel: string, payload: string): void {
    const bar = payload.indexOf("|");
    if (bar < 0 || payload.slice(0, bar) === this.o.serverId) return;
    const body = payload.slice(bar + 1);
    try {
      if (channel === LIVE_CHANNEL) this.o.onLive(body.split(",").filter(Boolean));
      else if (channel === LAYOUT_CHANNEL && body) this.o.onLayout(body);
      else if (channel === ALERTS_CHANNEL) this.o.onAlerts?.(body.split(",").filter(Boolean));
    } catch (err) {
      this.o.log.error({ err: (err as Error).message, channel }, "a cluster notice could not be handled");
    }
  }

  /** Stores whose live figures this server changed (sent within 100 ms, coalesced). */
  changed(stores: Iterable<string>): void {
    for (const s of stores) this.dirty.add(s);
  }

  /**
   * Stores whose alerts this server changed: announced at once (with the others changed in the same turn of the event
   * loop), not with the live round. A notice that cannot be sent is not sent again: the live notice and the receivers'
   * once-a-second read of a store followed for its alerts catch up.
   */
  alertsChanged(stores: Iterable<string>): void {
    if (this.closed) return;
    for (const s of stores) this.alertsDirty.add(s);
    if (this.alertsDirty.size === 0 || this.alertsSoon) return;
    this.alertsSoon = setImmediate(() => {
      this.alertsSoon = null;
      void this.flushAlerts();
    });
  }

  private flushAlerts(): Promise<void> {
    if (this.alertsDirty.size === 0 || this.closed) return this.alertsSending ?? Promise.resolve();
    const stores = [...this.alertsDirty];
    this.alertsDirty.clear();
    const sent = this.pool
      .query("SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p", [ALERTS_CHANNEL, this.payloads(stores)])
      .then(
        () => undefined,
        (err: Error) => {
          if (!this.o.connectionLost?.(err)) this.o.log.warn({ err: err.message, stores: stores.length }, "could not announce alert changes to the other servers; they read them within a second");
        },
      );
    const all: Promise<void> = Promise.all([this.alertsSending, sent]).then(() => undefined);
    this.alertsSending = all;
    void all.finally(() => {
      if (this.alertsSending === all) this.alertsSending = null;
    });
    return all;
  }

  /** `serverId|store,store,...` payloads, each under {@link MAX_PAYLOAD}. */
  private payloads(stores: readonly string[]): string[] {
    const head = `${this.o.serverId}|`;
    const payloads: string[] = [];
    let cur = head;
    for (const s of stores) {
      if (cur.length + s.length + 1 > MAX_PAYLOAD && cur !== head) {
        payloads.push(cur);
        cur = head;
      }
      cur += (cur === head ? "" : ",") + s;
    }
    payloads.push(cur);
    return payloads;
  }

  /** A layout saved here: the other servers reload it. */
  async layoutSaved(store: string): Promise<void> {
    await this.pool.query("SELECT pg_notify($1, $2)", [LAYOUT_CHANNEL, `${this.o.serverId}|${store}`]);
  }

  private flush(): Promise<void> {
    if (this.sending || this.dirty.size === 0 || this.closed) return this.sending ?? Promise.resolve();
    const stores = [...this.dirty];
    this.dirty.clear();
    const payloads = this.payloads(stores);
    this.sending = this.pool
      .query("SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p", [LIVE_CHANNEL, payloads])
      .then(
        () => undefined,
        (err: Error) => {
          // Not resent: the next change of these stores, or the receivers' read interval, catches up.
          this.o.log.warn({ err: err.message, stores: stores.length }, "could not announce live changes to the other servers");
        },
      )
      .finally(() => (this.sending = null));
    return this.sending;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.checkTimer);
    if (this.alertsSoon) clearImmediate(this.alertsSoon);
    this.alertsSoon = null;
    const flushed = (async () => {
      await this.sending?.catch(() => {});
      await Promise.all([this.flush().catch(() => {}), this.flushAlerts().catch(() => {})]);
    })();
    // The notices still to send not sent within STOP_WAIT_MS (the link died silently): given up; the other servers read
    // the stores' figures and alerts at their next second's read. Their connections are the node's to cut (its control pool's end).
    if (await lateBy(flushed, STOP_WAIT_MS)) this.o.log.warn({ waitedMs: STOP_WAIT_MS }, "stopping: gave up sending the last notices to the other servers (PostgreSQL does not answer); they read the changes within a second");
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const listener = this.listener;
    this.listener = null;
    if (listener) await endWithin(listener, STOP_WAIT_MS);
  }
}

/**
 * Ends `client` politely, or, when that is not answered within `ms` (its link died silently and the check has not found it
 * yet: a polite end waits on the dead link for ever), destroys its socket, so a stopping server does not hang on it.
 */
async function endWithin(client: pg.Client, ms: number): Promise<void> {
  const ended = client.end().catch(() => {});
  if (await lateBy(ended, ms)) destroySocket(client);
  await ended;
}
