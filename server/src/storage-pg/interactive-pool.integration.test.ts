/**
 * A server on PostgreSQL answers HTTP requests and live clients from a pool of their own
 * (../storage/interactive.ts): while background reads (retained MQTT figures, alert evaluation,
 * stores opened for ingest: the read pool) hold every read connection, a query, /health and a
 * tablet's join are still answered (issue 12: query latency while a chain server ingests).
 */
import pg from "pg";
import { io } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Postgres } from "../../../test/support/postgres.js";
import { smallLayout } from "../../../test/support/fixtures.js";
import { localServerConfig } from "../../../test/support/in-process.js";
import { tempDir } from "../../../test/support/wait.js";
import { createLogger } from "../log.js";
import { startServer, type RunningServer } from "../server.js";

let db: Postgres;
let server: RunningServer;
let url: string;
const dir = tempDir("footfall-interactive-");
beforeAll(async () => {
  db = await Postgres.start();
  url = db.database("footfall_interactive");
  server = await startServer(
    localServerConfig(dir.path, { databaseUrl: url }),
    { log: createLogger("silent"), uiDir: null },
  );
}, 120_000);
afterAll(async () => {
  await server?.close();
  await db?.dispose();
  dir.remove();
});

describe("HTTP requests and live clients on a pool of their own (PostgreSQL)", () => {
  it("answers a query, /health and a tablet's join while background reads hold every read connection", async () => {
    const { storage } = server.services;
    const admin = await storage.tokens.add("admin", null, Date.now());
    const staff = await storage.tokens.add("staff", null, Date.now());
    const put = await fetch(`${server.httpUrl}/api/v1/stores/shop/layout`, {
      method: "PUT",
      headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
      body: JSON.stringify(smallLayout()),
    });
    expect(put.status).toBe(200);
    // Warm the token cache and the store's layouts, as a running server has them.
    expect((await fetch(`${server.httpUrl}/api/v1/stores/shop/dwell`, { headers: { authorization: `Bearer ${admin}` } })).status).toBe(200);

    // Another session locks the groups table; background reads of it (this test is not a request) take every
    // connection of the read pool (5) and wait there, with more queued behind them.
    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    await locker.query("BEGIN");
    await locker.query("LOCK TABLE store_groups IN ACCESS EXCLUSIVE MODE");
    const background = Array.from({ length: 8 }, () => storage.groups.list());
    const pg_ = storage as unknown as { poolStats(): Record<string, { total: number; idle: number; waiting: number }> };
    // (The server's own background reads, e.g. alert evaluation, may queue there too.)
    await expect.poll(() => pg_.poolStats().read!.waiting, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    try {
      const health = await fetch(`${server.httpUrl}/api/v1/health`);
      expect(health.status).toBe(200);
      const dwell = await fetch(`${server.httpUrl}/api/v1/stores/shop/dwell`, { headers: { authorization: `Bearer ${admin}` } });
      expect(dwell.status).toBe(200);
      expect(await dwell.json()).toHaveProperty("zones");

      // A tablet connecting (or reconnecting after its server died) gets the store's occupancy at once.
      const tablet = io(server.httpUrl, { transports: ["websocket"], auth: { token: staff }, reconnection: false });
      try {
        const first = new Promise<{ zones: unknown[] }>((resolve) => tablet.once("occupancy", resolve));
        await new Promise<void>((resolve, reject) => {
          tablet.once("connect", resolve);
          tablet.once("connect_error", reject);
        });
        const ack = await new Promise<{ ok: boolean }>((resolve) => tablet.emit("join", "shop", resolve));
        expect(ack).toEqual({ ok: true });
        expect((await first).zones.length).toBeGreaterThan(0);
      } finally {
        tablet.close();
      }
      // The background reads are still waiting for the lock: they were never ahead of the requests.
      expect(pg_.poolStats().read!.waiting).toBeGreaterThanOrEqual(3);
    } finally {
      await locker.query("COMMIT");
      await locker.end();
    }
    expect((await Promise.all(background)).every((g) => Array.isArray(g))).toBe(true);
  }, 60_000);
});
