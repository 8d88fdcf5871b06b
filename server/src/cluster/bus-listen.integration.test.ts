/**
 * The chain bus's LISTEN connection (cluster/bus.ts) on a real PostgreSQL (Debian's, started by the test), reached
 * through a TCP relay the test can hold: a server closing while its LISTEN connection was being made again (PostgreSQL
 * restarted, the server stopped meanwhile) ends that connection when it comes. Before, it was kept, listening for
 * nobody after the close: a PostgreSQL connection left open, which holds the process open, and the resync run after
 * the close. And a connection made whose LISTEN then fails (its answer held by the relay past pg's query_timeout) is
 * ended, and the bus tries again; before, it stayed open, its backend listening for nobody.
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
/** While true, a new connection is passed until PostgreSQL is ready for its first query, then its answers are held. */
let mute = false;
/** PostgreSQL's ReadyForQuery (idle): the connection is made. */
const READY = Buffer.from([0x5a, 0, 0, 0, 5, 0x49]);

beforeAll(async () => {
  url = server.database("bus_listen");
  const pgPort = Number(new URL(url).port);
  relay = createServer((client) => {
    const pass = () => {
      const up = createConnection({ host: "127.0.0.1", port: pgPort });
      upstreams.push(up);
      client.pipe(up);
      if (mute) {
        let seen = Buffer.alloc(0);
        let ready = false;
        up.on("data", (chunk: Buffer) => {
          if (ready) return;
          seen = Buffer.concat([seen, chunk]);
          client.write(chunk);
          ready = seen.includes(READY);
        });
      } else up.pipe(client);
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

  it("connected but its LISTEN failed (timed out): that connection is ended and the bus tries again", async () => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    const listening = async () => (await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = 'footfall-listen'")).rows.map((r) => r.pid);
    let bus: ClusterBus | undefined;
    try {
      const relayed = new URL(url);
      relayed.port = String(relayPort);
      // pg's client-side read timeout: a LISTEN whose answer does not come in 1 s fails, its connection made.
      relayed.searchParams.set("query_timeout", "1000");
      let resyncs = 0;
      bus = await ClusterBus.start(pool, { url: relayed.toString(), serverId: "b", log, onLive: () => {}, onLayout: () => {}, onResync: () => void resyncs++ });
      const first = await listening();
      expect(first).toHaveLength(1);

      // Its connection cut; the next one is made, but the answer to its LISTEN is held by the relay: it fails.
      mute = true;
      const before = upstreams.length;
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'footfall-listen'");
      await waitFor("the bus connecting again", () => upstreams.length > before || undefined, { timeoutMs: 20_000 });
      mute = false;
      const failed = upstreams[before]!;
      // That connection is ended (old code: kept open, its backend listening for nobody, one more at each failed try)...
      await waitFor("the connection whose LISTEN failed ended", () => failed.closed || undefined, { timeoutMs: 20_000 });
      // ...and the bus tries again: one LISTEN connection, a new one, and a resync.
      await waitFor("listening again", async () => resyncs > 0 || undefined, { timeoutMs: 20_000 });
      await waitFor("one LISTEN backend", async () => (await listening()).length === 1 || undefined, { timeoutMs: 20_000 });
      const now = await listening();
      expect(now).not.toEqual(first);
      expect(upstreams.slice(before).filter((s) => !s.closed)).toHaveLength(1);
    } finally {
      await bus?.close();
      await pool.end();
      await admin.end();
    }
  }, 60_000);
});
