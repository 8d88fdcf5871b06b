import pg from "pg";
import { destroySocket, lateBy } from "./stop-within.js";

/** OIDs of the PostgreSQL types whose text form the pool parses itself. */
const INT8 = 20;
const NUMERIC = 1700;

/**
 * `bigint` as a JavaScript number (epoch ms, counters): pg hands it over as a string because it
 * may exceed 2^53. Footfall's bigints are times and counts far below that; one that is not is a
 * corrupted row, and a clear error beats a silently rounded figure.
 */
function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`a bigint column holds ${text}, beyond 2^53: not a Footfall time or count`);
  return n;
}

const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    if (oid === INT8 && format !== "binary") return parseInt8;
    if (oid === NUMERIC && format !== "binary") return (text: string) => Number(text);
    return pg.types.getTypeParser(oid, format);
  }) as typeof pg.types.getTypeParser,
};

export interface PgPoolOptions {
  /** Connections at most (default 10). */
  max?: number;
  /** Shown in pg_stat_activity (default "footfall"). */
  applicationName?: string;
  /**
   * The CPU nice value (1-19) each connection's backend takes as it opens, through the `prioritize`
   * extension where the database has it (see {@link backendNiceSql}); 0 or absent: left as it is.
   */
  backendNice?: number;
}

/**
 * A statement that gives this connection's backend the nice value `nice` (an integer 1-19) through
 * the `prioritize` extension (Debian's postgresql-NN-prioritize), and does nothing where the database
 * has no such extension: PL/pgSQL resolves the function only when the branch runs. A backend may
 * always lower its own priority; raising it back needs a superuser.
 */
export function backendNiceSql(nice: number): string {
  if (!Number.isInteger(nice) || nice < 1 || nice > 19) throw new Error(`a backend's nice value is an integer 1-19, not ${nice}`);
  return `DO $$BEGIN IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'prioritize') THEN PERFORM set_backend_priority(pg_backend_pid(), ${nice}); END IF; END$$`;
}

/**
 * A connection pool to `url` (`postgres://user:password@host:port/database`): bigint and numeric
 * as numbers (per pool, not pg's global parsers), a name in pg_stat_activity, optionally a lower CPU
 * priority for its backends, and errors of idle connections (the database restarting) logged by the
 * caller rather than crashing the process.
 */
export function createPgPool(url: string, opts: PgPoolOptions = {}, onError: (err: Error) => void = () => {}): pg.Pool {
  if (!/^postgres(ql)?:\/\//.test(url))
    throw new Error(`FOOTFALL_DATABASE_URL must be a postgres:// URL (postgres://user:password@host:5432/footfall), not "${withoutPassword(url)}"`);
  const niceSql = opts.backendNice ? backendNiceSql(opts.backendNice) : null;
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    application_name: opts.applicationName ?? "footfall",
    types,
    // Awaited before the new connection is handed out. A failure leaves the backend's priority as it was and is not the
    // caller's: openPgStorage has said at open whether the extension is there.
    ...(niceSql ? { onConnect: (client: pg.ClientBase) => client.query(niceSql).then(() => {}, () => {}) } : {}),
  });
  pool.on("error", onError);
  return pool;
}

/** `url` with its password masked, for messages and logs. */
export const withoutPassword = (url: string): string => url.replace(/:[^:@/]*@/, ":***@");

/** Why a first query to `url` failed, and what to check (the server's start, the CLI's commands on PostgreSQL). */
export function unreachableMessage(url: string, err: Error): string {
  return `cannot reach PostgreSQL at ${withoutPassword(url)} (FOOTFALL_DATABASE_URL): ${err.message}; is it running, and are the user, password and database right?`;
}

/** How long a first connection to PostgreSQL (the server's start, a CLI command) may take before it is called unreachable. */
export const CONNECT_TIMEOUT_MS = 10_000;

/** What to say when PostgreSQL at `url` did not answer a first connection within `ms`. */
export function noAnswerMessage(url: string, ms: number): string {
  let where = withoutPassword(url);
  try {
    const u = new URL(url);
    where = `${u.hostname}:${u.port || 5432}`;
  } catch {
    /* the URL as given */
  }
  return (
    `cannot reach PostgreSQL at ${where} within ${ms / 1000} s (FOOTFALL_DATABASE_URL ${withoutPassword(url)}): no answer. ` +
    "Check that PostgreSQL runs on that host and listens on that port (listen_addresses, port in postgresql.conf), and that no firewall or VPN between here and there drops the connection"
  );
}

/**
 * Connects once to `url` and runs `SELECT 1`, within `ms`; throws, saying what to check, when it cannot: refused or
 * turned away (unreachableMessage), or not answered in time ({@link noAnswerMessage}: a host or firewall that drops the
 * packets, a link that died silently), where pg itself would wait for ever (it has no connect timeout by default).
 */
