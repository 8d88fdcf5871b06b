import { describe, expect, it } from "vitest";
import { age, formatClusterStatus, runs } from "./status-format.js";
import type { ClusterStatus } from "./status.js";

describe("footfall cluster status, as text", () => {
  it("writes shard numbers as runs and ages as people read them", () => {
    expect(runs([5, 0, 1, 2, 3, 7, 9, 10])).toBe("0-3, 5, 7, 9-10");
    expect(runs([])).toBe("");
    expect([age(850), age(4_240), age(180_000), age(9_000_000), age(-2_000), age(null), age(Infinity)]).toEqual([
      "850 ms",
      "4.2 s",
      "3 min",
      "2.5 h",
      "-2.0 s",
      "-",
      "-",
    ]);
  });

  it("lists each server with its shards, heartbeat, lease renewal and ingest backlog, and says which shards nobody holds", () => {
    const s: ClusterStatus = {
      shards: 4,
      servers: [
        {
          id: "a",
          live: true,
          startedAt: 0,
          heartbeatAgeMs: 1200,
          shards: [0, 1],
          oldestRenewalAgeMs: 3100,
          info: { http: "http://a:8080", ingest: { messages: 12, oldestMs: 40 } },
        },
        { id: "b", live: false, startedAt: 0, heartbeatAgeMs: 25_000, shards: [], oldestRenewalAgeMs: 0, info: {} },
        {
          id: "c",
          live: true,
          startedAt: 0,
          heartbeatAgeMs: 900,
          shards: [],
          oldestRenewalAgeMs: 0,
          info: { ingest: { messages: 0, oldestMs: 0 }, stalled: { stopped: [], disconnected: [], reconnected: 2 } },
        },
      ],
      leases: [
        { shard: 0, owner: "a", epoch: 3, heldForMs: 60_000, renewalAgeMs: 3100, expiresInMs: 11_900 },
        { shard: 1, owner: "a", epoch: 1, heldForMs: 60_000, renewalAgeMs: 3000, expiresInMs: 12_000 },
        { shard: 2, owner: "b", epoch: 2, heldForMs: 90_000, renewalAgeMs: 25_000, expiresInMs: -10_000 },
        { shard: 3, owner: null, epoch: 0, heldForMs: null, renewalAgeMs: null, expiresInMs: null },
      ],
      unowned: [2, 3],
    };
    const text = formatClusterStatus(s, { leases: true });
    expect(text).toMatch(/^SERVER\s+LIVE\s+HEARTBEAT\s+SHARDS\s+HELD\s+OLDEST RENEWAL\s+BACKLOG \(LAG\)\s+HTTP$/m);
    expect(text).toMatch(/^a\s+yes\s+1\.2 s\s+2\s+0-1\s+3\.1 s\s+12 msgs, oldest 40 ms\s+http:\/\/a:8080$/m);
    expect(text).toMatch(/^b\s+NO\s+25\.0 s\s+0\s+-\s+-\s+-\s+-$/m);
    // The stall watchdog's reconnects since start are shown beside the backlog.
    expect(text).toMatch(/^c\s+yes\s+900 ms\s+0\s+-\s+-\s+0; 2 stalled sessions reconnected\s+-$/m);
    expect(text).toMatch(/^4 shards; not held now: 2-3 \(their messages wait in the broker\)$/m);
    expect(text).toMatch(/^2\s+b\s+2\s+2 min\s+25\.0 s ago\s+-10\.0 s$/m);
    expect(formatClusterStatus({ shards: 64, servers: [], leases: [], unowned: [] })).toMatch(/no server has joined the chain yet/);
    // A server on the database with its embedded broker (no FOOTFALL_MQTT_URL) is not in the chain: said, not "0 shards" alone.
    expect(formatClusterStatus({ shards: 0, servers: [], leases: [], unowned: [] })).toBe(
      "no server has joined the chain yet: a server joins it only with both FOOTFALL_DATABASE_URL and FOOTFALL_MQTT_URL (an external broker the chain's servers share); one running with its embedded broker serves this database alone and is not listed here\n",
    );
  });
});
