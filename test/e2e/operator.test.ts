/**
 * What an operator meets: `footfall serve` on a data folder it cannot use (read-only, missing and
 * uncreatable, a full disk, a damaged or locked database) says so in one line and exits non-zero;
 * the database and its folder are private to the server's user; /api/v1/health says degraded while
 * commits fail (a disk that fills up under a running server) and ok again after a success; the
 * Prometheus metrics are on a listener of their own.
 *
 * Read-only and full disks are real: a tmpfs mounted (read-only, or 1 MiB and filled) in a mount
 * namespace of the server's own (`unshare -rm`), so the tests need neither root nor to change the
 * machine, and root (who writes through chmod) cannot cheat them.
 */
import Database from "better-sqlite3";
import { chmodSync, closeSync, mkdirSync, openSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topics } from "@footfall/core";
import {
  addToken,
  batchJson,
  Child,
  connectMqtt,
  EventFactory,
  FOOTFALL_CLI,
  FootfallApi,
  freePort,
  metricValue,
  REPO_ROOT,
  requireBuilt,
  requireTool,
  run,
  ServerProcess,
  smallLayout,
  tempDir,
  waitFor,
} from "../support/index.js";

/** `footfall serve` until it exits (it should fail), on ports the system picks. */
function serveOnce(dataDir: string, launcher: readonly string[] = []) {
  const cmd = [...launcher, process.execPath, requireBuilt(FOOTFALL_CLI), "serve"];
  return run(cmd[0]!, cmd.slice(1), { dataDir, env: { FOOTFALL_HTTP_PORT: "0", FOOTFALL_MQTT_PORT: "0", FOOTFALL_METRICS_PORT: "0" }, timeoutMs: 30_000 });
}

/** Runs the rest of the command with a tmpfs (`options`, e.g. "ro,size=1M") mounted on `dir`, in a mount namespace of its own. */
function withTmpfs(dir: string, options: string, before = ""): string[] {
  const unshare = requireTool("unshare");
  return [unshare, "-rm", "--propagation", "private", "sh", "-c", `mount -t tmpfs -o ${options} tmpfs "$0" && ${before} exec "$@"`, dir];
}

