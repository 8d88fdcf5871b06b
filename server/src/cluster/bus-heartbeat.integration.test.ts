/**
 * The chain bus's LISTEN connection (cluster/bus.ts) on a real PostgreSQL (Debian's, started by the test) through a TCP
 * relay that can go silent: the link dies without a reset (a firewall or NAT forgetting an idle connection, a cable
 * cut), the socket stays open and no error comes. The bus asks its connection a `SELECT 1` every listenCheckMs; one
 * unanswered is ended and made again, with a resync, and the other servers' notices reach it again. Before, it stayed
 * on the dead link listening for nothing: every live, layout and alert notice lost until the server restarted.
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
/** Each relayed connection: the bus's side and PostgreSQL's, and whether it has gone silent. */
const pairs: { client: Socket; up: Socket; silent: boolean }[] = [];

beforeAll(async () => {
  url = server.database("bus_heartbeat");
  const pgPort = Number(new URL(url).port);
  relay = createServer((client) => {
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
  });
  relayPort = await freePort();
  await new Promise<void>((resolve) => relay.listen(relayPort, "127.0.0.1", resolve));
});
afterAll(async () => {
  for (const p of pairs) p.up.destroy();
  await new Promise<void>((resolve) => relay.close(() => resolve()));
});

describe("the chain bus's LISTEN connection on a link that dies silently", () => {
  it("is found dead by its check, made again with a resync, and the other servers' notices reach it again", async () => {
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    const relayed = new URL(url);
    relayed.port = String(relayPort);
    const got = new Set<string>();
    let resyncs = 0;
    let a: ClusterBus | undefined;
    let b: ClusterBus | undefined;
    try {
      a = await ClusterBus.start(pool, {
        url: relayed.toString(),
        serverId: "a",
        log,
        listenCheckMs: 500,
        onLive: (stores) => stores.forEach((s) => got.add(s)),
        onLayout: () => {},
        onResync: () => void resyncs++,
      });
      b = await ClusterBus.start(pool, { url, serverId: "b", log, onLive: () => {}, onLayout: () => {}, onResync: () => {} });
      b.changed(["before"]);
      await waitFor("the notice before the cut", () => got.has("before") || undefined, { timeoutMs: 20_000 });

      // The link goes silent: nothing passes, nothing is closed.
      const dead = pairs.filter((p) => !p.client.destroyed);
      expect(dead).toHaveLength(1);
      dead[0]!.silent = true;
      // The bus ends that connection (its socket closes) and listens again on a new one, with a resync (old code: no error
      // ever comes, it stays on the dead link: times out, fails).
      await waitFor("the dead connection ended", () => dead[0]!.client.destroyed || undefined, { timeoutMs: 20_000 });
      await waitFor("listening again", () => resyncs > 0 || undefined, { timeoutMs: 20_000 });
      expect(resyncs).toBe(1);
      b.changed(["after"]);
      await waitFor("the notice after the cut", () => got.has("after") || undefined, { timeoutMs: 20_000 });
      // One relayed connection open: the new one.
      expect(pairs.filter((p) => !p.client.destroyed)).toHaveLength(1);
    } finally {
      await a?.close();
      await b?.close();
      await pool.end();
    }
  }, 90_000);
});
