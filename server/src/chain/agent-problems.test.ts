/**
 * The chain overview counts each store's agents needing attention with a memo of their decoded rows
 * (AgentAttentionMemo): the count must be problemsOf's over the rows as they are now, at each ask's
 * clock. A memo that missed a changed row (a stalled source's status) or kept a judgement made at an
 * earlier clock (an agent gone silent since) would show a stale count.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { agentProblems, storedWithStatus } from "@footfall/core";
import { attentionOf, problemsOf, statusPartOf } from "../agent-info.js";
import type { AgentRow } from "../storage/types.js";
import { smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";
import { AgentAttentionMemo } from "./agent-problems.js";

const T0 = Date.UTC(2026, 11, 5, 15, 0, 0);
const WARN = 30_000;
const STORES = ["s1", "s2", "s3"];
const KINDS = ["camera", "door", "sim"] as const;

function newRow(store: string, i: number): AgentRow {
  const agent = `a${i}`;
  return {
    store,
    agent,
    kind: KINDS[i % KINDS.length]!,
    username: `${store}.${agent}`,
    state: "never-seen",
    version: null,
    statusTs: null,
    lastEventTs: null,
    lastReceivedAt: null,
    events: 0,
    duplicates: 0,
    rejects: 0,
    revokedAt: null,
    statusMetrics: null,
    clockSamples: null,
  };
}

/** What happens to one agent's row between two asks (as the server's writers change it). */
const change = fc.oneof(
  fc.record({
    kind: fc.constant("status" as const),
    state: fc.constantFrom("online", "online", "offline"),
    inputAgeMs: fc.option(fc.integer({ min: 0, max: 200_000 })),
    queued: fc.integer({ min: 0, max: 50_000 }),
    statusEveryS: fc.option(fc.constantFrom(10, 30, 600)),
    clockOffMs: fc.integer({ min: -120_000, max: 120_000 }),
    live: fc.boolean(),
  }),
  fc.record({ kind: fc.constant("events" as const), n: fc.integer({ min: 1, max: 500 }), lateMs: fc.integer({ min: 0, max: 900_000 }) }),
  fc.record({ kind: fc.constant("revoke" as const) }),
);

type Change = typeof change extends fc.Arbitrary<infer C> ? C : never;

function apply(row: AgentRow, c: Change, now: number): AgentRow {
  switch (c.kind) {
    case "status": {
      const metrics = { queued: c.queued, oldestQueuedAgeMs: c.queued ? 60_000 : 0, ...(c.statusEveryS ? { statusEveryS: c.statusEveryS } : {}), ...(c.inputAgeMs !== null ? { inputUnit: "frame", inputAgeMs: c.inputAgeMs, sourceDownMs: 0 } : {}) };
      const ts = now + c.clockOffMs;
      return { ...row, state: c.state, version: "1.5.0", statusTs: ts, statusMetrics: JSON.stringify(metrics), clockSamples: c.live ? storedWithStatus(row.clockSamples, ts, now) : row.clockSamples };
    }
    case "events":
      return { ...row, events: row.events + c.n, lastEventTs: Math.max(row.lastEventTs ?? 0, now - c.lateMs), lastReceivedAt: now };
    case "revoke":
      return { ...row, revokedAt: row.revokedAt ?? now };
  }
}

const reference = (rows: readonly AgentRow[], stores: ReadonlySet<string>, now: number) => {
  const out = new Map<string, number>();
  for (const r of rows) if (stores.has(r.store) && problemsOf(r, WARN, now).length > 0) out.set(r.store, (out.get(r.store) ?? 0) + 1);
  return out;
};

