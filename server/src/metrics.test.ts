import { describe, expect, it } from "vitest";
import { DEMO_LAYOUT, WEEKDAYS, type OpeningHours } from "@footfall/core";
import { createMetrics, INGEST_THREAD_PREFIX } from "./metrics.js";
import { scrape, startMetricsListener } from "./metrics-listener.js";
import { createLogger } from "./log.js";
import { openSqliteStorage } from "./storage/sqlite.js";
import { tempDir } from "../../test/support/wait.js";

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

describe("footfall_agents_clock_off", () => {
  it("counts the online agents whose clock is off past the threshold, from the database at each scrape", async () => {
    const dir = tempDir("footfall-clock-gauge-");
    const storage = openSqliteStorage(dir.path);
    try {
      const now = Date.now();
      const online = (ts: number) => ({ state: "online" as const, ts, kind: "camera" as const, version: "1.0.0" });
      for (const [store, agent] of [["s1", "ahead"], ["s1", "behind"], ["s1", "in-step"], ["s2", "revoked"], ["s2", "gone"], ["s2", "never"]] as const) await storage.agents.add(store, agent, "camera", now);
      // Two statuses each, 30 s apart: a clock is measured once two agree.
      for (const at of [now - 30_000, now]) {
        await storage.agents.recordStatus("s1", "ahead", online(at + 120_000), at); // 2 min ahead
        await storage.agents.recordStatus("s1", "behind", online(at - 45_000), at); // 45 s behind
        await storage.agents.recordStatus("s1", "in-step", online(at - 200), at);
        await storage.agents.recordStatus("s2", "revoked", online(at + 120_000), at);
        await storage.agents.recordStatus("s2", "gone", online(at + 120_000), at);
      }
      await storage.agents.revoke("s2", "revoked", now);
      await storage.agents.recordStatus("s2", "gone", { ...online(now), state: "offline" });
      const metrics = createMetrics();
      const gauge = async (clockWarnMs?: number) => /^footfall_agents_clock_off (\S+)$/m.exec((await scrape({ metrics, mqtt: null, storage, ...(clockWarnMs ? { clockWarnMs } : {}) })).body)?.[1];
      expect(await gauge()).toBe("2"); // ahead and behind; not the revoked one, not the one gone offline
      expect(await gauge(60_000)).toBe("1");
      // NTP fixed: its first status in step alone changes nothing; the next, 30 s on, agrees: no longer counted.
      await storage.agents.recordStatus("s1", "ahead", online(now + 30_000 + 5), now + 30_000);
      expect(await gauge()).toBe("2");
      await storage.agents.recordStatus("s1", "ahead", online(now + 60_000 + 5), now + 60_000);
      expect(await gauge()).toBe("1");
      await storage.close();
      expect(await gauge()).toBe("Nan"); // (prom-client writes NaN so) the database does not answer: said, and the rest of the scrape serves
    } finally {
      dir.remove();
    }
  });
});

