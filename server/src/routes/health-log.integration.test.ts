/**
 * A load balancer (HAProxy's check every 2 s) or an orchestrator asks GET /api/v1/health every few seconds. While the
 * server is degraded, its log says so once, and once more when it is ok again: not an error line "request failed" at
 * every check (an hour's broker outage made 1,800 of them behind HAProxy alone). Real server (embedded Aedes, SQLite),
 * its own JSON log read back; the broker link is reported down as a split chain server's front reports its worker's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../server.js";
import { logLines } from "../../../test/support/log-lines.js";
import { tempDir } from "../../../test/support/wait.js";
import { localServerConfig } from "../../../test/support/in-process.js";

describe("the health check's log while the server is degraded", () => {
  const dir = tempDir("footfall-health-log-");
  const captured = logLines("info");
  const lines = captured.lines;
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer(
      localServerConfig(dir.path, { httpPort: 19532, mqttPort: 19533 }),
      { log: captured.log, uiDir: null },
    );
  });
  afterAll(async () => {
    await server?.close();
    dir.remove();
  });

  const health = async () => {
    const res = await fetch(`${server.httpUrl}/api/v1/health`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it("says degraded once over many checks, with what fails, and ok again once", async () => {
    expect((await health()).status).toBe(200);
    const services = server.services;
    const from = lines.length;
    services.mqttConnected = () => false;
    try {
      for (let i = 0; i < 5; i++) expect(await health()).toEqual({ status: 503, body: { status: "degraded", mqtt: "disconnected", db: "ok" } });
    } finally {
      delete services.mqttConnected;
    }
    expect((await health()).status).toBe(200);
    expect((await health()).status).toBe(200);
    const said = lines.slice(from).map((l) => ({ level: l.level, msg: l.msg, mqtt: l.mqtt, db: l.db }));
    expect(said).toEqual([
      { level: 40, msg: "health: degraded, GET /api/v1/health answers 503 until it is mended (said again when it changes or is ok)", mqtt: "disconnected", db: "ok" },
      { level: 30, msg: "health: ok again", mqtt: undefined, db: undefined },
    ]);
  });
});