describe("AgentAttentionMemo (the chain overview's count of agents needing attention)", () => {
  it("counts what problemsOf counts over the rows of now, at each ask's clock, whatever changed between asks", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            changes: fc.array(fc.tuple(fc.nat(), change), { maxLength: 6 }),
            waitMs: fc.integer({ min: 0, max: 400_000 }),
            asked: fc.subarray(STORES, { minLength: 1 }),
          }),
          { minLength: 1, maxLength: 15 },
        ),
        fc.integer({ min: 1, max: 4 }),
        (steps, perStore) => {
          let rows = STORES.flatMap((s) => Array.from({ length: perStore }, (_, i) => newRow(s, i)));
          const memo = new AgentAttentionMemo();
          let now = T0;
          for (const step of steps) {
            for (const [i, c] of step.changes) {
              const k = i % rows.length;
              rows = rows.map((r, j) => (j === k ? apply(r, c, now) : r));
            }
            now += step.waitMs;
            // Each ask reads fresh row objects, as storage does.
            const read = rows.map((r) => ({ ...r }));
            const asked = new Set(step.asked);
            expect(memo.problemsByStore(read, asked, WARN, now)).toEqual(reference(read, asked, now));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("decodes a row's status texts again only after a new status, not after its events", () => {
    const rows = STORES.flatMap((s) => [0, 1, 2].map((i) => apply(newRow(s, i), { kind: "status", state: "online", inputAgeMs: 10, queued: 0, statusEveryS: 30, clockOffMs: 0, live: true }, T0)));
    const memo = new AgentAttentionMemo();
    const all = new Set(STORES);
    memo.problemsByStore(rows, all, WARN, T0);
    expect(memo.decoded).toBe(9);
    memo.problemsByStore(rows.map((r) => ({ ...r })), all, WARN, T0 + 1000);
    expect(memo.decoded).toBe(0);
    rows[4] = apply(rows[4]!, { kind: "events", n: 3, lateMs: 100 }, T0 + 2000);
    memo.problemsByStore(rows.map((r) => ({ ...r })), all, WARN, T0 + 2000);
    expect(memo.decoded).toBe(0);
    rows[5] = apply(rows[5]!, { kind: "status", state: "online", inputAgeMs: 90_000, queued: 0, statusEveryS: 30, clockOffMs: 0, live: true }, T0 + 3000);
    expect(memo.problemsByStore(rows.map((r) => ({ ...r })), all, WARN, T0 + 3000)).toEqual(new Map([[rows[5]!.store, 1]]));
    expect(memo.decoded).toBe(1);
  });
});

/** A status's metrics text as agents send them, partly, oddly, or not JSON at all. */
const metricsText = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(null, "", "not json", "[1,2]", "null", "{}") },
  {
    weight: 6,
    arbitrary: fc
      .record(
        {
          queued: fc.oneof(fc.nat({ max: 50 }), fc.constant(-1)),
          oldestQueuedAgeMs: fc.nat({ max: 600_000 }),
          outboxDropped: fc.nat({ max: 3 }),
          statusEveryS: fc.constantFrom(0, 0.5, 10, 30, 600, -5),
          inputUnit: fc.constantFrom("frame", "pulse", ""),
          inputAgeMs: fc.nat({ max: 300_000 }),
          sourceDownMs: fc.nat({ max: 300_000 }),
          sourceRestarts: fc.nat({ max: 5 }),
        },
        { requiredKeys: [] },
      )
      .map((m) => JSON.stringify(m)),
  },
);
/** Clock samples as stored ([at, offsetMs] or unconfirmed [at, offsetMs, 0]), around T0, or garbage. */
const samplesText = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(null, "", "garbage", "[[1]]") },
  {
    weight: 6,
    arbitrary: fc
      .array(fc.tuple(fc.integer({ min: -900_000, max: 900_000 }), fc.integer({ min: -120_000, max: 120_000 }), fc.boolean()), { maxLength: 5 })
      .map((ss) => JSON.stringify(ss.map(([at, off, confirmed]) => (confirmed ? [T0 + at, off] : [T0 + at, off, 0])))),
  },
);
const maybeTime = fc.option(fc.integer({ min: -900_000, max: 900_000 }).map((d) => T0 + d));
/** What a new status writes on a row. */
const newStatus = fc.record({ state: fc.constantFrom("online", "online", "online", "offline", "never-seen"), statusTs: maybeTime, statusMetrics: metricsText, clockSamples: samplesText });
/** What events arriving write on a row. */
const newEvents = fc.record({ n: fc.integer({ min: 1, max: 50 }), lastEventTs: fc.oneof(fc.constant(0), fc.integer({ min: -900_000, max: 900_000 }).map((d) => T0 + d)), lastReceivedAt: maybeTime });
/** An agent's row with whatever status and events, mostly not revoked. */
const anyRow = (store: string, i: number) =>
  fc.record({ status: newStatus, events: fc.option(newEvents), revokedAt: fc.option(fc.constant(T0 - 1000), { freq: 8 }) }).map(({ status, events, revokedAt }): AgentRow => ({
    ...newRow(store, i),
    ...status,
    version: "1.5.0",
    revokedAt,
    ...(events ? { events: events.n, lastEventTs: events.lastEventTs, lastReceivedAt: events.lastReceivedAt } : {}),
  }));

/** The count without the memo: core's agentProblems over agent-info's attentionOf of each row as read now. */
const plainCount = (rows: readonly AgentRow[], stores: ReadonlySet<string>, now: number) => {
  const out = new Map<string, number>();
  for (const r of rows) if (stores.has(r.store) && agentProblems(attentionOf(r), WARN, now).length > 0) out.set(r.store, (out.get(r.store) ?? 0) + 1);
  return out;
};