describe("footfall_agents", () => {
  it("counts the agents by state, chain-wide (no store label), from the database at each scrape", async () => {
    const dir = tempDir("footfall-agents-gauge-");
    const storage = openSqliteStorage(dir.path);
    try {
      const now = Date.now();
      const online = (ts: number) => ({ state: "online" as const, ts, kind: "camera" as const, version: "1.0.0" });
      for (const [store, agent] of [["s1", "cam-1"], ["s1", "cam-2"], ["s2", "cam-1"], ["s2", "door-1"], ["s3", "old"]] as const) await storage.agents.add(store, agent, "camera", now);
      await storage.agents.recordStatus("s1", "cam-1", online(now), now);
      await storage.agents.recordStatus("s1", "cam-2", online(now), now);
      await storage.agents.recordStatus("s2", "cam-1", online(now), now);
      await storage.agents.recordStatus("s2", "cam-1", { ...online(now + 1), state: "offline" });
      await storage.agents.recordStatus("s3", "old", online(now), now);
      await storage.agents.revoke("s3", "old", now);
      const metrics = createMetrics();
      const states = async () =>
        Object.fromEntries([...(await scrape({ metrics, mqtt: null, storage })).body.matchAll(/^footfall_agents\{(.*)\} (\S+)$/gm)].map((m) => [m[1], m[2]]));
      expect(await states()).toEqual({ 'state="online"': "2", 'state="offline"': "1", 'state="never-seen"': "1", 'state="revoked"': "1", 'state="closed"': "0" });
      // cam-2 goes offline: said at the next scrape; the clock gauge is still there beside it.
      await storage.agents.recordStatus("s1", "cam-2", { ...online(now + 2), state: "offline" });
      expect(await states()).toEqual({ 'state="online"': "1", 'state="offline"': "2", 'state="never-seen"': "1", 'state="revoked"': "1", 'state="closed"': "0" });
      expect((await scrape({ metrics, mqtt: null, storage })).body).toMatch(/^footfall_agents_clock_off 0$/m);
      // As Prometheus reads it: GET /metrics on the metrics listener, with its HELP.
      const listener = await startMetricsListener({ metrics, mqtt: null, storage }, { host: "127.0.0.1", port: 0, log: createLogger("silent") });
      try {
        const body = await (await fetch(`${listener.url}`)).text();
        expect(body).toMatch(/^# TYPE footfall_agents gauge$/m);
        expect(body).toMatch(/^footfall_agents\{state="offline"\} 2$/m);
      } finally {
        await listener.close();
      }
      await storage.close();
      // The database does not answer: NaN (prom-client writes Nan) for each state, and the rest of the scrape serves.
      expect(await states()).toEqual({ 'state="online"': "Nan", 'state="offline"': "Nan", 'state="never-seen"': "Nan", 'state="revoked"': "Nan", 'state="closed"': "Nan" });
    } finally {
      dir.remove();
    }
  });
});

describe("footfall_agents{state=\"closed\"}: boxes switched off at night", () => {
  it("counts an offline box of a store closed since it went down as closed, not offline, until the store has been open for its agent-offline rule's threshold", async () => {
    const dir = tempDir("footfall-agents-closed-");
    const storage = openSqliteStorage(dir.path);
    try {
      // A shop open 08:00-21:00 UTC; its agent-offline rule's threshold 5 min (the grace), a second one's 20 min.
      const at = (d: number, hh: number, mm: number, ss = 0) => Date.UTC(2026, 11, d, hh, mm, ss);
      const weekly = Object.fromEntries(WEEKDAYS.map((d) => [d, [{ open: "08:00", close: "21:00" }]])) as OpeningHours["weekly"];
      await storage.stores.saveLayout("shop", { ...DEMO_LAYOUT, timezone: "UTC" }, at(1, 12, 0));
      await storage.hours.set("shop", { weekly, exceptions: [] }, at(1, 12, 0));
      const rule = { store: "shop", kind: "agent-offline" as const, forSeconds: 0, cooldownSeconds: 0, enabled: true };
      await storage.alerts.saveRule({ ...rule, id: "boxes", threshold: 300 }, at(1, 12, 0));
      await storage.alerts.saveRule({ ...rule, id: "slow", threshold: 1200 }, at(1, 12, 0));
      const online = (ts: number) => ({ state: "online" as const, ts, kind: "camera" as const, version: "1.0.0" });
      for (const agent of ["night", "late", "day"]) await storage.agents.add("shop", agent, "camera", at(1, 12, 0));
      // Switched off at 21:15 (after the closing) and at 20:58 (two minutes before it, within the grace); one down at 15:00.
      for (const [agent, off] of [["night", at(7, 21, 15)], ["late", at(7, 20, 58)], ["day", at(7, 15, 0)]] as const) {
        await storage.agents.recordStatus("shop", agent, online(off - 60_000), off - 60_000);
        await storage.agents.recordStatus("shop", agent, { ...online(off), state: "offline" });
      }
      const metrics = createMetrics();
      const states = async (now: number) =>
        Object.fromEntries([...(await scrape({ metrics, mqtt: null, storage, now: () => now })).body.matchAll(/^footfall_agents\{state="(offline|closed)"\} (\S+)$/gm)].map((m) => [m[1], m[2]]));
      expect(await states(at(8, 3, 0))).toEqual({ offline: "1", closed: "2" });
      expect(await states(at(8, 8, 5))).toEqual({ offline: "1", closed: "2" });
      // 08:05:01: the rule misses them; so does the gauge.
      expect(await states(at(8, 8, 5, 1))).toEqual({ offline: "3", closed: "0" });
      await storage.close();
    } finally {
      dir.remove();
    }
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
