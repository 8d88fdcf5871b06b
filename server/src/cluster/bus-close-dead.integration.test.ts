/**
 * A chain server stopping while its bus's LISTEN connection is on a link that died silently (a firewall or NAT forgot it,
 * a cable cut; its check, every listenCheckMs, has not found it yet): the bus's close ends that connection politely,
 * which waits for PostgreSQL's answer on the dead link, so it did not return and the server's stop hung (until a
 * supervisor killed it). Real PostgreSQL (Debian's, started by the test) through a TCP relay that goes silent, as
 * bus-heartbeat.integration's.
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

// A silent link passes no FIN either (a socket ended by the bus is not answered by one).
const relay = useSilentRelay(server, "bus_close_dead");

describe("the chain bus closing on a link that died silently", () => {
  it("returns, its dead connection's socket closed", async () => {
    const pool = new pg.Pool({ connectionString: relay.url, max: 2 });
    let resyncs = 0;
    try {
      // Its check far off: the link dies between two checks.
      const bus = await ClusterBus.start(pool, {
        url: relay.relayedUrl,
        serverId: "a",
        log,
        listenCheckMs: 600_000,
        onLive: () => {},
        onLayout: () => {},
        onResync: () => void resyncs++,
      });
      const live = relay.open();
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