/** The process exited non-zero with exactly one line on stderr, no stack trace, matching `what`. */
function expectOneLine(r: { code: number; stdout: string; stderr: string }, what: RegExp) {
  expect(r.code, r.stderr).not.toBe(0);
  const lines = r.stderr.trim().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^footfall: /);
  expect(lines[0]).toMatch(what);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe("footfall serve on a data folder it cannot use", () => {
  const dir = tempDir("footfall-operator-");
  afterAll(() => dir.remove());

  it("says a part of the path is a file (a missing folder that cannot be created)", async () => {
    writeFileSync(join(dir.path, "a-file"), "");
    expectOneLine(await serveOnce(join(dir.path, "a-file", "data")), /cannot create the data folder .*a part of its path is a file.*Set FOOTFALL_DATA_DIR/);
  });

  it("says the data folder is a file", async () => {
    writeFileSync(join(dir.path, "not-a-folder"), "");
    expectOneLine(await serveOnce(join(dir.path, "not-a-folder")), /is a file, not a folder: set FOOTFALL_DATA_DIR/);
  });

  it("says a folder cannot be created where the system holds none (/proc), without hanging", async () => {
    expectOneLine(await serveOnce("/proc/footfall-data"), /cannot create the data folder \/proc\/footfall-data.*Set FOOTFALL_DATA_DIR/);
  });

  it("says the data folder is read-only (a read-only file system)", async () => {
    const ro = join(dir.path, "ro");
    mkdirSync(ro);
    expectOneLine(await serveOnce(ro, withTmpfs(ro, "ro,size=1M")), /cannot write to the data folder .*read-only file system \(EROFS\).*remount it read-write/);
  });

  it("says a missing data folder on a read-only file system cannot be created", async () => {
    const ro = join(dir.path, "ro2");
    mkdirSync(ro);
    expectOneLine(await serveOnce(join(ro, "data"), withTmpfs(ro, "ro,size=1M")), /cannot create the data folder .*read-only file system \(EROFS\)/);
  });

  it("says the disk is full at start", async () => {
    const full = join(dir.path, "full");
    mkdirSync(full);
    const fill = `head -c 2M /dev/zero > "$0/fill" 2>/dev/null;`;
    expectOneLine(await serveOnce(join(full, "data"), withTmpfs(full, "size=1M", fill)), /the disk holding .* is full \(0 KiB free\): free some space/);
  });

  it("says the database is damaged, and leaves it as it was", async () => {
    const bad = join(dir.path, "damaged");
    mkdirSync(bad);
    const junk = Buffer.concat([Buffer.from("SQLite format 3\0"), Buffer.alloc(8192, 0xab)]);
    writeFileSync(join(bad, "footfall.db"), junk);
    expectOneLine(await serveOnce(bad), /footfall\.db is not a SQLite database, or is damaged .*restore it from a backup/);
    expect(statSync(join(bad, "footfall.db")).size).toBe(junk.length);
  });

  it("says the database is locked by another process", async () => {
    const locked = join(dir.path, "locked");
    mkdirSync(locked);
    const holder = new Database(join(locked, "footfall.db"));
    try {
      holder.pragma("locking_mode = EXCLUSIVE");
      holder.exec("CREATE TABLE held (x); BEGIN EXCLUSIVE; INSERT INTO held VALUES (1);");
      expectOneLine(await serveOnce(locked), /is locked by another process .*another footfall server using this FOOTFALL_DATA_DIR/);
    } finally {
      holder.close();
    }
  });

  it("says the HTTP port is taken, naming the variable that moves it", async () => {
    const server = await ServerProcess.start();
    try {
      const r = await run(process.execPath, [FOOTFALL_CLI, "serve"], { dataDir: join(dir.path, "port"), env: { FOOTFALL_HTTP_PORT: String(server.httpPort), FOOTFALL_MQTT_PORT: "0", FOOTFALL_METRICS_PORT: "0" } });
      expectOneLine(r, /port .*:\d+ is already in use \(EADDRINUSE\).*FOOTFALL_HTTP_PORT/);
    } finally {
      await server.dispose();
    }
  });

  it("says a listen address that does not resolve, or is not this machine's, naming the variable that sets it", async () => {
    const serveOn = (env: Record<string, string>) =>
      run(process.execPath, [FOOTFALL_CLI, "serve"], { dataDir: join(dir.path, "host"), env: { FOOTFALL_HTTP_PORT: "0", FOOTFALL_MQTT_PORT: "0", FOOTFALL_METRICS_PORT: "0", ...env }, timeoutMs: 30_000 });
    // A host name no resolver knows (RFC 2606's .invalid): before, `footfall: getaddrinfo ENOTFOUND footfall-shop.invalid`.
    expectOneLine(await serveOn({ FOOTFALL_HTTP_HOST: "footfall-shop.invalid" }), /cannot listen on "footfall-shop\.invalid" \(FOOTFALL_HTTP_HOST\).*set FOOTFALL_HTTP_HOST to an address of this machine/);
    expectOneLine(await serveOn({ FOOTFALL_MQTT_HOST: "footfall-shop.invalid" }), /cannot listen on "footfall-shop\.invalid" \(FOOTFALL_MQTT_HOST\)/);
    // An address of another machine (TEST-NET-1): before, "check the *_HOST settings".
    expectOneLine(await serveOn({ FOOTFALL_METRICS_HOST: "192.0.2.1" }), /cannot listen on 192\.0\.2\.1 \(EADDRNOTAVAIL\).*set FOOTFALL_METRICS_HOST to one of its own/);
  });
});

describe("privacy at rest", () => {
  it("creates the data folder 0700 and the database, its -wal and -shm 0600", async () => {
    const parent = tempDir("footfall-private-");
    const server = await ServerProcess.start({ dataDir: join(parent.path, "new", "data") });
    try {
      const admin = new FootfallApi(server.httpUrl, await addToken(server.dataDir, "admin"));
      await admin.putLayout("shop", smallLayout());
      const mode = (f: string) => (statSync(f).mode & 0o777).toString(8);
      expect(mode(server.dataDir)).toBe("700");
      expect(mode(join(parent.path, "new"))).toBe("700");
      for (const f of ["footfall.db", "footfall.db-wal", "footfall.db-shm"]) expect(mode(join(server.dataDir, f)), f).toBe("600");
    } finally {
      await server.dispose();
      parent.remove();
    }
  });

  it("takes group and other access away from a database an older version left readable", async () => {
    const dir = tempDir("footfall-private-old-");
    try {
      const file = join(dir.path, "footfall.db");
      new Database(file).close();
      chmodSync(file, 0o644);
      await addToken(dir.path, "viewer");
      expect((statSync(file).mode & 0o777).toString(8)).toBe("600");
    } finally {
      dir.remove();
    }
  });
});