describe("attentionOf with a kept status part (what the memo relies on)", () => {
  it("reads the row's two status texts only through its status part: a part kept from the same texts gives every field as decoding the row does", () => {
    fc.assert(
      fc.property(anyRow("s1", 0), metricsText, samplesText, (row, otherMetrics, otherSamples) => {
        const kept = statusPartOf({ ...row });
        expect(attentionOf({ ...row, statusMetrics: otherMetrics, clockSamples: otherSamples }, kept)).toEqual(attentionOf(row));
        expect(attentionOf(row, kept)).toEqual(attentionOf(row));
      }),
      { numRuns: 500 },
    );
  });

  it("the memo counts what agentProblems over attentionOf counts, after random statuses, new statuses and events arrived between asks", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }).chain((perStore) =>
          fc.tuple(
            fc.tuple(...STORES.flatMap((s) => Array.from({ length: perStore }, (_, i) => anyRow(s, i)))),
            fc.array(
              fc.record({
                // Per agent: a new status (both texts new, or one of them as before: steady metrics and a new clock
                // sample is an agent's usual status), events arrived, both, or nothing.
                changes: fc.array(fc.record({ status: fc.option(newStatus), same: fc.constantFrom("neither", "metrics", "samples"), events: fc.option(newEvents) }), {
                  minLength: STORES.length * perStore,
                  maxLength: STORES.length * perStore,
                }),
                waitMs: fc.integer({ min: 0, max: 400_000 }),
                asked: fc.subarray(STORES, { minLength: 1 }),
              }),
              { minLength: 1, maxLength: 6 },
            ),
          ),
        ),
        ([first, steps]) => {
          let rows: AgentRow[] = first;
          const memo = new AgentAttentionMemo();
          let now = T0;
          const all = new Set(STORES);
          expect(memo.problemsByStore(rows.map((r) => ({ ...r })), all, WARN, now)).toEqual(plainCount(rows, all, now));
          for (const step of steps) {
            now += step.waitMs;
            rows = rows.map((r, j) => {
              const c = step.changes[j]!;
              const events = c.events ? { events: r.events + c.events.n, lastEventTs: c.events.lastEventTs, lastReceivedAt: c.events.lastReceivedAt } : {};
              const status = c.status && { ...c.status, ...(c.same === "metrics" ? { statusMetrics: r.statusMetrics } : c.same === "samples" ? { clockSamples: r.clockSamples } : {}) };
              return { ...r, ...(status ?? {}), ...events };
            });
            const asked = new Set(step.asked);
            expect(memo.problemsByStore(rows.map((r) => ({ ...r })), asked, WARN, now)).toEqual(plainCount(rows, asked, now));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

const NOW = { ms: T0 };
const t = useTestServer({ now: () => NOW.ms });

describe("GET /api/v1/overview agents.problems as agents go silent or stall", () => {
  it("counts an agent once it goes silent with time alone, and one whose source stalls at its next status", async () => {
    await t.putLayout("lyon", smallLayout({ name: "Lyon", validFrom: T0 - 86_400_000 }));
    const { agents } = t.server.services.storage;
    const status = (kind: "camera" | "door", inputAgeMs: number) => ({ state: "online" as const, ts: NOW.ms, kind, version: "1.5.0", queued: 0, statusEveryS: 30, inputUnit: "frame", inputAgeMs, sourceDownMs: 0, sourceRestarts: 0 });
    await agents.add("lyon", "cam-1", "camera", T0 - 3_600_000);
    await agents.add("lyon", "door-1", "door", T0 - 3_600_000);
    await agents.recordStatus("lyon", "cam-1", status("camera", 40), NOW.ms);
    await agents.recordStatus("lyon", "door-1", status("door", 0), NOW.ms);
    const problems = async () => {
      const res = await t.get("/api/v1/overview");
      expect(res.status).toBe(200);
      return (res.body.stores as { id: string; agents: { problems: number } }[]).find((s) => s.id === "lyon")!.agents.problems;
    };
    const listed = async () => (await t.get("/api/v1/agents?problems=1")).body.total as number;
    expect(await problems()).toBe(0);
    // 60 s on, the camera's next status says it had no frame for 70 s: stalled (its row changed).
    NOW.ms += 60_000;
    await agents.recordStatus("lyon", "cam-1", status("camera", 70_000), NOW.ms);
    await agents.recordStatus("lyon", "door-1", status("door", 0), NOW.ms);
    expect(await problems()).toBe(1);
    expect(await listed()).toBe(1);
    // The door counter sends nothing more: 90 s after its last status nothing yet, past it silent (no row changed).
    NOW.ms += 90_000;
    expect(await problems()).toBe(1);
    NOW.ms += 1;
    expect(await problems()).toBe(2);
    expect(await listed()).toBe(2);
    // Its next status clears it.
    await agents.recordStatus("lyon", "door-1", status("door", 0), NOW.ms);
    expect(await problems()).toBe(1);
  });
});
