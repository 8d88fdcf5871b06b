/**
 * A chain server stopping while its link to PostgreSQL has died silently (a firewall or NAT forgot it, a cable cut: no FIN,
 * no RST) stops: the node's close released its shard leases with queries on its control connections that no answer ever
 * came to, so it did not return and the server's stop hung (until a supervisor killed it). Real PostgreSQL (Debian's,
 * started by the test) for the node's control connections through a TCP relay that goes silent, as
 * bus-close-dead.integration's; Debian's mosquitto for its shard sessions.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Mosquitto } from "../../../test/support/mosquitto.js";
import { freePort } from "../../../test/support/ports.js";
import { usePostgres } from "../../../test/support/postgres.js";
import { useSilentRelay } from "../../../test/support/silent-relay.js";
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

// A silent link passes no FIN either (a socket ended by the node is not answered by one).
const relay = useSilentRelay(server, "node_close_dead");

let storage: PgStorage;
let broker: Mosquitto;

beforeAll(async () => {
  storage = await openPgStorage(relay.url);
  broker = await Mosquitto.anonymous(await freePort());
});
afterAll(async () => {
  await storage?.close();
  await broker?.dispose();
});

/** A chain node on the relayed link, with no store: nothing is read, laid out or handled. */
const startNode = (serverId: string, opts: { ingest?: boolean } = {}) =>
  ClusterNode.start({
    storage,
    databaseUrl: relay.relayedUrl,
    mqtt: { url: broker.url },
    handlers: {} as TransportHandlers,
    analytics: { invalidate: () => {} } as unknown as AnalyticsRegistry,
    layouts: {} as LayoutCache,
    log,
    serverId,
    ...opts,
    onRemoteLive: () => {},
    onRemoteLayout: () => {},
  });

describe("a chain node closing on a link that died silently", () => {
  it("returns, its dead connections' sockets closed", async () => {
    const node = await startNode("dead-link");
    await node.join();
    await waitFor("shards held", () => node.broker.shards().length > 0 || undefined, { timeoutMs: 20_000 });
    const live = relay.open();
    expect(live.length).toBeGreaterThan(0);
    for (const p of live) p.silent = true;
    // Old node: close() waits on the dead link for ever, releasing the leases (the test times out).
    await node.close();
    // Its side of every link closed (the FIN the relay saw; nothing came back).
    await waitFor("the dead connections' sockets closed", () => live.every((p) => p.ended) || undefined, { timeoutMs: 20_000 });
  }, 60_000);

  it("returns with the bus's last notices unsent (a front: no leases to release)", async () => {
    const before = relay.links.length;
    const front = await startNode("dead-link-front", { ingest: false });
    await front.join();
    const silence = () => relay.links.slice(before).forEach((l) => (l.silent = true));
    silence();
    const silencer = setInterval(silence, 1);
    try {
      // Notices in flight on the dead link when the stop comes: a store's figures and its alerts changed here.
      front.changed(["shop"]);
      front.alertsChanged(["shop"]);
      await new Promise((r) => setTimeout(r, 300));
      let closed = false;
      void front.close().then(() => (closed = true));
      // Old bus: its close waits for the notices' answer for ever (fails at 40 s).
      await waitFor("the front's close returned", () => closed || undefined, { timeoutMs: 40_000 });
      const mine = relay.links.slice(before);
      await waitFor("the dead connections' sockets closed", () => mine.every((p) => p.ended || p.client.destroyed) || undefined, { timeoutMs: 20_000 });
    } finally {
      clearInterval(silencer);
    }
  }, 90_000);
});
