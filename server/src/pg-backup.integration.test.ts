/**
 * Backing up and restoring a PostgreSQL database as `footfall backup` tells IT to (it refuses on PostgreSQL and
 * names the commands): the commands of its message run as written with Debian's pg_dump and pg_restore, the dump
 * taken while a server runs on the database, restored into an empty one with the server stopped; a server on the
 * restored database answers every figure as before, the old tokens sign in, and it ingests on (new paths numbered
 * after the restored ones).
 */
import { execFile } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { EventFactory, smallLayout } from "../../test/support/fixtures.js";
import { startTestServer, type TestServer } from "../../test/support/in-process.js";
import { postgresBinDir, usePostgres } from "../../test/support/postgres.js";
import { tempDir } from "../../test/support/wait.js";
import { BackupError, refuseWithPostgres } from "./backup.js";

const HOUR = 3_600_000;

/** Runs `command` in a shell, as an operator pastes it, with Debian's PostgreSQL tools first on the PATH. */
function shell(command: string, cwd: string, env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile("sh", ["-c", command], { cwd, env: { ...process.env, PATH: `${postgresBinDir()}:${process.env.PATH ?? ""}`, ...env }, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

/** The message `footfall backup` and `restore` give on PostgreSQL. */
function refusal(databaseUrl: string): string {
  try {
    refuseWithPostgres({ FOOTFALL_DATABASE_URL: databaseUrl });
  } catch (err) {
    if (err instanceof BackupError) return err.message;
    throw err;
  }
  throw new Error("footfall backup did not refuse on PostgreSQL");
}

describe("a PostgreSQL database backed up and restored as footfall backup says", () => {
  const pg = usePostgres();
  const dir = tempDir("footfall-pg-backup-");
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
    dir.remove();
  });

  it("gives commands that, run as written, restore every figure, the tokens and further ingest", async () => {
    const source = pg.database("pg_backup_source");
    const t = await startTestServer({ config: { databaseUrl: source } });
    servers.push(t);
    await t.putLayout("shop", smallLayout());
    const base = Math.floor((Date.now() - 2 * 24 * HOUR) / HOUR) * HOUR;
    const f = new EventFactory("cam-1");
    const events = [];
    for (let i = 0; i < 30; i++) {
      const at = base + i * 240_000;
      events.push(...f.visit(`v${i}`, "entrance", at, 20_000), ...f.visit(`v${i}`, "fruit", at + 30_000, 60_000 + i * 3_000));
      if (i % 3 === 0) events.push(...f.visit(`v${i}`, "bakery", at + 100_000 + i * 3_000, 45_000));
      if (i % 2 === 0) events.push(...f.visit(`v${i}`, "checkout", at + 200_000 + i * 3_000, 30_000));
    }
    events.push(f.enter("still-in", "fruit", Date.now() - 60_000));
    await t.ingest("shop", "cam-1", events);
    const viewer = await t.token("viewer", "shop");
    const range = `from=${new Date(base).toISOString()}&to=${new Date(base + 3 * HOUR).toISOString()}`;
    const figures = async (s: TestServer, token: string) => {
      const out: Record<string, unknown> = {};
      for (const path of [`traffic?${range}&bucket=hour`, `dwell?${range}`, `paths?${range}`, `counts?${range}&interval=15m`, `funnel?${range}&steps=fruit,checkout`, "layout"]) {
        const res = await s.get(`/api/v1/stores/shop/${path}`, token);
        expect(res.status, `${path}: ${res.text}`).toBe(200);
        out[path] = res.body;
      }
      const occupancy = await s.get<{ total: number; zones: { zone: string; occupancy: number }[] }>("/api/v1/stores/shop/occupancy", token);
      out.occupancy = { total: occupancy.body.total, zones: occupancy.body.zones.map((z) => [z.zone, z.occupancy]) };
      return out;
    };
    const before = await figures(t, t.admin);
    expect((before[`paths?${range}`] as { trips: number }).trips).toBe(30);

    const message = refusal(source);
    const dump = /pg_dump -[^;]*?"\$FOOTFALL_DATABASE_URL"/.exec(message)?.[0];
    const restore = /pg_restore -[^,;]*? footfall\.dump/.exec(message)?.[0];
    expect(dump, `no pg_dump command to run in: ${message}`).toBeDefined();
    expect(restore, `no pg_restore command to run in: ${message}`).toBeDefined();
    expect(restore).toContain("<URL of the empty database>");

    // The dump while the server runs; the restore with it stopped, into an empty database.
    const dumped = await shell(dump!, dir.path, { FOOTFALL_DATABASE_URL: source });
    expect(dumped.code, dumped.out).toBe(0);
    await t.close();
    servers.pop();
    const target = pg.database("pg_backup_restored");
    const restored = await shell(restore!.replace("<URL of the empty database>", target), dir.path, {});
    expect(restored.code, restored.out).toBe(0);

    const r = await startTestServer({ config: { databaseUrl: target } });
    servers.push(r);
    expect(await figures(r, t.admin)).toEqual(before);
    expect((await r.get(`/api/v1/stores/shop/traffic?${range}`, viewer)).status).toBe(200);
    // It ingests on: a new trip's path is numbered after the restored ones and counted with them.
    const g = new EventFactory("cam-1", "after");
    await r.ingest("shop", "cam-1", [...g.visit("late", "entrance", base + 2 * HOUR + 1_000, 10_000), ...g.visit("late", "bakery", base + 2 * HOUR + 20_000, 10_000)]);
    const paths = await r.get<{ trips: number; paths: { zones: string[]; count: number }[] }>(`/api/v1/stores/shop/paths?${range}`, viewer);
    expect(paths.body.trips).toBe(31);
    expect(paths.body.paths).toContainEqual({ zones: ["entrance", "bakery"], count: 1 });
  }, 180_000);
});
