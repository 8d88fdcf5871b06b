/**
 * The chain bus's LISTEN connection (cluster/bus.ts) on a real PostgreSQL (Debian's, started by the test) through a TCP
 * relay that can go silent: the link dies without a reset (a firewall or NAT forgetting an idle connection, a cable
 * cut), the socket stays open and no error comes. The bus asks its connection a `SELECT 1` every listenCheckMs; one
 * unanswered is ended and made again, with a resync, and the other servers' notices reach it again. Before, it stayed
 * on the dead link listening for nothing: every live, layout and alert notice lost until the server restarted.
 */
import pg from "pg";
import { describe, expect, it } from "vitest";
import { usePostgres } from "../../../test/support/postgres.js";
import { useSilentRelay } from "../../../test/support/silent-relay.js";
import { waitFor } from "../../../test/support/wait.js";
import { createLogger } from "../log.js";
import { ClusterBus } from "./bus.js";

const server = usePostgres();
const log = createLogger("silent");

// The bus's FIN is answered even on the silent link, as a plain (not half-open) relay socket does.
const relay = useSilentRelay(server, "bus_heartbeat", { finWhenSilent: true });

describe("the chain bus's LISTEN connection on a link that dies silently", () => {
  it("is found dead by its check, made again with a resync, and the other servers' notices reach it again", async () => {
    const pool = new pg.Pool({ connectionString: relay.url, max: 2 });
    const got = new Set<string>();
    let resyncs = 0;
    let a: ClusterBus | undefined;
    let b: ClusterBus | undefined;
    try {
      a = await ClusterBus.start(pool, {
        url: relay.relayedUrl,
        serverId: "a",
        log,
        listenCheckMs: 500,
        onLive: (stores) => stores.forEach((s) => got.add(s)),
        onLayout: () => {},
        onResync: () => void resyncs++,
      });
      b = await ClusterBus.start(pool, { url: relay.url, serverId: "b", log, onLive: () => {}, onLayout: () => {}, onResync: () => {} });
      b.changed(["before"]);
      await waitFor("the notice before the cut", () => got.has("before") || undefined, { timeoutMs: 20_000 });

      // The link goes silent: nothing passes, nothing is closed.
      const dead = relay.open();
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
      expect(relay.open()).toHaveLength(1);
    } finally {
      await a?.close();
      await b?.close();
      await pool.end();
    }
  }, 90_000);
});
