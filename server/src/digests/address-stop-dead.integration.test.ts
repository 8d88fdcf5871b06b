/**
 * A server stopping while its PostgreSQL link has died silently (a firewall or NAT forgot it, a cable cut: no FIN, no RST)
 * stops: the address note's stop removes its row with a query that no answer ever comes to, which held the server's stop
 * for ever. Real PostgreSQL (Debian's, started by the test) through a TCP relay that goes silent, as
 * cluster/bus-close-dead.integration's.
 */
import { createConnection, createServer, type Server, type Socket } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../test/support/ports.js";
import { usePostgres } from "../../../test/support/postgres.js";
import { noteServerAddress, SERVER_ADDRESSES_PG_SQL } from "./addresses.js";

const server = usePostgres();

let url: string;
let relay: Server;
let relayPort = 0;
/** Each relayed connection: the pool's side and PostgreSQL's, and whether it has gone silent. */
const pairs: { client: Socket; up: Socket; silent: boolean }[] = [];

beforeAll(async () => {
  url = server.database("address_stop_dead");
  const direct = new pg.Client({ connectionString: url });
  await direct.connect();
  await direct.query(SERVER_ADDRESSES_PG_SQL);
  await direct.end();
  const pgPort = Number(new URL(url).port);
  // Half-open allowed: a silent link passes no FIN either.
  relay = createServer({ allowHalfOpen: true }, (client) => {
    const up = createConnection({ host: "127.0.0.1", port: pgPort });
    const pair = { client, up, silent: false };
    pairs.push(pair);
    // Bytes pass while the link lives; once silent they are dropped both ways, the sockets left open (no FIN, no RST).
    client.on("data", (b: Buffer) => void (pair.silent || up.write(b)));
    up.on("data", (b: Buffer) => void (pair.silent || client.write(b)));
    up.on("error", () => client.destroy());
    client.on("error", () => up.destroy());
    up.on("close", () => client.destroy());
    client.on("close", () => up.destroy());
    client.on("end", () => void (pair.silent || client.end()));
  });
  relayPort = await freePort();
  await new Promise<void>((resolve) => relay.listen(relayPort, "127.0.0.1", resolve));
});
afterAll(async () => {
  for (const p of pairs) {
    p.up.destroy();
    p.client.destroy();
  }
  await new Promise<void>((resolve) => relay.close(() => resolve()));
});

describe("the address note stopping on a link that died silently", () => {
  it("returns, and the pool then ends", async () => {
    const relayed = new URL(url);
    relayed.port = String(relayPort);
    const pool = new pg.Pool({ connectionString: relayed.toString(), max: 2 });
    const errors: string[] = [];
    const note = await noteServerAddress(pool, "http://shop.example:8080", (err) => void errors.push(err.message), 600_000);
    expect(errors).toEqual([]);
    const direct = new pg.Client({ connectionString: url });
    await direct.connect();
    try {
      expect((await direct.query("SELECT public_url FROM server_addresses")).rows).toEqual([{ public_url: "http://shop.example:8080" }]);
      for (const p of pairs) p.silent = true;
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
});
