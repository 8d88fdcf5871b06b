import { describe, expect, it } from "vitest";
import { createMetrics, INGEST_THREAD_PREFIX } from "./metrics.js";
import { scrape } from "./metrics-listener.js";

const names = (m: ReturnType<typeof createMetrics>) => m.registry.getMetricsAsArray().map((x) => x.name);
const families = (text: string) => [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!);

describe("the metrics of a chain server split in two threads", () => {
  it("the front's and the worker's registries hold disjoint names; together the whole server's, besides the worker thread's own", () => {
    const whole = names(createMetrics());
    const front = names(createMetrics("front"));
    const ingest = names(createMetrics("ingest"));
    expect(front.filter((n) => ingest.includes(n))).toEqual([]);
    expect([...front, ...ingest.filter((n) => !n.startsWith(INGEST_THREAD_PREFIX))].sort()).toEqual([...whole].sort());
    expect(front).toEqual(expect.arrayContaining(["footfall_live_clients", "footfall_overview_memo_stores_total", "footfall_mqtt_connected", "footfall_process_process_cpu_seconds_total"]));
    expect(ingest).toEqual(expect.arrayContaining(["footfall_events_accepted_total", "footfall_ingest_commit_seconds", "footfall_ingest_lag_seconds", "footfall_commit_failing"]));
    // The worker thread's event loop, heap and GC; the process's CPU, memory and descriptors only once (the front's).
    const thread = ingest.filter((n) => n.startsWith(INGEST_THREAD_PREFIX));
    expect(thread).toContain(`${INGEST_THREAD_PREFIX}nodejs_eventloop_lag_seconds`);
    expect(thread).toContain(`${INGEST_THREAD_PREFIX}nodejs_heap_size_used_bytes`);
    expect(thread.filter((n) => !n.startsWith(`${INGEST_THREAD_PREFIX}nodejs_`) || n.endsWith("version_info"))).toEqual([]);
  });

  it("a front's scrape serves its figures and the worker's, each name once", async () => {
    const front = createMetrics("front");
    const ingest = createMetrics("ingest");
    front.liveClients.inc();
    ingest.eventsAccepted.inc({ store: "s1" }, 3);
    // What the front of a split server counts of the other half is not served (the worker serves it).
    front.eventsAccepted.inc({ store: "s1" }, 100);
    const { body } = await scrape({ metrics: front, mqtt: { connected: () => true } as never, ingestMetrics: () => ingest.registry.metrics() });
    const f = families(body);
    expect(f.length).toBe(new Set(f).size);
    expect(body).toMatch(/^footfall_live_clients 1$/m);
    expect(body).toMatch(/^footfall_events_accepted_total\{store="s1"\} 3$/m);
    expect(body).toMatch(/^footfall_mqtt_connected 1$/m);
    expect(f).toEqual(expect.arrayContaining([`${INGEST_THREAD_PREFIX}nodejs_eventloop_lag_seconds`, "footfall_process_nodejs_eventloop_lag_seconds"]));
  });

  it("a whole server's scrape is its registry's", async () => {
    const whole = createMetrics();
    whole.eventsAccepted.inc({ store: "s1" });
    const { body } = await scrape({ metrics: whole, mqtt: null });
    expect(families(body)).toEqual(families(await whole.registry.metrics()));
    expect(body).toMatch(/^footfall_events_accepted_total\{store="s1"\} 1$/m);
    expect(body).toMatch(/^footfall_mqtt_connected 0$/m);
  });
});

describe("rejects by reason", () => {
  it("lists each agent of a store that had rejects, by reason, and no other store's", () => {
    const m = createMetrics("ingest");
    m.noteReject("s1", "cam-1", "too_old");
    m.noteReject("s1", "cam-1", "too_old");
    m.noteReject("s1", "door-1", "unknown_zone");
    m.noteReject("s10", "cam-1", "schema");
    expect(m.rejectsByAgent("s1")).toEqual({ "cam-1": { too_old: 2 }, "door-1": { unknown_zone: 1 } });
    expect(m.rejectsByAgent("s2")).toEqual({});
    expect(m.rejectsOf("s1", "cam-1")).toEqual({ too_old: 2 });
  });
});
