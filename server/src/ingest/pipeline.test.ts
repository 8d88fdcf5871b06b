import { afterEach, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { pino } from "pino";
import { LIMITS } from "@footfall/core";
import { metricValue } from "../../../test/support/api.js";
import { batchJson, EventFactory, rectZone, smallLayout } from "../../../test/support/fixtures.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { createLogger } from "../log.js";
import { createMetrics } from "../metrics.js";
import type { Storage } from "../storage/types.js";
import { IngestPipeline, SQLITE_MAX_EVENTS_PER_COMMIT, type IngestOptions } from "./pipeline.js";

const NOW = Date.UTC(2026, 10, 20, 15, 0, 0);
const MIN = 60_000;
let t: TestServer;
let f: EventFactory;
beforeEach(async () => {
  t = await startTestServer({ now: () => NOW });
  await t.putLayout("shop", smallLayout());
  await t.server.services.storage.agents.add("shop", "cam-1", "camera", NOW);
  f = new EventFactory("cam-1");
});
afterEach(() => t.close());

const metrics = () => t.server.services.metrics.registry.metrics();
const rejected = async (reason: string) => metricValue(await metrics(), "footfall_events_rejected_total", { reason });
const accepted = async () => metricValue(await metrics(), "footfall_events_accepted_total", { store: "shop" });
const visits = async (zone: string) => {
  const res = await t.get(`/api/v1/stores/shop/dwell?from=${NOW - 8 * 86_400_000}&to=${NOW + 10 * MIN}`);
  return (res.body.zones as { zone: string; visits: number }[]).find((z) => z.zone === zone)?.visits ?? 0;
};
/** A pipeline of its own over `storage` and the test server's layouts and analytics (its own metrics, a silent log). */
const testPipeline = (storage: Storage, o: Partial<IngestOptions> = {}) =>
  new IngestPipeline({
    storage,
    layouts: t.server.services.layouts,
    analytics: t.server.services.analytics,
    metrics: createMetrics(),
    log: createLogger("silent"),
    now: () => NOW,
    maxAgeMs: 7 * 86_400_000,
    onCommitted: () => {},
    ...o,
  });
const agent = async () => (await t.get("/api/v1/stores/shop/agents")).body.agents.find((a: { agent: string }) => a.agent === "cam-1");
/**
 * Counts the turns of the event loop from now: a ticker that runs once a turn (re-armed with setImmediate).
 * `turns()` is how many it has seen; `stop()` ends it (so does the test's end, should it throw first).
 */
const countTurns = () => {
  let turns = 0;
  let ticking = true;
  const tick = () => {
    turns++;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  const stop = () => void (ticking = false);
  onTestFinished(stop);
  return { turns: () => turns, stop };
};

describe("IngestPipeline", () => {
  it("on SQLite, the server commits a backlog in commits of at most 5,000 events, the event loop turning between them", async () => {
    // 24 messages of 500 events (12,000) handed over at once, as a back-fill's burst: one 20,000-event commit
    // before, which held the one thread that also answers HTTP and MQTT for all of it.
    const loop = countTurns();
    const commitsBefore = metricValue(await metrics(), "footfall_ingest_commit_seconds_count");
    const turnsAt: number[] = [];
    const submitted = Array.from(
      { length: 24 },
      (_, m) =>
        new Promise<void>((resolve, reject) =>
          t.server.ingest.submit({
            store: "shop",
            agent: "cam-1",
            payload: Buffer.from(
              batchJson(
                "cam-1",
                Array.from({ length: 500 }, (_, i) => f.enter(`b${m}-${i}`, "fruit", NOW - 30 * MIN + m * 1000 + i)),
              ),
            ),
            done: (err) => (err ? reject(err) : (turnsAt.push(loop.turns()), resolve())),
          }),
        ),
    );
    await Promise.all(submitted);
    loop.stop();
    const commits = metricValue(await metrics(), "footfall_ingest_commit_seconds_count") - commitsBefore;
    // The pipeline sizes commits by an estimate from the payloads' bytes (about 1 event a 120 bytes; these events are
    // longer): a commit took about 6,000 of these events, so at least two commits (one before: 12,000 < 20,000).
    expect(commits).toBeGreaterThanOrEqual(Math.floor(12_000 / (SQLITE_MAX_EVENTS_PER_COMMIT * 1.5)));
    expect(commits).toBeGreaterThan(1);
    // The messages were settled in as many distinct turns of the event loop as there were commits.
    expect(new Set(turnsAt).size).toBe(commits);
    expect(await t.server.services.storage.events.total("shop")).toBe(12_000);
  });

  it("stores a good batch and counts its events as accepted", async () => {
    await t.ingest("shop", "cam-1", f.visit("v1", "fruit", NOW - 10 * MIN, MIN));
    expect(await accepted()).toBe(2);
    expect(await visits("fruit")).toBe(1);
  });

  it("ignores an event whose id was already accepted, and counts it as a duplicate", async () => {
    const [enter, exit] = f.visit("v1", "fruit", NOW - 10 * MIN, MIN);
    await t.ingest("shop", "cam-1", [enter, exit]);
    await t.ingest("shop", "cam-1", [enter, { ...exit, ts: exit.ts + 5 * MIN }]);
    expect(await accepted()).toBe(2);
    expect(metricValue(await metrics(), "footfall_events_duplicate_total", { store: "shop" })).toBe(2);
    const dwell = (await t.get(`/api/v1/stores/shop/dwell?from=${NOW - 3_600_000}&to=${NOW}`)).body.zones.find((z: { zone: string }) => z.zone === "fruit");
    expect(dwell.dwell_s.mean).toBe(60);
  });

  it("ignores a duplicate within one batch", async () => {
    const e = f.enter("v1", "fruit", NOW - MIN);
    await t.ingest("shop", "cam-1", [e, e, e]);
    expect(await accepted()).toBe(1);
    expect((await agent()).duplicates).toBe(2);
  });

  it("rejects a message that is not JSON as malformed", async () => {
    await t.ingestPayload("shop", "cam-1", '{"agent":"cam-1","events":[');
    expect(await rejected("malformed")).toBe(1);
  });

  it("rejects a message over 256 KiB as oversized, whatever it holds", async () => {
    const big = batchJson("cam-1", [{ ...f.enter("v1", "fruit", NOW - MIN), pad: "x".repeat(LIMITS.maxBatchBytes) }]);
    await t.ingestPayload("shop", "cam-1", big);
    expect(await rejected("oversized")).toBe(1);
    expect(await accepted()).toBe(0);
  });

  it("rejects a message with a bad envelope (no events array) as schema", async () => {
    await t.ingestPayload("shop", "cam-1", JSON.stringify({ agent: "cam-1", events: "none" }));
    expect(await rejected("schema")).toBe(1);
  });

  it("rejects a batch of more than 1,000 events as schema", async () => {
    const events = Array.from({ length: LIMITS.maxEventsPerBatch + 1 }, (_, i) => f.position(`v${i}`, 1, 1, NOW - MIN));
    await t.ingestPayload("shop", "cam-1", JSON.stringify({ agent: "cam-1", events }));
    expect(await rejected("schema")).toBe(1);
    expect(await accepted()).toBe(0);
  });

  it("rejects a message whose payload names another agent than its topic as forged", async () => {
    await t.ingestPayload("shop", "cam-1", batchJson("cam-2", [f.enter("v1", "fruit", NOW - MIN)]));
    expect(await rejected("forged")).toBe(1);
    expect(await accepted()).toBe(0);
  });

  const badEvents: [string, string, (f: EventFactory) => unknown][] = [
    ["schema", "an event without a visitor", (f) => ({ type: "enter", id: f.nextId(), ts: NOW - MIN, zone: "fruit" })],
    ["schema", "an event of an unknown type", (f) => ({ type: "teleport", id: f.nextId(), ts: NOW - MIN, zone: "fruit", visitor: "v" })],
    ["schema", "a ts that is not an integer", (f) => ({ ...f.enter("v", "fruit", NOW), ts: "now" })],
    ["schema", "a confidence above 1", (f) => ({ ...f.enter("v", "fruit", NOW - MIN), confidence: 1.5 })],
    ["schema", "a negative door count", (f) => f.count("entrance", NOW - MIN, -1, 0)],
    ["schema", "a visitor id longer than 128 characters", (f) => f.enter("v".repeat(129), "fruit", NOW - MIN)],
    ["future", "a ts more than 5 minutes ahead", (f) => f.enter("v", "fruit", NOW + 5 * MIN + 1)],
    ["too_old", "a ts more than 7 days old", (f) => f.enter("v", "fruit", NOW - 7 * 86_400_000 - 1)],
    ["too_old", "a position older than 7 days", (f) => f.position("v", 1, 1, NOW - 8 * 86_400_000)],
    ["unknown_zone", "a zone the layout does not have", (f) => f.enter("v", "narnia", NOW - MIN)],
    ["unknown_zone", "a door count for a zone the layout does not have", (f) => f.count("back-door", NOW - MIN, 1, 0)],
  ];
  it.each(badEvents)("rejects %s: %s, and keeps the good events beside it", async (reason, _what, make) => {
    const [enter, exit] = f.visit("good", "bakery", NOW - 10 * MIN, MIN);
    await t.ingest("shop", "cam-1", [enter, make(f), exit]);
    expect(await rejected(reason)).toBe(1);
    expect(await accepted()).toBe(2);
    expect(await visits("bakery")).toBe(1);
    expect((await agent()).rejects).toBe(1);
  });

  it("accepts an event up to 5 minutes ahead and up to 7 days old", async () => {
    await t.ingest("shop", "cam-1", [f.enter("a", "fruit", NOW + 5 * MIN), f.enter("b", "fruit", NOW - 7 * 86_400_000)]);
    expect(await accepted()).toBe(2);
  });

  it("rejects every event of a store without a layout as unknown_store", async () => {
    await t.ingest("ghost", "cam-1", [f.enter("v", "fruit", NOW - MIN), f.exit("v", "fruit", NOW)]);
    expect(await rejected("unknown_store")).toBe(2);
  });

  it("checks the zone against the layout in force at the event's time", async () => {
    await t.putLayout("shop", { ...smallLayout({ validFrom: NOW - 3_600_000 }), zones: [...smallLayout().zones, rectZone("promo", "zone", 10, 0, 2, 2)] });
    await t.ingest("shop", "cam-1", [f.enter("early", "promo", NOW - 2 * 3_600_000), f.enter("late", "promo", NOW - 30 * MIN)]);
    expect(await rejected("unknown_zone")).toBe(1);
    expect(await visits("promo")).toBe(1);
  });

  it("accepts late and out-of-order events into the same figures", async () => {
    const [e1, x1] = f.visit("v1", "fruit", NOW - 2 * 86_400_000, 2 * MIN);
    const [e2, x2] = f.visit("v2", "fruit", NOW - 10 * MIN, 4 * MIN);
    await t.ingest("shop", "cam-1", [x2, x1]);
    await t.ingest("shop", "cam-1", [e2]);
    await t.ingest("shop", "cam-1", [e1]);
    const dwell = (await t.get(`/api/v1/stores/shop/dwell?from=${NOW - 3 * 86_400_000}&to=${NOW}`)).body.zones.find(
      (z: { zone: string }) => z.zone === "fruit",
    );
    expect(dwell).toEqual({ zone: "fruit", visits: 2, visitors: 2, dwell_s: { mean: 180, median: 180, p90: 240 } });
  });

  it("commits many messages submitted together, and acknowledges each", async () => {
    const done = Array.from({ length: 50 }, (_, i) => t.ingest("shop", "cam-1", f.visit(`v${i}`, "fruit", NOW - 20 * MIN + i, MIN)));
    await Promise.all(done);
    expect(await accepted()).toBe(100);
    expect(await visits("fruit")).toBe(50);
  });

  it("commits a backlog one commit per turn of the event loop, so that a signal, the broker or HTTP is heard between commits", async () => {
    const { services } = t.server;
    // Each commit notes how many turns of the event loop have been seen.
    const loop = countTurns();
    const seen: number[] = [];
    const watching = {
      ...services.storage,
      transaction: ((fn, opts) => (seen.push(loop.turns()), services.storage.transaction(fn, opts))) as Storage["transaction"],
    } as Storage;
    // One message per commit: a backlog of five commits.
    const pipeline = testPipeline(watching, { maxEventsPerCommit: 1 });
    const submit = (v: string) =>
      new Promise((resolve) => pipeline.submit({ store: "shop", agent: "cam-1", payload: Buffer.from(batchJson("cam-1", [f.enter(v, "fruit", NOW)])), done: resolve }));
    await Promise.all(["v1", "v2", "v3", "v4", "v5"].map(submit));
    loop.stop();
    expect(seen).toHaveLength(5);
    expect(seen.every((n, i) => i === 0 || n > seen[i - 1]!), `turns seen by each commit: ${seen.join(", ")}`).toBe(true);
    expect(await services.storage.events.total("shop")).toBe(5);
  });

  it("hands a failed commit's error to every message, so that the broker redelivers them", async () => {
    const { services } = t.server;
    const failing = {
      ...services.storage,
      transaction: () => Promise.reject(new Error("disk full")),
    } as Storage;
    const pipeline = testPipeline(failing);
    const outcome = (payload: string) =>
      new Promise<Error | undefined>((resolve) => pipeline.submit({ store: "shop", agent: "cam-1", payload: Buffer.from(payload), done: resolve }));
    const results = await Promise.all([outcome(batchJson("cam-1", [f.enter("v", "fruit", NOW)])), outcome(batchJson("cam-1", [f.enter("w", "fruit", NOW)]))]);
    expect(results.map((e) => e?.message)).toEqual(["disk full", "disk full"]);
  });

  it("tells which stores changed after a commit", async () => {
    const changed: string[][] = [];
    const { services } = t.server;
    const pipeline = testPipeline(services.storage, { onCommitted: (stores) => changed.push([...stores]) });
    await new Promise((resolve) =>
      pipeline.submit({ store: "shop", agent: "cam-1", payload: Buffer.from(batchJson("cam-1", [f.enter("v", "fruit", NOW)])), done: resolve }),
    );
    await new Promise((resolve) => pipeline.submit({ store: "shop", agent: "cam-1", payload: Buffer.from("nope"), done: resolve }));
    expect(changed).toEqual([["shop"]]);
  });

  it("asks for its next commits' connections as urgent once prioritized (a shard taken over), then as usual", async () => {
    const { services } = t.server;
    const asked: boolean[] = [];
    const watching = {
      ...services.storage,
      transaction: ((fn, opts) => (asked.push(opts?.urgent ?? false), services.storage.transaction(fn, opts))) as Storage["transaction"],
    } as Storage;
    const pipeline = testPipeline(watching);
    const submit = (v: string) =>
      new Promise((resolve) => pipeline.submit({ store: "shop", agent: "cam-1", payload: Buffer.from(batchJson("cam-1", [f.enter(v, "fruit", NOW)])), done: resolve }));
    await submit("v0");
    pipeline.prioritizeNext(2);
    for (const v of ["v1", "v2", "v3"]) await submit(v);
    expect(asked).toEqual([false, true, true, false]);
    expect(await services.storage.events.total("shop")).toBe(4);
  });

  it("logs where a slow commit's time went, step by step, at most once a minute", async () => {
    const { services } = t.server;
    const lines: { msg: string; ms: Record<string, number>; totalMs: number; messages: number; stores: number }[] = [];
    // A database that answers 120 ms late: the connection step takes it.
    const late = { ...services.storage, transaction: ((fn) => new Promise((r) => setTimeout(r, 120)).then(() => services.storage.transaction(fn))) as Storage["transaction"] } as Storage;
    const pipeline = testPipeline(late, {
      log: pino({ level: "warn" }, { write: (line: string) => void lines.push(JSON.parse(line)) }),
      slowCommitMs: 100,
    });
    const submit = (v: string) =>
      new Promise((resolve) => pipeline.submit({ store: "shop", agent: "cam-1", payload: Buffer.from(batchJson("cam-1", [f.enter(v, "fruit", NOW)])), done: resolve }));
    await submit("v1");
    await submit("v2");
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line!.msg).toMatch(/slow group commit/);
    expect(Object.keys(line!.ms)).toEqual(["open", "check", "connection", "fenceAndVisitors", "insert", "stage", "commit"]);
    expect(line!.ms.connection).toBeGreaterThanOrEqual(110);
    expect(Object.values(line!.ms).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(line!.totalMs + 7);
    expect([line!.messages, line!.stores]).toEqual([1, 1]);
  });

  describe("receipts", () => {
    type Receipt = { store: string; agent: string; settled: string[]; rejected: { id: string; reason: string }[]; storedAtThatTime: Promise<number> };
    function receiptPipeline(storage: Storage = t.server.services.storage) {
      const { services } = t.server;
      const receipts: Receipt[] = [];
      const pipeline = testPipeline(storage, {
        onSettled: (store, agent, settled, rejected) =>
          receipts.push({ store, agent, settled, rejected, storedAtThatTime: services.storage.events.total(store) }),
      });
      const submit = (agent: string, payload: string) =>
        new Promise<Error | undefined>((resolve) => pipeline.submit({ store: "shop", agent, payload: Buffer.from(payload), done: resolve }));
      /** The receipts, with the events stored when each was sent (read at that moment). */
      const sent = () => Promise.all(receipts.map(async (r) => ({ ...r, storedAtThatTime: await r.storedAtThatTime })));
      return { pipeline, receipts, submit, sent };
    }

    it("settles every id of an agent's messages in one receipt per commit: stored, duplicate and rejected for good, with reasons", async () => {
      const { receipts, submit, sent } = receiptPipeline();
      const [enter, exit] = f.visit("v1", "fruit", NOW - 10 * MIN, MIN);
      await submit("cam-1", batchJson("cam-1", [enter]));
      receipts.length = 0;
      const old = f.enter("v2", "fruit", NOW - 8 * 86_400_000);
      const narnia = f.enter("v3", "narnia", NOW - MIN);
      await Promise.all([submit("cam-1", batchJson("cam-1", [enter, exit, old])), submit("cam-1", batchJson("cam-1", [narnia]))]);
      expect(await sent()).toEqual([
        {
          store: "shop",
          agent: "cam-1",
          settled: [enter.id, exit.id, old.id, narnia.id],
          rejected: [
            { id: old.id, reason: "too_old" },
            { id: narnia.id, reason: "unknown_zone" },
          ],
          storedAtThatTime: 2,
        },
      ]);
    });

    it("sends each agent its own receipt", async () => {
      const { receipts, submit } = receiptPipeline();
      const g = new EventFactory("cam-2");
      const a = f.enter("v1", "fruit", NOW - MIN);
      const b = g.enter("v2", "fruit", NOW - MIN);
      await Promise.all([submit("cam-1", batchJson("cam-1", [a])), submit("cam-2", batchJson("cam-2", [b]))]);
      expect(receipts.map((r) => [r.agent, r.settled])).toEqual([
        ["cam-1", [a.id]],
        ["cam-2", [b.id]],
      ]);
    });

    it("settles an event that fails the schema by its id, when it has one", async () => {
      const { receipts, submit } = receiptPipeline();
      const bad = { ...f.enter("v", "fruit", NOW - MIN), confidence: 2 };
      await submit("cam-1", batchJson("cam-1", [bad, { type: "enter" }]));
      expect(receipts).toEqual([expect.objectContaining({ settled: [bad.id], rejected: [{ id: bad.id, reason: "schema" }] })]);
    });

    it("sends no receipt for a message whose commit failed: the broker redelivers it", async () => {
      const failing = {
        ...t.server.services.storage,
        transaction: () => Promise.reject(new Error("disk full")),
      } as Storage;
      const { receipts, submit } = receiptPipeline(failing);
      expect((await submit("cam-1", batchJson("cam-1", [f.enter("v", "fruit", NOW)])))?.message).toBe("disk full");
      expect(receipts).toEqual([]);
    });

    it("sends nothing for a message that settles no id (not JSON)", async () => {
      const { receipts, submit } = receiptPipeline();
      await submit("cam-1", "nope");
      expect(receipts).toEqual([]);
    });
  });
});