export async function checkReachable(url: string, ms = CONNECT_TIMEOUT_MS): Promise<void> {
  const client = new pg.Client({ connectionString: url, application_name: "footfall-check" });
  // Its socket destroyed (no answer), the client says so as an error event besides the connect's: the connect's is the one handled.
  client.on("error", () => {});
  const asked = (async () => {
    await client.connect();
    await client.query("SELECT 1");
  })();
  if (await lateBy(asked, ms)) {
    destroySocket(client);
    await asked.catch(() => {});
    throw new Error(noAnswerMessage(url, ms));
  }
  try {
    await asked;
  } catch (err) {
    destroySocket(client);
    throw new Error(unreachableMessage(url, err as Error), { cause: err });
  }
  // Ended politely; its answer not awaited (on a link that just died it would not come): the socket is destroyed if it has not closed in 1 s.
  const t = setTimeout(() => destroySocket(client), 1_000);
  t.unref();
  void client.end().then(
    () => clearTimeout(t),
    () => clearTimeout(t),
  );
}

/**
 * Whether a query failed because PostgreSQL could not be reached or would not let us in (no
 * connection, wrong user, password or database, server starting or shutting down), rather than
 * because the query itself failed: a network error carries no SQLSTATE; classes 08, 28, 3D and
 * 57P do.
 */
export function isUnreachable(err: Error & { code?: unknown }): boolean {
  const code = typeof err.code === "string" ? err.code : "";
  return !/^[0-9A-Z]{5}$/.test(code) || /^(08|28|3D|57P)/.test(code);
}

/** What runs a query: a pool or one of its clients (inside a transaction). */
export type PgQueryable = Pick<pg.Pool | pg.PoolClient, "query">;

/** Node's socket errors that mean PostgreSQL could not be reached or the connection broke. */
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "EPIPE"]);

/**
 * Whether `err` says the connection to PostgreSQL is gone or cannot be made (the database stopping,
 * restarting or unreachable), rather than that a statement failed: SQLSTATE class 08 (connection
 * exception), 57P01-57P03 (shut down by an administrator, crashed, cannot connect now), a socket error,
 * or pg's own words for a connection that ended or never came. Narrower than {@link isUnreachable},
 * which also counts wrong credentials and any error without a SQLSTATE (a first query's failure).
 */
export function isConnectionLoss(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const c = (err as { code?: unknown }).code;
  const code = typeof c === "string" ? c : "";
  if (/^(08|57P0[123])/.test(code) || SOCKET_CODES.has(code)) return true;
  if (/^[0-9A-Z]{5}$/.test(code)) return false;
  return /^Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly/i.test(err.message);
}

/** What {@link PgLink} says when PostgreSQL stops answering, and when it answers again. */
export interface PgLinkEvent {
  state: "lost" | "back";
  /** One line for the log: what happened and what to do. */
  message: string;
  /** lost: the first error's message. */
  error?: string;
  /** back: how long it was down, and the connection errors meanwhile (each pool's connections, requests, commits). */
  downS?: number;
  errors?: number;
}

/**
 * The server's link to PostgreSQL, as its pools see it. When the database restarts, every pooled
 * connection (three pools, the token cache's LISTEN) fails at once, and requests and commits fail
 * while it is down: each such error is counted here and the first one is said, once, with what to
 * do; while down it asks `probe` (a `SELECT 1`) every `probeMs`, and the first connection that
 * succeeds again (a pool's `connect`, a probe) ends it, said once with how long it lasted.
 */
export class PgLink {
  private down: { since: number; errors: number } | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  /** Connection errors since start (counted, not logged one by one). */
  errors = 0;
  /** Times the link was lost since start. */
  outages = 0;

  constructor(
    private readonly o: {
      url: string;
      notify: (event: PgLinkEvent) => void;
      probe: () => Promise<unknown>;
      now?: () => number;
      probeMs?: number;
    },
  ) {}

  /** Whether PostgreSQL answered last (true until a connection error). */
  get reachable(): boolean {
    return this.down === null;
  }

  /** A connection error: counted; the first of an outage is said. */
  lost(err: Error): void {
    this.errors++;
    if (this.down) {
      this.down.errors++;
      return;
    }
    this.down = { since: (this.o.now ?? Date.now)(), errors: 1 };
    this.outages++;
    this.o.notify({
      state: "lost",
      error: err.message,
      message:
        `PostgreSQL at ${withoutPassword(this.o.url)} does not answer (${err.message}): the server goes on and reconnects by itself; until then event commits wait ` +
        "(the broker delivers them again), requests that need the database answer 503 and GET /api/v1/health says degraded. Said once, and once when it answers again; " +
        "if it lasts, check that PostgreSQL runs there (systemctl status postgresql, its log) and that FOOTFALL_DATABASE_URL points at it",
    });
    this.timer = setInterval(() => {
      this.o.probe().then(
        () => this.ok(),
        (e: unknown) => (isConnectionLoss(e) ? this.lost(e as Error) : undefined),
      );
    }, this.o.probeMs ?? 2000);
    this.timer.unref();
  }

  /** A connection made, or a statement answered: ends an outage (said once). */
  ok(): void {
    const d = this.down;
    if (!d) return;
    this.down = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const downS = Math.round(((this.o.now ?? Date.now)() - d.since) / 1000);
    this.o.notify({
      state: "back",
      downS,
      errors: d.errors,
      message: `PostgreSQL at ${withoutPassword(this.o.url)} answers again after ${downS} s (${d.errors} connection error${d.errors === 1 ? "" : "s"} meanwhile, counted in footfall_database_connection_errors_total, not logged one by one)`,
    });
  }

  /** Stops probing (the storage closes). */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
