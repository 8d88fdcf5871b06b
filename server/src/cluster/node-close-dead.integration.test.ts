/**
 * A chain server stopping while its link to PostgreSQL has died silently (a firewall or NAT forgot it, a cable cut: no FIN,
 * no RST) stops: the node's close released its shard leases with queries on its control connections that no answer ever
 * came to, so it did not return and the server's stop hung (until a supervisor killed it). Real PostgreSQL (Debian's,
 * started by the test) for the node's control connections through a TCP relay that goes silent, as
 * bus-close-dead.integration's; Debian's mosquitto for its shard sessions.
 */
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Mosquitto } from "../../../test/support/mosquitto.js";
import { freePort } from "../../../test/support/ports.js";
import { usePostgres } from "../../../test/support/postgres.js";
import { waitFor } from "../../../test/support/wait.js";
import type { AnalyticsRegistry } from "../analytics/registry.js";
import type { LayoutCache } from "../ingest/layouts.js";
import { createLogger } from "../log.js";
import type { TransportHandlers } from "../mqtt/transport.js";
import { openPgStorage } from "../storage-pg/adapter.js";
import type { PgStorage } from "../storage-pg/adapter.js";
import { ClusterNode } from "./node.js";

const server = usePostgres();
const log = createLogger("silent");

let url: string;
let storage: PgStorage;
let broker: Mosquitto;
let relay: Server;
let relayPort = 0;
/** Each relayed connection: the node's side and PostgreSQL's, whether it has gone silent, and whether the node's side ended. */
const pairs: { client: Socket; up: Socket; silent: boolean; ended: boolean }[] = [];

beforeAll(async () => {
  url = server.database("node_close_dead");
  storage = await openPgStorage(url);
  broker = await Mosquitto.anonymous(await freePort());
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
  await storage?.close();
  await broker?.dispose();
  for (const p of pairs) p.up.destroy();
  await new Promise<void>((resolve) => relay.close(() => resolve()));
});

describe("a chain node closing on a link that died silently", () => {
  it("returns, its dead connections' sockets closed", async () => {
    const relayed = new URL(url);
    relayed.port = String(relayPort);
    // No store: nothing is read, laid out or handled.
    const node = await ClusterNode.start({
      storage,
      databaseUrl: relayed.toString(),
      mqtt: { url: broker.url },
      handlers: {} as TransportHandlers,
      analytics: { invalidate: () => {} } as unknown as AnalyticsRegistry,
      layouts: {} as LayoutCache,
      log,
      serverId: "dead-link",
      onRemoteLive: () => {},
      onRemoteLayout: () => {},
    });
    await node.join();
    await waitFor("shards held", () => node.broker.shards().length > 0 || undefined, { timeoutMs: 20_000 });
    const live = pairs.filter((p) => !p.client.destroyed);
    expect(live.length).toBeGreaterThan(0);
    for (const p of live) p.silent = true;
    // Old node: close() waits on the dead link for ever, releasing the leases (the test times out).
    await node.close();
    // Its side of every link closed (the FIN the relay saw; nothing came back).
    await waitFor("the dead connections' sockets closed", () => live.every((p) => p.ended) || undefined, { timeoutMs: 20_000 });
  }, 60_000);
});