describe("/api/v1/health and /metrics while the disk fills up under a running server", () => {
  let server: ServerProcess;
  let root: string;
  let api: FootfallApi;
  /** `footfall <args>` inside the server's namespaces, where its data folder is its tmpfs (SQLite would resolve /proc/PID/root away). */
  const footfallThere = async <T>(args: string[]): Promise<T> => {
    const r = await run(requireTool("nsenter"), ["-t", String(server.pid), "-U", "-m", "--preserve-credentials", process.execPath, FOOTFALL_CLI, ...args], { dataDir: server.dataDir });
    if (r.code !== 0) throw new Error(`footfall ${args.join(" ")}: ${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  };
  beforeAll(async () => {
    const dataDir = tempDir("footfall-fills-");
    server = await ServerProcess.start({ dataDir: dataDir.path, launcher: withTmpfs(dataDir.path, "size=8M") });
    // The server's tmpfs seen from outside its mount namespace, to fill it.
    root = `/proc/${server.pid}/root${server.dataDir}`;
    api = new FootfallApi(server.httpUrl, (await footfallThere<{ token: string }>(["token", "add", "--role", "admin"])).token);
    await api.putLayout("shop", smallLayout());
  });
  afterAll(() => server?.dispose());

  const fillPath = () => join(root, "fill");
  /** Writes until the disk is full. */
  const fillDisk = () => {
    const fd = openSync(fillPath(), "w");
    const chunk = Buffer.alloc(64 * 1024);
    try {
      for (;;) writeSync(fd, chunk);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
    } finally {
      closeSync(fd);
    }
  };

  it("says degraded (db failing, with the reason) and counts the failed commits while events cannot be stored, and ok after the next commit", async () => {
    const creds = await footfallThere<{ username: string; password: string }>(["agent", "add", "door-1", "--store", "shop", "--kind", "door"]);
    const f = new EventFactory("door-1");
    const publish = async (n: number) => {
      const client = await connectMqtt({ url: server.mqttUrl, ...creds }, { reconnectPeriod: 0 });
      const events = Array.from({ length: n }, () => f.count("entrance", Date.now() - 1000, 1, 0));
      client.publish(topics.events("shop", "door-1"), batchJson("door-1", events), { qos: 1 });
      await new Promise((r) => setTimeout(r, 300));
      client.end(true);
    };
    await publish(1);
    await waitFor("the first event stored", async () => (await api.agents("shop")).agents.find((a) => a.events === 1));
    expect((await api.request("GET", "/api/v1/health")).status).toBe(200);

    fillDisk();
    const degraded = await waitFor(
      "health to say degraded",
      async () => {
        await publish(500);
        const h = await api.request<{ status: string; db: string; error?: string }>("GET", "/api/v1/health");
        return h.status === 503 && h.body;
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    expect(degraded).toMatchObject({ status: "degraded", mqtt: "connected", db: "failing", error: expect.stringMatching(/event commits fail since .*full/) });
    const metrics = await (await fetch(server.metricsUrl)).text();
    expect(metricValue(metrics, "footfall_commit_failures_total")).toBeGreaterThan(0);
    expect(metricValue(metrics, "footfall_commit_failing")).toBe(1);

    rmSync(fillPath());
    await waitFor(
      "health to say ok after a commit",
      async () => {
        await publish(1);
        return (await api.request("GET", "/api/v1/health")).status === 200;
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    expect(await api.health()).toEqual({ status: "ok", mqtt: "connected", db: "ok" });
    expect(metricValue(await (await fetch(server.metricsUrl)).text(), "footfall_commit_failing")).toBe(0);
  });
});

describe("the metrics listener", () => {
  it("serves Prometheus on its own port without a token, and /metrics on the API port only to an admin", async () => {
    const server = await ServerProcess.start();
    try {
      const scrape = await fetch(server.metricsUrl);
      expect(scrape.status).toBe(200);
      expect(await scrape.text()).toContain("# TYPE footfall_events_accepted_total counter");
      expect((await fetch(`${server.httpUrl}/metrics`)).status).toBe(401);
      const admin = new FootfallApi(server.httpUrl, await addToken(server.dataDir, "admin"));
      expect(await admin.metrics()).toContain("footfall_mqtt_connected 1");
    } finally {
      await server.dispose();
    }
  });

  it("listens on 127.0.0.1 by default, not on every address", async () => {
    const dir = tempDir("footfall-metrics-host-");
    const port = await freePort();
    const child = new Child("footfall serve", process.execPath, [requireBuilt(FOOTFALL_CLI), "serve"], {
      cwd: REPO_ROOT,
      env: { ...process.env, FOOTFALL_DATA_DIR: dir.path, FOOTFALL_HTTP_PORT: "0", FOOTFALL_MQTT_PORT: "0", FOOTFALL_METRICS_PORT: String(port), FOOTFALL_METRICS_HOST: "", FOOTFALL_LOG_LEVEL: "info" },
    });
    try {
      const line = await waitFor("the ready line", () => /"metrics":"([^"]+)"/.exec(child.output())?.[1], { timeoutMs: 20_000 });
      expect(line).toBe(`http://127.0.0.1:${port}/metrics`);
      expect((await fetch(line)).status).toBe(200);
    } finally {
      await child.stop("SIGTERM");
      dir.remove();
    }
  });
});
