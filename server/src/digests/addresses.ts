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

/** How often a server writes its row again. */
export const NOTE_EVERY_MS = 30_000;
/** A row not written again for this long is not read: its server is gone (three notes missed). */
export const FRESH_MS = 3 * NOTE_EVERY_MS;
/** How long a stopping note waits for its row's removal before it destroys the connections it waits on. */
const STOP_WAIT_MS = 2_000;

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

/**
 * Notes `url` (publicUrl(): FOOTFALL_PUBLIC_URL, or this host's name and FOOTFALL_HTTP_PORT) as this server's, now and
 * every `everyMs`. A failure is `onError`'s to log, never a reason not to serve: the CLI then says its links are a guess.
 */
export async function noteServerAddress(db: Pick<pg.Pool, "connect">, url: string, onError: (err: Error) => void, everyMs = NOTE_EVERY_MS): Promise<AddressNote> {
  const id = `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  // The connections its queries hold now: a stop not answered in time destroys their sockets (a link that died silently).
  const holding = new Set<pg.PoolClient>();
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
  const write = async () => {
    try {
      await query(
        `INSERT INTO server_addresses (server, public_url) VALUES ($1, $2)
         ON CONFLICT (server) DO UPDATE SET public_url = excluded.public_url, seen_at = clock_timestamp()`,
        [id, url],
      );
      await query("DELETE FROM server_addresses WHERE seen_at < clock_timestamp() - interval '1 hour'");
    } catch (err) {
      onError(err as Error);
    }
  };
  let writing = write();
  await writing;
  const timer = setInterval(() => {
    writing = writing.then(write);
  }, everyMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      const removed = (async () => {
        await writing;
        try {
          await query("DELETE FROM server_addresses WHERE server = $1", [id]);
        } catch {
          /* gone with the database: the row is not read after FRESH_MS */
        }
      })();
      // Not answered within STOP_WAIT_MS (the link died silently: no answer ever comes), its connections' sockets are
      // destroyed, so a stopping server does not hang on them; the row is not read after FRESH_MS.
      let timer2: ReturnType<typeof setTimeout> | undefined;
      const late = await Promise.race([removed.then(() => false), new Promise<boolean>((resolve) => (timer2 = setTimeout(() => resolve(true), STOP_WAIT_MS)))]);
      clearTimeout(timer2);
      if (!late) return;
      for (const client of holding) (client as unknown as { connection?: { stream?: { destroy?: () => void } } }).connection?.stream?.destroy?.();
      await removed;
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
