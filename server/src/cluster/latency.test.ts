import { afterEach, describe, expect, it } from "vitest";
import { LatencyProbe, noteRequest } from "./latency.js";

const probes: LatencyProbe[] = [];
afterEach(() => {
  for (const p of probes.splice(0)) p.close();
});

describe("a chain server's latency window (cluster status' `latency`)", () => {
  it("sorts requests by kind with their percentiles, reports the pools, and starts a new window at each take", () => {
    const pools = { main: { total: 10, idle: 0, waiting: 7 }, interactive: { total: 5, idle: 5, waiting: 0 } };
    const probe = new LatencyProbe(() => pools);
    probes.push(probe);
    for (let i = 1; i <= 100; i++) noteRequest("/api/v1/stores/:store/dwell", i);
    noteRequest("/api/v1/health", 3);
    noteRequest("/api/v1/stores", 9);
    noteRequest(undefined, 1);
    const w = probe.take();
    expect(w.http).toEqual({
      store: { n: 100, p50: 50, p95: 95, max: 100 },
      health: { n: 1, p50: 3, p95: 3, max: 3 },
      other: { n: 2, p50: 1, p95: 9, max: 9 },
    });
    expect(w.pools.main).toEqual({ total: 10, idle: 0, waiting: 7, maxWaiting: 7 });
    expect(w.pools.interactive!.maxWaiting).toBe(0);
    expect(w.loop.max).toBeGreaterThanOrEqual(0);
    // The next window has none of these requests; a closed probe counts nothing more.
    expect(probe.take().http).toEqual({});
    probe.close();
    noteRequest("/api/v1/health", 1);
    expect(probe.take().http).toEqual({});
  });
});
