/**
 * No single message can fail, delay or disconnect anyone else's: a message whose checks throw is
 * taken out of the group commit alone (every check runs before its first write), the reject path
 * cannot throw, and the v1.1 bounds are counted by reason.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { metricValue } from "../../../test/support/api.js";
import { batchJson, EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { createLogger } from "../log.js";
import { createMetrics, type Metrics } from "../metrics.js";
import type { Storage } from "../storage/types.js";
import type { LayoutCache } from "./layouts.js";
import { IngestPipeline, isoTime } from "./pipeline.js";

const NOW = Date.UTC(2026, 10, 20, 15, 0, 0);
const MIN = 60_000;
let t: TestServer;
let f: EventFactory;
beforeEach(async () => {
  t = await startTestServer({ now: () => NOW });
  await t.putLayout("shop", smallLayout());
  await t.server.services.storage.agents.add("shop", "cam-1", "camera", NOW);
  await t.server.services.storage.agents.add("shop", "cam-2", "camera", NOW);
  f = new EventFactory("cam-1");
});
afterEach(() => t.close());

const rejectedIn = async (m: Metrics, reason: string) => metricValue(await m.registry.metrics(), "footfall_events_rejected_total", { reason });
const stored = () => t.server.services.storage.events.total("shop");

/** A pipeline over the test server's storage, with `layouts` replaced where a test needs a failure. */
function pipelineWith(o: { storage?: Storage; layouts?: Partial<LayoutCache> } = {}) {
  const { services } = t.server;
  const metrics = createMetrics();
  // The server's cache, with some methods replaced: the rest still act on the real one.
  const layouts = Object.assign(Object.create(services.layouts) as LayoutCache, o.layouts);
  const pipeline = new IngestPipeline({
    storage: o.storage ?? services.storage,
    layouts,
    analytics: services.analytics,
    metrics,
    log: createLogger("silent"),
    now: () => NOW,
    maxAgeMs: 7 * 86_400_000,
    onCommitted: () => {},
  });
  /** Submits every payload before the pipeline flushes, so they share one group commit; resolves with each outcome. */
  const submitTogether = (messages: [agent: string, payload: string][]) =>
    Promise.all(messages.map(([agent, payload]) => new Promise<Error | undefined>((resolve) => pipeline.submit({ store: "shop", agent, payload: Buffer.from(payload), done: resolve }))));
  return { pipeline, metrics, submitTogether };
}

describe("one message's failure", () => {
  const poisonous = { hasZone: (_s: string, zone: string) => (zone === "checkout" ? (() => { throw new RangeError("poison"); })() : true) };

  it("rolls back only that message: the others of the same commit are stored and every message is acknowledged", async () => {
    const g = new EventFactory("cam-2");
    const { metrics, submitTogether } = pipelineWith({ layouts: poisonous });
    const outcomes = await submitTogether([
      ["cam-1", batchJson("cam-1", f.visit("a", "fruit", NOW - 10 * MIN, MIN))],
      ["cam-2", batchJson("cam-2", [g.enter("b", "bakery", NOW - 5 * MIN), g.enter("b", "checkout", NOW - 4 * MIN)])],
      ["cam-2", batchJson("cam-2", [g.enter("c", "bakery", NOW - 3 * MIN)])],
    ]);
    expect(outcomes).toEqual([undefined, undefined, undefined]);
    // cam-2's poisoned message is gone whole (its bakery enter, checked before the throw, is not written).
    expect(await stored()).toBe(3);
    expect(await rejectedIn(metrics, "internal_error")).toBe(1);
    const cam2 = (await t.server.services.storage.agents.list("shop")).find((a) => a.agent === "cam-2")!;
    expect({ events: cam2.events, rejects: cam2.rejects }).toEqual({ events: 1, rejects: 1 });
  });

  it("leaves no trace of the rolled-back events: sent again in a sound message they are new, not duplicates", async () => {
    const { submitTogether } = pipelineWith({ layouts: poisonous });
    const enter = f.enter("a", "bakery", NOW - 5 * MIN);
    await submitTogether([["cam-1", batchJson("cam-1", [enter, f.enter("a", "checkout", NOW - 4 * MIN)])]]);
    expect(await stored()).toBe(0);
    await t.ingest("shop", "cam-1", [enter]);
    expect(await stored()).toBe(1);
    expect(metricValue(await t.server.services.metrics.registry.metrics(), "footfall_events_duplicate_total", { store: "shop" })).toBe(0);
  });

  it("still fails the whole commit when the database fails (disk full), so that the broker redelivers", async () => {
    const real = t.server.services.storage;
    const full = Object.assign(new Error("database or disk is full"), { code: "SQLITE_FULL" });
    // The transaction's own storage fails its inserts, as SQLite does when the disk is full.
    const failing: Storage = {
      ...real,
      transaction: (fn) => real.transaction((tx) => fn({ ...tx, events: { ...tx.events, insertMany: () => Promise.reject(full), insertGroups: () => Promise.reject(full) } })),
    };
    const { submitTogether } = pipelineWith({ storage: failing });
    const outcomes = await submitTogether([
      ["cam-1", batchJson("cam-1", [f.enter("a", "fruit", NOW - MIN)])],
      ["cam-1", batchJson("cam-1", [f.enter("b", "fruit", NOW - MIN)])],
    ]);
    expect(outcomes.map((e) => e?.message)).toEqual(["database or disk is full", "database or disk is full"]);
  });
});

