/**
 * GET /api/v1/health while the database does not answer because PostgreSQL restarts: the storage says that once (its
 * line says health is degraded too) and once when it answers again, so health's own 'health: degraded' and 'health: ok
 * again' lines are not written for it (they were: the same cause said twice). Any other cause is still said.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { useTestServer } from "../../../test/support/in-process.js";

const t = useTestServer({ stores: ["shop"] });

afterEach(() => vi.restoreAllMocks());

describe("GET /api/v1/health while PostgreSQL does not answer", () => {
  it("answers 503 degraded and leaves the log line to the storage's outage line, its end too", async () => {
    const { services } = t.server;
    const storage = services.storage as typeof services.storage & { connectionLost?: (err: unknown) => boolean };
    const down = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    const said: string[] = [];
    vi.spyOn(services.log, "warn").mockImplementation(((_f: unknown, msg: string) => void said.push(msg)) as never);
    vi.spyOn(services.log, "info").mockImplementation(((_f: unknown, msg: string) => void said.push(msg)) as never);
    const ping = vi.spyOn(storage, "ping").mockRejectedValue(down);
    const lost: unknown[] = [];
    storage.connectionLost = (err) => (lost.push(err), err === down);
    try {
      for (let i = 0; i < 3; i++) {
        const res = await t.get("/api/v1/health", null);
        expect(res.status).toBe(503);
        expect(res.body).toMatchObject({ status: "degraded", db: "error", error: "the database does not answer: connect ECONNREFUSED 127.0.0.1:5432" });
      }
      ping.mockRestore();
      expect((await t.get("/api/v1/health", null)).status).toBe(200);
      expect(said.filter((m) => m.startsWith("health:"))).toEqual([]);
      expect(lost).toEqual([down, down, down]); // counted by the storage, as each request's

      // Another failure of the database (SQLite's disk, a query): said once, and its end.
      vi.spyOn(storage, "ping").mockRejectedValue(new Error("SQLITE_IOERR: disk I/O error"));
      await t.get("/api/v1/health", null);
      await t.get("/api/v1/health", null);
      vi.mocked(storage.ping).mockRestore();
      await t.get("/api/v1/health", null);
      expect(said.filter((m) => m.startsWith("health:")).map((m) => m.replace(/,.*/, ""))).toEqual(["health: degraded", "health: ok again"]);
    } finally {
      delete storage.connectionLost;
    }
  });
});
