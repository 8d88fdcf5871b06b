/**
 * An error no code meant (a bug, a database fault) answers 500 with what to do and a request id, never its
 * internals (SQL, driver codes, paths), and the server's log holds the error in full under that id. The fault is
 * injected into the real server's storage: a read that throws as a broken SQLite file would.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../server.js";
import { logLines } from "../../../test/support/log-lines.js";
import { tempDir } from "../../../test/support/wait.js";
import { localServerConfig } from "../../../test/support/in-process.js";

describe("an unexpected error in a request", () => {
  const dir = tempDir("footfall-internal-error-");
  const captured = logLines("info");
  const lines = captured.lines;
  let server: RunningServer;
  let token: string;
  beforeAll(async () => {
    server = await startServer(
      localServerConfig(dir.path),
      { log: captured.log, uiDir: null },
    );
    token = (await server.services.storage.tokens.create("admin", null, Date.now())).token;
  });
  afterAll(async () => {
    await server?.close();
    dir.remove();
  });

  it("answers 500 saying what to do, with a request id the log holds the error under, and no internals", async () => {
    const storage = server.services.storage;
    const list = storage.stores.list.bind(storage.stores);
    storage.stores.list = () => Promise.reject(Object.assign(new Error("SQLITE_CORRUPT: database disk image is malformed (SELECT id FROM stores)"), { code: "SQLITE_CORRUPT" }));
    try {
      const res = await server.app.inject({ method: "GET", url: "/api/v1/stores", headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(500);
      const body = res.json() as { message: string; code?: string };
      expect(body.message).toMatch(/^the server could not answer this request: an unexpected error, logged with request id (\S+)\. Try again/);
      expect(res.body).not.toMatch(/SQLITE|SELECT|malformed/);
      expect(body.code).toBeUndefined();
      const id = /request id (\S+)\./.exec(body.message)![1];
      const logged = lines.find((l) => l.reqId === id && l.msg === "request failed: unexpected error");
      expect(logged, "the log line of that request").toBeDefined();
      expect(JSON.stringify(logged!.err)).toContain("SQLITE_CORRUPT: database disk image is malformed");
    } finally {
      storage.stores.list = list;
    }
    // The server goes on answering.
    expect((await server.app.inject({ method: "GET", url: "/api/v1/stores", headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);
  });

  it("keeps the message of an error the code meant (a 4xx, a 503 saying what to do)", async () => {
    const res = await server.app.inject({ method: "GET", url: "/api/v1/stores/nowhere/traffic", headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(404);
    expect((res.json() as { message: string }).message).not.toMatch(/unexpected error/);
  });
});
