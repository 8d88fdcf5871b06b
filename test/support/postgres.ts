import { spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { freePort } from "./ports.js";
import { findTool } from "./tools.js";
import { tempDir } from "./wait.js";

const INSTALL = "sudo apt-get update && sudo apt-get install -y postgresql";

/** Where Debian keeps a PostgreSQL server's binaries: the newest /usr/lib/postgresql/<major>/bin with initdb and pg_ctl. */
export function postgresBinDir(): string {
  const root = "/usr/lib/postgresql";
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((d) => /^\d+$/.test(d))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const major of majors) {
    const bin = join(root, major, "bin");
    if (["initdb", "pg_ctl", "postgres", "createdb"].every((f) => existsSync(join(bin, f)))) return bin;
  }
  throw new Error(
    `The tests need a PostgreSQL server (initdb, pg_ctl, postgres under /usr/lib/postgresql/<version>/bin), which is not installed. Install it with:\n\n    ${INSTALL}\n\n(.ci/run installs it on CI.)`,
  );
}

/** uid and gid of the `postgres` user (Debian's package creates it), or null when it does not exist. */
function postgresUser(): { uid: number; gid: number } | null {
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postgres:"));
  if (!line) return null;
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

/** Servers still running: stopped (immediately) when the test process exits, so a failed test leaves no postmaster behind. */
const running = new Set<Postgres>();
process.once("exit", () => {
  for (const pg of running) pg.stopNow();
});

let dbSeq = 0;

/**
 * A throwaway PostgreSQL server for one test file: Debian's `initdb` and `pg_ctl` in a temporary
 * folder, listening on a free port on 127.0.0.1 only, with `fsync` off (its data is thrown away),
 * trust authentication for the `footfall` superuser. PostgreSQL refuses to run as root: as root,
 * the folder belongs to the `postgres` user and every command runs through `runuser -u postgres`.
 *
 * `database()` makes a fresh database and returns its `postgres://` URL; `dispose()` stops the
 * server and removes its folder.
 */
export class Postgres {
  private stopped = false;
  private constructor(
    readonly port: number,
    private readonly bin: string,
    private readonly dir: { path: string; remove(): void },
    private readonly runAs: { uid: number; gid: number } | null,
  ) {}

  /** The superuser tests connect as. */
  static readonly USER = "footfall";

  static async start(): Promise<Postgres> {
    const bin = postgresBinDir();
    const root = process.getuid?.() === 0;
    let runAs: { uid: number; gid: number } | null = null;
    if (root) {
      runAs = postgresUser();
      if (!runAs)
        throw new Error(
          `PostgreSQL refuses to run as root and there is no "postgres" user to run it as. Install Debian's package, which creates it:\n\n    ${INSTALL}\n`,
        );
      if (!findTool("runuser"))
        throw new Error("The tests need `runuser` to start PostgreSQL as the postgres user. Install it with:\n\n    sudo apt-get install -y util-linux\n");
    }
    const dir = tempDir("footfall-pg-");
    const pg = new Postgres(await freePort(), bin, dir, runAs);
    try {
      pg.init();
      pg.launch();
    } catch (err) {
      pg.stopNow();
      dir.remove();
      throw err;
    }
    return pg;
  }

  private get dataDir(): string {
    return join(this.dir.path, "data");
  }
  private get logFile(): string {
    return join(this.dir.path, "postgres.log");
  }

  /** Runs one of PostgreSQL's programs (as the postgres user when we are root); throws with its output when it fails. */
  private exec(program: string, args: readonly string[], what: string): string {
    const file = join(this.bin, program);
    const [cmd, argv] = this.runAs ? [findTool("runuser")!, ["-u", "postgres", "--", file, ...args]] : [file, [...args]];
    const r = spawnSync(cmd, argv, { cwd: this.dir.path, encoding: "utf8", timeout: 60_000, env: { ...process.env, LC_ALL: "C.UTF-8", PGTZ: "UTC" } });
    if (r.status !== 0) {
      const log = existsSync(this.logFile) ? `\n--- postgres.log ---\n${readFileSync(this.logFile, "utf8").slice(-4000)}` : "";
      throw new Error(`${what} failed (${program} exited ${r.status ?? r.signal}${r.error ? `: ${r.error.message}` : ""}):\n${r.stderr}${r.stdout}${log}`);
    }
    return r.stdout;
  }

  private init(): void {
    mkdirSync(this.dataDir, { mode: 0o700 });
    if (this.runAs) {
      chownSync(this.dir.path, this.runAs.uid, this.runAs.gid);
      chownSync(this.dataDir, this.runAs.uid, this.runAs.gid);
    }
    this.exec("initdb", ["-D", this.dataDir, "-U", Postgres.USER, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"], "initdb");
  }

  private launch(): void {
    // Only 127.0.0.1, the socket in our folder (not /var/run/postgresql), nothing synced: it is thrown away.
    const options = [
      `-p ${this.port}`,
      "-c listen_addresses=127.0.0.1",
      `-k ${this.dir.path}`,
      "-c fsync=off",
      "-c synchronous_commit=off",
      "-c full_page_writes=off",
      "-c max_connections=200",
      "-c timezone=UTC",
    ].join(" ");
    this.exec("pg_ctl", ["-D", this.dataDir, "-l", this.logFile, "-o", options, "-w", "-t", "60", "start"], `starting PostgreSQL on port ${this.port}`);
    running.add(this);
    this.stopped = false;
  }

  /** `postgres://` URL of database `name` on this server. */
  url(name = "postgres"): string {
    return `postgres://${Postgres.USER}@127.0.0.1:${this.port}/${name}`;
  }

  /** A fresh, empty database; returns its URL. */
  database(prefix = "footfall_test"): string {
    const name = `${prefix}_${process.pid}_${++dbSeq}`;
    this.exec("createdb", ["-h", "127.0.0.1", "-p", String(this.port), "-U", Postgres.USER, name], `creating database ${name}`);
    return this.url(name);
  }

  /** The server's log (for a failing test's message). */
  log(): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, "utf8") : "";
  }

  /** Stops the server at once (`-m immediate`: no checkpoint; the data is thrown away anyway). Synchronous, for exit hooks. */
  stopNow(): void {
    if (this.stopped) return;
    this.stopped = true;
    running.delete(this);
    try {
      this.exec("pg_ctl", ["-D", this.dataDir, "-m", "immediate", "-w", "stop"], "stopping PostgreSQL");
    } catch {
      /* it was not running */
    }
  }

  /**
   * Stops the server as an operator's `systemctl stop postgresql` does (`pg_ctl stop -m fast`: every connection is
   * ended, its data kept); {@link startAgain} brings it back on the same port. Connections of the process under test
   * see their backends terminated, and new ones are refused until then.
   */
  stopFast(): void {
    this.exec("pg_ctl", ["-D", this.dataDir, "-m", "fast", "-w", "-t", "60", "stop"], "stopping PostgreSQL");
    running.delete(this);
  }

  /** Starts the server stopped by {@link stopFast} again, on the same port with the same data. */
  startAgain(): void {
    this.launch();
  }

  /** Stops the server and removes its folder. */
  async dispose(): Promise<void> {
    this.stopNow();
    rmSync(this.dir.path, { recursive: true, force: true });
  }
}

/** The PostgreSQL server of a test file (or of a describe block), from `usePostgres()`. */
export interface PostgresFixture {
  /** The running server (from the block's beforeAll on). */
  readonly server: Postgres;
  /** A fresh, empty database of the server; returns its `postgres://` URL. */
  database(prefix?: string): string;
  /** Runs `close` in the block's afterAll before the server stops (pools, storages opened on it); the last registered first. */
  onClose(close: () => unknown): void;
}

/**
 * The one way a test starts PostgreSQL: registers the block's beforeAll (start the throwaway server)
 * and afterAll (close what `onClose` was given, then stop the server and remove its folder). Call it
 * at the top level of a test file or of a describe block.
 */
export function usePostgres(opts: { timeoutMs?: number } = {}): PostgresFixture {
  let server: Postgres | undefined;
  const closers: (() => unknown)[] = [];
  beforeAll(async () => {
    server = await Postgres.start();
  }, opts.timeoutMs ?? 120_000);
  afterAll(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await server?.dispose();
  });
  return {
    get server() {
      if (!server) throw new Error("usePostgres(): the server starts in beforeAll; use it inside a hook or a test");
      return server;
    },
    database(prefix) {
      return this.server.database(prefix);
    },
    onClose(close) {
      closers.push(close);
    },
  };
}