describe("poison timestamps", () => {
  it.each([9e15, 1e300, -1, 0, 4102444800000, 946684799999, 1.5e12 + 0.5])("rejects ts %s as schema without failing the events beside it", async (ts) => {
    const [enter, exit] = f.visit("good", "bakery", NOW - 10 * MIN, MIN);
    await t.ingestPayload("shop", "cam-1", batchJson("cam-1", [enter, { ...f.enter("bad", "fruit", NOW), ts }, exit]));
    expect(await stored()).toBe(2);
    expect(metricValue(await t.server.services.metrics.registry.metrics(), "footfall_events_rejected_total", { reason: "schema" })).toBe(1);
  });

  it("rejects ts written as strings (NaN, Infinity) and as a 400-digit number as schema", async () => {
    const payload = `{"agent":"cam-1","events":[{"type":"enter","id":"cam-1:1","ts":"NaN","zone":"fruit","visitor":"v"},{"type":"enter","id":"cam-1:2","ts":"Infinity","zone":"fruit","visitor":"v"},{"type":"enter","id":"cam-1:3","ts":1${"0".repeat(400)},"zone":"fruit","visitor":"v"}]}`;
    await t.ingestPayload("shop", "cam-1", payload);
    expect(metricValue(await t.server.services.metrics.registry.metrics(), "footfall_events_rejected_total", { reason: "schema" })).toBe(3);
  });

  it("formats any number as a time for a log line without throwing", () => {
    expect(isoTime(9e15)).toBe("9000000000000000");
    expect(isoTime(Number.NaN)).toBe("NaN");
    expect(isoTime(NOW)).toBe("2026-11-20T15:00:00.000Z");
  });
});

describe("the v1.1 reject reasons", () => {
  const reasons = async () => {
    const text = await t.server.services.metrics.registry.metrics();
    return Object.fromEntries(["foreign_id", "personal_id", "too_deep"].map((r) => [r, metricValue(text, "footfall_events_rejected_total", { reason: r })]));
  };

  it("counts an event whose id is another agent's as foreign_id, and stores the agent's own beside it", async () => {
    const mine = f.enter("a", "fruit", NOW - MIN);
    await t.ingest("shop", "cam-1", [mine, { ...f.enter("b", "fruit", NOW - MIN), id: "cam-2:000000001" }, { ...f.enter("c", "fruit", NOW - MIN), id: "cam-1-extra:1" }]);
    expect(await reasons()).toMatchObject({ foreign_id: 2 });
    expect(await stored()).toBe(1);
    // cam-2's real event with that id is not taken for a duplicate.
    await t.ingest("shop", "cam-2", [{ ...new EventFactory("cam-2").enter("d", "fruit", NOW - MIN) }]);
    expect(await stored()).toBe(2);
  });

  it("counts MAC-, e-mail- and phone-shaped visitor ids as personal_id", async () => {
    const visitors = ["AA:BB:CC:DD:EE:FF", "ble-a1b2c3d4e5f6", "jane@example.org", "+33612345678"];
    await t.ingest("shop", "cam-1", [...visitors.map((v) => f.enter(v, "fruit", NOW - MIN)), f.enter("v-7f3a", "fruit", NOW - MIN)]);
    expect(await reasons()).toMatchObject({ personal_id: 4 });
    expect(await stored()).toBe(1);
    expect((await t.server.services.storage.agents.list("shop")).find((a) => a.agent === "cam-1")!.rejects).toBe(4);
  });

  it("counts a message nested deeper than 16 levels as too_deep, without parsing it", async () => {
    await t.ingestPayload("shop", "cam-1", `{"agent":"cam-1","events":[${"[".repeat(100_000)}${"]".repeat(100_000)}]}`);
    expect(await reasons()).toMatchObject({ too_deep: 1 });
  });
});
