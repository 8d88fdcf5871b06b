/**
 * The chain bus's LISTEN connection (cluster/bus.ts) on a real PostgreSQL (Debian's, started by the test), reached
 * through a TCP relay the test can hold: a server closing while its LISTEN connection was being made again (PostgreSQL
 * restarted, the server stopped meanwhile) ends that connection when it comes. Before, it was kept, listening for
 * nobody after the close: a PostgreSQL connection left open, which holds the process open, and the resync run after
 * the close.
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
/** The relay's port. */
let relayPort = 0;

let url: string;
let relay: Server;
/** While true, a new connection to the relay waits (not yet passed to PostgreSQL). */
let hold = false;
const waiting: (() => void)[] = [];
/** The relayed connections' PostgreSQL side, each closed or not. */
const upstreams: Socket[] = [];

beforeAll(async () => {
  url = server.database("bus_listen");
  const pgPort = Number(new URL(url).port);
  relay = createServer((client) => {
    const pass = () => {
      const up = createConnection({ host: "127.0.0.1", port: pgPort });
      upstreams.push(up);
      client.pipe(up).pipe(client);
      up.on("error", () => client.destroy());
      client.on("error", () => up.destroy());
      up.on("close", () => client.destroy());
      client.on("close", () => up.destroy());
    };
    if (hold) waiting.push(pass);
    else pass();
  });
  relayPort = await freePort();
  await new Promise<void>((resolve) => relay.listen(relayPort, "127.0.0.1", resolve));
});
afterAll(async () => {
  for (const s of upstreams) s.destroy();
  await new Promise<void>((resolve) => relay.close(() => resolve()));
});

describe("the chain bus's LISTEN connection", () => {
  it("made again while the bus closes is ended when it comes, not kept listening after the close", async () => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      const relayed = new URL(url);
      relayed.port = String(relayPort);
      let resyncs = 0;
      const bus = await ClusterBus.start(pool, { url: relayed.toString(), serverId: "a", log, onLive: () => {}, onLayout: () => {}, onResync: () => void resyncs++ });
      const listening = async () => (await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = 'footfall-listen'")).rows.map((r) => r.pid);
      expect(await listening()).toHaveLength(1);

      // Its connection cut (as a PostgreSQL restart cuts it); the relay holds the next one while the bus closes.
      hold = true;
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'footfall-listen'");
      await waitFor("the bus connecting again", () => waiting.length > 0 || undefined, { timeoutMs: 20_000 });
      await bus.close();
      hold = false;
      for (const pass of waiting.splice(0)) pass();

      // The connection made again reaches PostgreSQL, and is ended: its relayed socket closes.
      const again = upstreams.at(-1)!;
      await waitFor("the connection made again ended after the close", () => again.closed || undefined, { timeoutMs: 20_000 });
      expect(await listening()).toEqual([]);
      expect(resyncs).toBe(0);
    } finally {
      await pool.end();
      await admin.end();
    }
  }, 60_000);
});
