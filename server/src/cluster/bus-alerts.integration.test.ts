/**
 * A chain's alert notice (cluster/bus.ts ALERTS_CHANNEL) between two buses on a real PostgreSQL (Debian's, started by
 * the test): the alert changes of one turn of the event loop go out as one notice (one pg_notify query, the stores once
 * each), a later turn's as another; a server ignores its own; a turn's changes still pending at close are sent; after
 * close nothing is. Notices of one sender arrive in order (its pool has one connection), so a last notice ("end") tells
 * that every one before it arrived: no waiting for a time.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { usePostgres } from "../../../test/support/postgres.js";
import { waitFor } from "../../../test/support/wait.js";
import { createLogger } from "../log.js";
import { ALERTS_CHANNEL, ClusterBus, LIVE_CHANNEL } from "./bus.js";

const server = usePostgres();
const log = createLogger("silent");

let url: string;
let a: ClusterBus;
let b: ClusterBus;
/** The alert notices each server took, a call each. */
const took: Record<"a" | "b", string[][]> = { a: [], b: [] };
/** The channels of the sender's pg_notify queries, a query each. */
const queries: string[] = [];

const bus = (serverId: "a" | "b", pool: Pick<pg.Pool, "query">) =>
  ClusterBus.start(pool, { url, serverId, log, onLive: () => {}, onLayout: () => {}, onAlerts: (stores) => void took[serverId].push(stores), onResync: () => {} });

beforeAll(async () => {
  url = server.database("bus_alerts");
  const poolA = new pg.Pool({ connectionString: url, max: 1 });
  const poolB = new pg.Pool({ connectionString: url, max: 1 });
  server.onClose(() => poolA.end());
  server.onClose(() => poolB.end());
  // The sender's queries counted by channel (the live round's too, were it to send: it has nothing to).
  const counted = {
    query: ((text: string, values?: unknown[]) => {
      if (typeof text === "string" && text.includes("pg_notify")) queries.push(String(values?.[0]));
      return poolA.query(text, values);
    }) as pg.Pool["query"],
  };
  a = await bus("a", counted);
  b = await bus("b", poolB);
  server.onClose(() => b.close());
});
afterAll(async () => {
  await a.close();
});

/** B's alert notices up to and including the one naming `last` (a's notices arrive in order). */
async function takenUpTo(last: string): Promise<string[][]> {
  await waitFor(`b to take the notice of ${last}`, () => took.b.some((s) => s.includes(last)) || undefined, { timeoutMs: 20_000 });
  return took.b.splice(0);
}

describe("the alert notice between a chain's servers", () => {
  it("sends the alert changes of one turn as one notice, each store once, and a later turn's as another", async () => {
    a.alertsChanged(["s1", "s2"]);
    a.alertsChanged(["s2", "s3"]);
    a.alertsChanged([]);
    a.alertsChanged(new Set(["s1"]));
    await new Promise<void>((resolve) => setImmediate(resolve));
    a.alertsChanged(["s4"]);
    await new Promise<void>((resolve) => setImmediate(resolve));
    a.alertsChanged(["end"]);
    expect(await takenUpTo("end")).toEqual([["s1", "s2", "s3"], ["s4"], ["end"]]);
    // One pg_notify per turn, none on the live channel (no figures changed); a's own notices not taken by a.
    expect(queries).toEqual([ALERTS_CHANNEL, ALERTS_CHANNEL, ALERTS_CHANNEL]);
    expect(queries).not.toContain(LIVE_CHANNEL);
    expect(took.a).toEqual([]);
  });

  it("splits a turn of many stores into notices under PostgreSQL's 8000 bytes, every store once, in one query", async () => {
    queries.length = 0;
    const many = Array.from({ length: 900 }, (_, i) => `store-with-a-long-name-${String(i).padStart(4, "0")}`);
    a.alertsChanged(many);
    a.alertsChanged(many.slice(0, 10));
    await new Promise<void>((resolve) => setImmediate(resolve));
    a.alertsChanged(["end"]);
    const notices = await takenUpTo("end");
    expect(notices.at(-1)).toEqual(["end"]);
    const parts = notices.slice(0, -1);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(`a|${p.join(",")}`.length).toBeLessThan(8000);
    expect(parts.flat()).toEqual(many);
    expect(queries).toEqual([ALERTS_CHANNEL, ALERTS_CHANNEL]);
  });

  it("sends a turn's changes still pending at close, and nothing after close", async () => {
    queries.length = 0;
    a.alertsChanged(["last-before-close"]);
    await a.close();
    a.alertsChanged(["after-close"]);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(await takenUpTo("last-before-close")).toEqual([["last-before-close"]]);
    expect(queries).toEqual([ALERTS_CHANNEL]);
  });
});
