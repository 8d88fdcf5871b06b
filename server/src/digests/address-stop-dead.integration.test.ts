/**
 * A server stopping while its PostgreSQL link has died silently (a firewall or NAT forgot it, a cable cut: no FIN, no RST)
 * stops: the address note's stop removes its row with a query that no answer ever comes to, which held the server's stop
 * for ever. Real PostgreSQL (Debian's, started by the test) through a TCP relay that goes silent, as
 * cluster/bus-close-dead.integration's. And after more than two of its 30-s writes on such a link (the interval is 1 s
 * here): one write at a time, each bounded, so the stop waits for one, not for writes queued behind a dead one.
 */
import pg from "pg";
import { describe, expect, it } from "vitest";
import { usePostgres } from "../../../test/support/postgres.js";
import { useSilentRelay } from "../../../test/support/silent-relay.js";
import { PoolSockets } from "../storage-pg/stop-within.js";
import { noteServerAddress, SERVER_ADDRESSES_PG_SQL } from "./addresses.js";

const server = usePostgres();

// A silent link passes no FIN either. The table is made directly, before the relay starts.
const relay = useSilentRelay(server, "address_stop_dead", {
  prepare: async (url) => {
    const direct = new pg.Client({ connectionString: url });
    await direct.connect();
    await direct.query(SERVER_ADDRESSES_PG_SQL);
    await direct.end();
  },
});

describe("the address note stopping on a link that died silently", () => {
  it("returns, and the pool then ends", async () => {
    const pool = new pg.Pool({ connectionString: relay.relayedUrl, max: 2 });
    const errors: string[] = [];
    const note = await noteServerAddress(pool, "http://shop.example:8080", (err) => void errors.push(err.message), 600_000);
    expect(errors).toEqual([]);
    const direct = new pg.Client({ connectionString: relay.url });
    await direct.connect();
    try {
      expect((await direct.query("SELECT public_url FROM server_addresses")).rows).toEqual([{ public_url: "http://shop.example:8080" }]);
      for (const link of relay.links) link.silent = true;
      // Old note: stop() waits on the dead link for ever (the test times out).
      await note.stop();
      // The connection it gave up on is not left checked out: the pool's end does not wait for it.
      await pool.end();
      // Its row stays, not read after FRESH_MS.
      expect((await direct.query("SELECT count(*)::int AS n FROM server_addresses")).rows).toEqual([{ n: 1 }]);
    } finally {
      await direct.end();
    }
  }, 60_000);

  it("returns after more than two write intervals on the dead link, its new connections unanswered too", async () => {
    const pool = new pg.Pool({ connectionString: relay.relayedUrl, max: 2 });
    // As the storage's close does (storage-pg adapter): a pool end destroys what is still open, connections being made too.
    const sockets = new PoolSockets([pool]);
    const errors: string[] = [];
    const note = await noteServerAddress(pool, "http://shop.example:8081", (err) => void errors.push(err.message), 1_000);
    expect(errors).toEqual([]);
    // The cable cut: the open connections go silent, and a new one is accepted and never answered.
    relay.cut();
    // Past two writes: the first after the cut waits on its connection. The old note queued the next ones behind it, and
    // its stop, once it had destroyed the first's socket, waited on the next's new connection: for ever.
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    await note.stop();
    // The write given up said why, once per write, not at the stop.
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors[0]).toMatch(/^no answer from PostgreSQL within 1 s \(is the link to it down\?\); its connection is cut/);
    // The storage's close then ends the pool: the connection still being made is destroyed.
    await sockets.endWithin(() => pool.end());
    expect(sockets.size).toBe(0);
  }, 60_000);
});
