/**
 * The address the servers of a PostgreSQL database put in their digests' links, noted in the database (migration 30,
 * table `server_addresses`), so that `footfall digest preview|send` run on that database (FOOTFALL_DATABASE_URL), from
 * any host, link where the servers do. A server on a SQLite data folder notes it in `footfall.public-url` beside its pid
 * instead (../backup.ts claimDataDir).
 *
 * Each server (not a chain server's ingest half: it sends no digest) writes its row when it starts and again every
 * {@link NOTE_EVERY_MS}, and removes it when it stops; a row not written again for {@link FRESH_MS} (a server killed, or
 * cut off from the database) is not read, and one an hour old is removed by the next note of any server.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type pg from "pg";
import type { PgQueryable } from "../storage-pg/pool.js";
import { destroySocket, lateBy, STOP_WAIT_MS } from "../storage-pg/stop-within.js";

/** How often a server writes its row again. */
export const NOTE_EVERY_MS = 30_000;
/** A row not written again for this long is not read: its server is gone (three notes missed). */
export const FRESH_MS = 3 * NOTE_EVERY_MS;

/** (migration 30) PostgreSQL's table. Times are the database's clock, as the leases', so hosts with skewed clocks agree. */
export const SERVER_ADDRESSES_PG_SQL = `
  CREATE TABLE server_addresses (
    server text COLLATE "C" PRIMARY KEY,
    public_url text NOT NULL,
    seen_at timestamptz NOT NULL DEFAULT clock_timestamp()
  );
`;
/** (migration 30) SQLite's twin: nothing (the server of a data folder notes its address in footfall.public-url). */
export const SERVER_ADDRESSES_SQL = `
  -- PostgreSQL only: a SQLite data folder's server notes its digests' address in footfall.public-url (backup.ts).
`;

/** The note of one server: written now (awaited by the caller), again every `everyMs`; `stop` removes it. */
export interface AddressNote {
  stop(): Promise<void>;
}

/** How long one write of the row may take (its interval, if shorter) before the sockets it waits on are destroyed. */
const WRITE_WAIT_MS = 10_000;

/**
 * Notes `url` (publicUrl(): FOOTFALL_PUBLIC_URL, or this host's name and FOOTFALL_HTTP_PORT) as this server's, now and
 * every `everyMs`. A failure is `onError`'s to log, never a reason not to serve: the CLI then says its links are a guess.
 *
 * One write at a time, each bounded: on a link that died silently (a firewall or NAT forgot it: no FIN, no RST, no answer)
 * a write's queries are not answered; past WRITE_WAIT_MS the sockets it holds are destroyed (it fails, said), and a tick
 * that finds a write still going (a new connection being made, never answered: pg has no connect timeout) is skipped,
 * never queued behind it. So a stop after minutes of a dead link waits for one write, at most STOP_WAIT_MS; a connection
 * still being made then is the storage's close to destroy (storage-pg/stop-within PoolSockets).
 */
export async function noteServerAddress(db: Pick<pg.Pool, "connect">, url: string, onError: (err: Error) => void, everyMs = NOTE_EVERY_MS): Promise<AddressNote> {
  const id = `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  // The connections its queries hold now: a write or a stop not answered in time destroys their sockets.
  const holding = new Set<pg.PoolClient>();
  let stopping = false;
  const query = async (sql: string, params: unknown[] = []) => {
    const client = await db.connect();
    // Its socket destroyed (below), the client says so as an error event besides the query's: the query's is the one handled.
    const broke = () => {};
    client.on("error", broke);
    holding.add(client);
    try {
      await client.query(sql, params);
      client.release();
    } catch (err) {
      client.release(err as Error);
      throw err;
    } finally {
      holding.delete(client);
      client.off("error", broke);
    }
  };
  const cut = () => {
    for (const client of holding) destroySocket(client);
  };
  const writeWaitMs = Math.min(WRITE_WAIT_MS, everyMs);
  const write = async () => {
    const done = (async () => {
      await query(
        `INSERT INTO server_addresses (server, public_url) VALUES ($1, $2)
         ON CONFLICT (server) DO UPDATE SET public_url = excluded.public_url, seen_at = clock_timestamp()`,
        [id, url],
      );
      await query("DELETE FROM server_addresses WHERE seen_at < clock_timestamp() - interval '1 hour'");
    })();
    let late = false;
    try {
      late = await lateBy(done, writeWaitMs);
      if (late) cut();
      await done;
    } catch (err) {
      // A stop's own cut is not news; a write given up says why.
      if (stopping) return;
      onError(late ? new Error(`no answer from PostgreSQL within ${writeWaitMs / 1000} s (is the link to it down?); its connection is cut (${(err as Error).message})`) : (err as Error));
    }
  };
  let writing: Promise<void> | null = null;
  const writeOnce = () => (writing = write().finally(() => (writing = null)));
  await writeOnce();
  const timer = setInterval(() => {
    if (!writing) void writeOnce();
  }, everyMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      stopping = true;
      const removed = (async () => {
        await writing;
        try {
          await query("DELETE FROM server_addresses WHERE server = $1", [id]);
        } catch {
          /* gone with the database: the row is not read after FRESH_MS */
        }
      })();
      // Not answered within STOP_WAIT_MS (the link died silently: no answer ever comes), its connections' sockets are
      // destroyed, so a stopping server does not hang on them; the row is not read after FRESH_MS. A write still making
      // its connection then is not waited for (nothing here holds it: the storage's close destroys it).
      if (!(await lateBy(removed, STOP_WAIT_MS))) return;
      cut();
      await lateBy(removed, STOP_WAIT_MS);
    },
  };
}

/** The addresses the servers running on the database link to (rows written within `freshMs`), each once, sorted. */
export async function serverAddresses(db: PgQueryable, freshMs = FRESH_MS): Promise<string[]> {
  const { rows } = await db.query<{ public_url: string }>(
    "SELECT DISTINCT public_url FROM server_addresses WHERE seen_at > clock_timestamp() - $1 * interval '1 millisecond' ORDER BY public_url",
    [freshMs],
  );
  return rows.map((r) => r.public_url).filter((u) => /^https?:\/\/\S+$/.test(u));
}
