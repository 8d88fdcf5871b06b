/**
 * A chain server stopping while its bus's LISTEN connection is on a link that died silently (a firewall or NAT forgot it,
 * a cable cut; its check, every listenCheckMs, has not found it yet): the bus's close ends that connection politely,
 * which waits for PostgreSQL's answer on the dead link, so it did not return and the server's stop hung (until a
 * supervisor killed it). Real PostgreSQL (Debian's, started by the test) through a TCP relay that goes silent, as
 * bus-heartbeat.integration's.
 */
import { createConnection, createServer, type Server, type Socket } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../test/support/ports.js";
import { usePostgres } from "../../../test/support/postgres.js";
import { waitFor } from "../../../test/support/wait.js";
import { createLogger } from "../log.js";
import { ClusterBus } from "./bus.js";

const server = usePostgres();
const log = createLogger("silent");

let url: string;
let relay: Server;
let relayPort = 0;
/** Each relayed connection: the bus's side and PostgreSQL's, whether it has gone silent, and whether the bus's side ended. */
const pairs: { client: Socket; up: Socket; silent: boolean; ended: boolean }[] = [];

beforeAll(async () => {
  url = server.database("bus_close_dead");
  const pgPort = Number(new URL(url).port);
  // Half-open allowed: a silent link passes no FIN either (a socket ended by the bus is not answered by one).
  relay = createServer({ allowHalfOpen: true }, (client) => {
    const up = createConnection({ host: "127.0.0.1", port: pgPort });
    const pair = { client, up, silent: false, ended: false };
    pairs.push(pair);
    // Bytes pass while the link lives; once silent they are dropped both ways, the sockets left open (no FIN, no RST).
    client.on("data", (b: Buffer) => void (pair.silent || up.write(b)));
    up.on("data", (b: Buffer) => void (pair.silent || client.write(b)));
    up.on("error", () => client.destroy());
    client.on("error", () => up.destroy());
    up.on("close", () => client.destroy());
    client.on("close", () => up.destroy());
    client.on("end", () => {
      pair.ended = true;
      if (!pair.silent) client.end();
    });
  });
  relayPort = await freePort();
  await new Promise<void>((resolve) => relay.listen(relayPort, "127.0.0.1", resolve));
});
afterAll(async () => {
  for (const p of pairs) p.up.destroy();
  await new Promise<void>((resolve) => relay.close(() => resolve()));
});

describe("the chain bus closing on a link that died silently", () => {
  it("returns, its dead connection's socket closed", async () => {
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    const relayed = new URL(url);
    relayed.port = String(relayPort);
    let resyncs = 0;
    try {
      // Its check far off: the link dies between two checks.
      const bus = await ClusterBus.start(pool, {
        url: relayed.toString(),
        serverId: "a",
        log,
        listenCheckMs: 600_000,
        onLive: () => {},
        onLayout: () => {},
        onResync: () => void resyncs++,
      });
      const live = pairs.filter((p) => !p.client.destroyed);
      expect(live).toHaveLength(1);
      live[0]!.silent = true;
      // Old bus: close() waits on the dead link for ever (the test times out).
      await bus.close();
      // Its side of the link closed (the FIN the relay saw; nothing came back).
      await waitFor("the dead connection's socket closed", () => live[0]!.ended || undefined, { timeoutMs: 20_000 });
      expect(resyncs).toBe(0);
    } finally {
      await pool.end();
    }
  }, 60_000);
});
