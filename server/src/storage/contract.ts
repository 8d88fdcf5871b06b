/**
 * The adapter contract: what every implementation of the storage interface (./types.ts) must do,
 * as vitest tests. An adapter's test file calls `storageContract("name", open)`; `open` gives a
 * fresh, empty storage for each test and a `close` that disposes of it.
 *
 *   storageContract("SQLite", async () => { ... return { storage, close } });
 *
 * Only plain data goes in and comes out, so the same tests hold for SQLite and PostgreSQL.
 */
import { describe, expect, it } from "vitest";
import {
  acceptedEvents,
  dwellByZone,
  occupancyOf,
  clockOffset,
  decodeClockSamples,
  pathReport,
  trafficOf,
  tripsOf,
  visitsOf,
  type CountEvent,
  type FootfallEvent,
  type LayoutInput,
  type VisitorId,
  type ZoneId,
} from "@footfall/core";
import { AggregateDelta } from "../aggregates/delta.js";
import { spansOf } from "../aggregates/spans.js";
import { StoreAnalytics } from "../analytics/store-analytics.js";
import { adminContract } from "./contract-admin.js";
import { alertsContract } from "./contract-alerts.js";
import { accuracyAuditsContract } from "./contract-audits.js";
import { forecastModelsContract } from "./contract-forecast.js";
import { offlineSpansContract } from "./contract-offline-spans.js";
import type { SaleRow, Storage } from "./types.js";
import { webhooksContract } from "./contract-webhooks.js";

export interface ContractStorage {
  storage: Storage;
  close(): Promise<void>;
}

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** A UTC midnight: hours and days line up with it. */
const T0 = Date.UTC(2026, 5, 10);

const layout = (validFrom: number, zones: string[], name?: string): LayoutInput => ({
  ...(name ? { name } : {}),
  validFrom,
  timezone: "Europe/Paris",
  floor: { width: 20, height: 10 },
  zones: zones.map((id, i) => ({
    id: id as ZoneId,
    name: id,
    kind: i === 0 ? "entrance" : "zone",
    polygon: [
      [i * 2, 0],
      [i * 2 + 1, 0],
      [i * 2 + 1, 1],
      [i * 2, 1],
    ],
  })),
});

const enter = (id: string, ts: number, zone: string, visitor: string): FootfallEvent => ({ type: "enter", id, ts, zone: zone as ZoneId, visitor: visitor as VisitorId });
const exit = (id: string, ts: number, zone: string, visitor: string): FootfallEvent => ({ type: "exit", id, ts, zone: zone as ZoneId, visitor: visitor as VisitorId });
const count = (id: string, ts: number, zone: string, nIn: number, nOut: number): FootfallEvent => ({ type: "count", id, ts, zone: zone as ZoneId, in: nIn, out: nOut });
const position = (id: string, ts: number, visitor: string, x: number, y: number): FootfallEvent => ({ type: "position", id, ts, visitor: visitor as VisitorId, x, y });

/** A promise and the function that resolves it. */
function gate(): { wait: Promise<void>; open(): void } {
  let open = () => {};
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

/** The aggregates of three trips, a revisit, a door count and an open visit, in the day of T0. */
function sampleDelta(): AggregateDelta {
  const d = new AggregateDelta();
  d.visit("fruit", "e1", { enterTs: T0 + 10 * 60_000, dwellMs: 60_000, prevEnterTs: null }, 1);
  d.visit("fruit", "e2", { enterTs: T0 + 2 * HOUR, dwellMs: 120_000, prevEnterTs: T0 + 10 * 60_000 }, 1);
  d.visit("bakery", "e3", { enterTs: T0 + 20 * 60_000, dwellMs: null, prevEnterTs: null }, 1);
  d.trip("v1", T0 + 10 * 60_000, "entrance,fruit,checkout", 1);
  d.trip("v2", T0 + 20 * 60_000, "entrance,bakery", 1);
  d.trip("v3", T0 + 3 * HOUR, "entrance,fruit,checkout", 1);
  d.door("entrance", T0 + 5 * 60_000, 3, 1);
  d.door("entrance", T0 + 5 * HOUR, 2, 2);
  d.openVisit("bakery", "v2", T0 + 25 * 60_000);
  return d;
}

const sortBy = <T>(rows: T[], key: (r: T) => string | number) => [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

export function storageContract(name: string, open: () => Promise<ContractStorage>): void {
  /** Runs `fn` on a fresh storage, disposed of afterwards. */
  const withStorage = async (fn: (s: Storage) => Promise<void>) => {
    const o = await open();
    try {
      await fn(o.storage);
    } finally {
      await o.close();
    }
  };
  const test = (title: string, fn: (s: Storage) => Promise<void>) => it(title, () => withStorage(fn), 30_000);

  describe(`storage contract: ${name}`, () => {
    webhooksContract(test);
    describe("opening hours and alerts", () => alertsContract(test));
    describe("accuracy audits", () => accuracyAuditsContract(test));
    describe("forecast models", () => forecastModelsContract(test));
    describe("agents' offline spans", () => offlineSpansContract(test));
    describe("audit log, digests, agent revocation", () => adminContract(test));
    describe("events", () => {
      test("insertMany says which events are new; a repeated id of the same store is a duplicate, even within one call", async (s) => {
        const a = enter("a:1", T0, "fruit", "v1");
        const b = exit("a:2", T0 + 60_000, "fruit", "v1");
        expect(await s.transaction((tx) => tx.events.insertMany("s1", "a", [a, b, a], T0))).toEqual([true, true, false]);
        expect(await s.transaction((tx) => tx.events.insertMany("s1", "a", [b, count("a:3", T0, "entrance", 1, 0)], T0))).toEqual([false, true]);
        // The same id in another store is another event.
        expect(await s.transaction((tx) => tx.events.insertMany("s2", "a", [a], T0))).toEqual([true]);
        expect(await s.events.insert("s2", "a", a, T0)).toBe(false);
        expect(await s.events.total("s1")).toBe(3);
        expect(await s.events.total("s2")).toBe(1);
        expect(await s.events.total("none")).toBe(0);
        expect(await s.transaction((tx) => tx.events.insertMany("s1", "a", [], T0))).toEqual([]);
      });

      test("agentDoorSums: one agent's door counts of a store in [from, to), summed per zone; other agents, stores and instants left out", async (s) => {
        await s.transaction(async (tx) => {
          await tx.events.insertMany("s", "sim", [count("sim:1", T0, "entrance", 5, 1), count("sim:2", T0 + 60_000, "entrance", 2, 3), count("sim:3", T0 + 60_000, "side", 1, 0), enter("sim:4", T0, "fruit", "v1")], T0);
          await tx.events.insertMany("s", "door", [count("door:1", T0 + 60_000, "entrance", 7, 0)], T0);
          await tx.events.insertMany("t", "sim", [count("sim:1", T0, "entrance", 9, 0)], T0);
          await tx.events.insertMany("s", "sim", [count("sim:5", T0 - 1, "entrance", 4, 0), count("sim:6", T0 + HOUR, "entrance", 6, 0)], T0);
        });
        expect(await s.events.agentDoorSums("s", "sim", T0, T0 + HOUR)).toEqual([
          { zone: "entrance", in: 7, out: 4 },
          { zone: "side", in: 1, out: 0 },
        ]);
        expect(await s.events.agentDoorSums("s", "nobody", T0, T0 + HOUR)).toEqual([]);
      });

      test("insertGroups inserts several agents' events at once: new ones per group, an id repeated across groups of a store new once, in the first", async (s) => {
        const a = enter("a:1", T0, "fruit", "v1");
        await s.transaction((tx) => tx.events.insertMany("s1", "a", [a], T0));
        const out = await s.transaction((tx) =>
          tx.events.insertGroups(
            [
              { store: "s1", agent: "a", events: [a, exit("a:2", T0 + 1000, "fruit", "v1")] },
              { store: "s2", agent: "a", events: [a] },
              { store: "s1", agent: "b", events: [count("b:1", T0, "entrance", 1, 0), exit("a:2", T0 + 1000, "fruit", "v1")] },
              { store: "s3", agent: "c", events: [] },
            ],
            T0,
          ),
        );
        expect(out).toEqual([[false, true], [true], [true, false], []]);
        expect(await s.events.total("s1")).toBe(3);
        expect(await s.events.total("s2")).toBe(1);
        expect(await s.transaction((tx) => tx.events.insertGroups([], T0))).toEqual([]);
      });

      test("gives a visitor's events back whole, by ts then id, and several visitors' at once", async (s) => {
        const events = [
          exit("a:5", T0 + 2000, "fruit", "v1"),
          enter("a:4", T0 + 1000, "fruit", "v1"),
          position("a:3", T0 + 1000, "v1", 1.5, 2.25),
          enter("a:1", T0, "bakery", "v2"),
          count("a:2", T0, "entrance", 2, 1),
        ];
        await s.transaction((tx) => tx.events.insertMany("s", "a", events, T0));
        expect(await s.events.visitorEvents("s", "v1")).toEqual([position("a:3", T0 + 1000, "v1", 1.5, 2.25), enter("a:4", T0 + 1000, "fruit", "v1"), exit("a:5", T0 + 2000, "fruit", "v1")]);
        const both = await s.events.visitorsEvents("s", ["v1", "v2", "nobody"]);
        expect([...both.keys()].sort()).toEqual(["nobody", "v1", "v2"]);
        expect(both.get("v2")).toEqual([enter("a:1", T0, "bakery", "v2")]);
        expect(both.get("v1")).toHaveLength(3);
        expect(both.get("nobody")).toEqual([]);
        // A visitor with no more events stored than the caller holds needs no read: an empty list is enough.
        const known = await s.events.visitorsEvents("s", ["v1", "v2"], (v) => (v === "v2" ? 1 : 0));
        expect(known.get("v1")).toHaveLength(3);
        expect(known.get("v2")!.length === 0 || known.get("v2")!.length === 1).toBe(true);
      });

      test("visitorsEventsMany: several stores' visitors in one call, each as visitorsEvents answers it", async (s) => {
        const events = [exit("a:5", T0 + 2000, "fruit", "v1"), enter("a:4", T0 + 1000, "fruit", "v1"), enter("a:1", T0, "bakery", "v2")];
        await s.transaction(async (tx) => {
          await tx.events.insertMany("s", "a", events, T0);
          // The same visitor id in another store is another person.
          await tx.events.insertMany("t", "a", [enter("a:9", T0 + 500, "fruit", "v1")], T0);
        });
        const many = await s.events.visitorsEventsMany([
          { store: "s", visitors: ["v1", "v2", "nobody"] },
          { store: "t", visitors: ["v1", "v2"] },
          { store: "u", visitors: [] },
        ]);
        expect([...many.keys()].sort()).toEqual(["s", "t", "u"]);
        for (const [store, visitors] of [
          ["s", ["v1", "v2", "nobody"]],
          ["t", ["v1", "v2"]],
        ] as const) {
          const one = await s.events.visitorsEvents(store, visitors);
          expect(Object.fromEntries(many.get(store)!)).toEqual(Object.fromEntries(one));
        }
        expect(many.get("t")!.get("v1")).toEqual([enter("a:9", T0 + 500, "fruit", "v1")]);
        expect(many.get("u")!.size).toBe(0);
        // `known`: a visitor with no more events stored than the caller holds may come back empty; one with more comes back whole.
        const known = await s.events.visitorsEventsMany([{ store: "s", visitors: ["v1", "v2"], known: (v) => (v === "v2" ? 1 : 0) }]);
        expect(known.get("s")!.get("v1")).toHaveLength(2);
        expect(known.get("s")!.get("v2")!.length === 0 || known.get("s")!.get("v2")!.length === 1).toBe(true);
        expect((await s.events.visitorsEventsMany([])).size).toBe(0);
      });
    });

    describe("stores and layouts", () => {
      test("saveLayout creates the store, counts versions up from 1 and orders layouts by validFrom then version", async (s) => {
        expect(await s.stores.get("shop")).toBeUndefined();
        const v1 = await s.stores.saveLayout("shop", layout(T0, ["entrance", "fruit"], "The Shop"), T0);
        expect(v1).toMatchObject({ store: "shop", name: "The Shop", version: 1, validFrom: T0 });
        expect(await s.stores.get("shop")).toEqual({ id: "shop", name: "The Shop" });
        const v2 = await s.stores.saveLayout("shop", layout(T0 - DAY, ["entrance", "fruit", "bakery"]), T0 + 1);
        expect(v2).toMatchObject({ version: 2, name: "The Shop", validFrom: T0 - DAY });
        await s.stores.saveLayout("shop", layout(T0 + DAY, ["entrance"], "Renamed"), T0 + 2);
        expect((await s.stores.layouts("shop")).map((l) => [l.version, l.validFrom, l.zones.length])).toEqual([
          [2, T0 - DAY, 3],
          [1, T0, 2],
          [3, T0 + DAY, 1],
        ]);
        expect(await s.stores.versions("shop")).toEqual([
          { version: 1, validFrom: T0 },
          { version: 2, validFrom: T0 - DAY },
          { version: 3, validFrom: T0 + DAY },
        ]);
        // Version 3 is for later: the store keeps the name of the version in force.
        expect((await s.stores.get("shop"))?.name).toBe("The Shop");
        expect((await s.stores.layouts("shop"))[0]).toEqual(v2);
        expect(await s.stores.layouts("other")).toEqual([]);
        expect(await s.stores.versions("other")).toEqual([]);
      });

      test("a version saved for later renames the store when it takes effect (nameInForce), one in force at once", async (s) => {
        await s.stores.saveLayout("shop", layout(0, ["entrance"], "Old Name"), T0);
        await s.stores.saveLayout("shop", layout(T0 + DAY, ["entrance"], "After The Refit"), T0 + 1);
        expect(await s.stores.get("shop")).toEqual({ id: "shop", name: "Old Name" });
        expect(await s.stores.list()).toEqual([{ id: "shop", name: "Old Name" }]);
        // Nothing to do before its time; at its time the store takes its name, once.
        expect(await s.stores.nameInForce("shop", T0 + DAY - 1)).toBeNull();
        expect(await s.stores.nameInForce("shop", T0 + DAY)).toBe("After The Refit");
        expect(await s.stores.nameInForce("shop", T0 + DAY + 1)).toBeNull();
        expect((await s.stores.get("shop"))?.name).toBe("After The Refit");
        // A version in force at its save (validFrom now or before) renames at once; a store without layouts is left alone.
        await s.stores.saveLayout("shop", layout(T0 + 2 * DAY, ["entrance"], "In Force"), T0 + 2 * DAY);
        expect((await s.stores.get("shop"))?.name).toBe("In Force");
        // A store's first version is in force before its validFrom too (core layoutAt): it names the store.
        await s.stores.ensure("new", "new", T0);
        await s.stores.saveLayout("new", layout(T0 + DAY, ["entrance"], "New Shop"), T0);
        expect((await s.stores.get("new"))?.name).toBe("New Shop");
        expect(await s.stores.nameInForce("none", T0)).toBeNull();
      });

      test("cancelLayout deletes a version saved for later only, and its number is never given again", async (s) => {
        await s.stores.saveLayout("shop", layout(0, ["entrance"], "Shop"), T0);
        await s.stores.saveLayout("shop", layout(T0 + DAY, ["entrance", "fruit"], "Refit"), T0 + 1);
        await s.stores.saveLayout("shop", layout(T0 + 2 * DAY, ["entrance"]), T0 + 2);
        expect(await s.stores.cancelLayout("shop", 1, T0 + 3)).toEqual({ outcome: "in force", validFrom: 0 });
        expect(await s.stores.cancelLayout("shop", 9, T0 + 3)).toEqual({ outcome: "unknown" });
        expect(await s.stores.cancelLayout("none", 1, T0 + 3)).toEqual({ outcome: "unknown" });
        // The newest number cancelled: the next save still counts on from it.
        expect(await s.stores.cancelLayout("shop", 3, T0 + 3)).toEqual({ outcome: "cancelled", validFrom: T0 + 2 * DAY });
        expect(await s.stores.cancelLayout("shop", 3, T0 + 3)).toEqual({ outcome: "unknown" });
        expect(await s.stores.versions("shop")).toEqual([
          { version: 1, validFrom: 0 },
          { version: 2, validFrom: T0 + DAY },
        ]);
        expect((await s.stores.layouts("shop")).map((l) => l.version)).toEqual([1, 2]);
        expect((await s.stores.saveLayout("shop", layout(T0 + 3 * DAY, ["entrance"]), T0 + 4)).version).toBe(4);
        // Once in force (at its validFrom), or superseded since, a version is history: kept.
        expect(await s.stores.cancelLayout("shop", 2, T0 + DAY)).toEqual({ outcome: "in force", validFrom: T0 + DAY });
        expect(await s.stores.cancelLayout("shop", 2, T0 + 3 * DAY)).toEqual({ outcome: "past", validFrom: T0 + DAY });
        expect(await s.stores.cancelLayout("shop", 4, T0 + 2 * DAY)).toEqual({ outcome: "cancelled", validFrom: T0 + 3 * DAY });
        expect(await s.stores.cancelLayout("shop", 2, T0 + 2 * DAY)).toEqual({ outcome: "in force", validFrom: T0 + DAY });
        expect((await s.stores.saveLayout("shop", layout(T0 + 3 * DAY, ["entrance"]), T0 + 5)).version).toBe(5);
        // The store's name is the version in force's still.
        expect((await s.stores.get("shop"))?.name).toBe("Shop");
      });

      test("cancelLayout refuses a version an experiment names (checked in its transaction); an experiment naming a version is inserted only while it is stored", async (s) => {
        await s.stores.saveLayout("shop", layout(0, ["entrance"], "Shop"), T0);
        await s.stores.saveLayout("shop", layout(T0 + DAY, ["entrance", "fruit"], "Refit"), T0 + 1);
        const experiment = { id: "e1", name: "Refit test", testStores: ["shop"], layoutVersion: 2 };
        expect(await s.experiments.insert(experiment, T0 + 2, { store: "shop", version: 2 })).toBe(true);
        // Another store's version 2, or another version of this store, is not this experiment's.
        await s.experiments.insert({ id: "e0", name: "Elsewhere", testStores: ["other", "shop"], layoutVersion: 3 }, T0 + 2);
        expect(await s.stores.cancelLayout("shop", 2, T0 + 3)).toEqual({ outcome: "referenced", validFrom: T0 + DAY, experiment: { id: "e1", name: "Refit test" } });
        expect((await s.stores.versions("shop")).map((v) => v.version)).toEqual([1, 2]);
        expect(await s.stores.replaceLayout("shop", 2, layout(T0 + 2 * DAY, ["entrance"]), T0 + 3)).toEqual({
          outcome: "referenced",
          validFrom: T0 + DAY,
          experiment: { id: "e1", name: "Refit test" },
        });
        expect((await s.stores.versions("shop")).map((v) => v.version)).toEqual([1, 2]);
        expect(await s.experiments.remove("e1")).toBe(true);
        expect(await s.stores.cancelLayout("shop", 2, T0 + 3)).toEqual({ outcome: "cancelled", validFrom: T0 + DAY });
        // The cancelled version: an experiment naming it is refused (nothing inserted); one without layoutOf is not checked.
        expect(await s.experiments.insert({ ...experiment, id: "e2" }, T0 + 4, { store: "shop", version: 2 })).toBe(false);
        expect(await s.experiments.get("e2")).toBeUndefined();
        expect(await s.experiments.insert({ ...experiment, id: "e3", layoutVersion: null }, T0 + 4)).toBe(true);

        // A cancel and an experiment's insert at once: one of them wins, never both (the experiment would name a gone version).
        for (let i = 0; i < 8; i++) {
          const v = (await s.stores.saveLayout("shop", layout(T0 + (3 + i) * DAY, ["entrance"]), T0 + 5)).version;
          const [inserted, cancelled] = await Promise.all([
            s.experiments.insert({ ...experiment, id: `race${i}`, layoutVersion: v }, T0 + 6, { store: "shop", version: v }),
            s.stores.cancelLayout("shop", v, T0 + 6),
          ]);
          const stored = (await s.stores.versions("shop")).some((x) => x.version === v);
          if (inserted) expect([cancelled.outcome, stored]).toEqual(["referenced", true]);
          else expect([cancelled.outcome, stored, await s.experiments.get(`race${i}`)]).toEqual(["cancelled", false, undefined]);
        }
      });

      test("replaceLayout corrects a version saved for later in one step: the old one gone, the new one under a new number; never the one in force nor a past one", async (s) => {
        await s.stores.saveLayout("shop", layout(0, ["entrance"], "Shop"), T0);
        await s.stores.saveLayout("shop", layout(T0 + DAY, ["entrance", "fruit"], "Refit"), T0 + 1);
        const res = await s.stores.replaceLayout("shop", 2, layout(T0 + 2 * DAY, ["entrance", "fruit", "bakery"], "Refit"), T0 + 2);
        expect(res.outcome).toBe("replaced");
        if (res.outcome !== "replaced") return;
        expect(res.validFrom).toBe(T0 + DAY);
        expect([res.layout.version, res.layout.validFrom, res.layout.zones.map((z) => z.id), res.layout.name]).toEqual([3, T0 + 2 * DAY, ["entrance", "fruit", "bakery"], "Refit"]);
        expect(await s.stores.versions("shop")).toEqual([
          { version: 1, validFrom: 0 },
          { version: 3, validFrom: T0 + 2 * DAY },
        ]);
        expect((await s.stores.layouts("shop"))[1]).toEqual(res.layout);
        // Not yet in force: the store keeps its name.
        expect((await s.stores.get("shop"))?.name).toBe("Shop");
        // The replaced number is not given again; a replaced version is gone (unknown), as a cancelled one.
        expect(await s.stores.replaceLayout("shop", 2, layout(T0 + 2 * DAY, ["entrance"]), T0 + 3)).toEqual({ outcome: "unknown" });
        expect(await s.stores.replaceLayout("none", 1, layout(T0 + 2 * DAY, ["entrance"]), T0 + 3)).toEqual({ outcome: "unknown" });
        expect(await s.stores.replaceLayout("shop", 1, layout(T0 + 2 * DAY, ["entrance"]), T0 + 3)).toEqual({ outcome: "in force", validFrom: 0 });
        expect(await s.stores.replaceLayout("shop", 3, layout(T0 + 4 * DAY, ["entrance"]), T0 + 2 * DAY)).toEqual({ outcome: "in force", validFrom: T0 + 2 * DAY });
        expect((await s.stores.saveLayout("shop", layout(T0 + 3 * DAY, ["entrance"]), T0 + 4)).version).toBe(4);
        expect(await s.stores.replaceLayout("shop", 3, layout(T0 + 5 * DAY, ["entrance"]), T0 + 4 * DAY)).toEqual({ outcome: "past", validFrom: T0 + 2 * DAY });
        // A refused replace keeps everything, and gives no number away.
        expect((await s.stores.versions("shop")).map((v) => v.version)).toEqual([1, 3, 4]);
        // A layout that breaks the contract: nothing replaced (the old version stays), no number given.
        await expect(s.stores.replaceLayout("shop", 4, layout(T0 + 6 * DAY, ["not an id!"]), T0 + 5)).rejects.toThrow(/layout/);
        expect((await s.stores.versions("shop")).map((v) => v.version)).toEqual([1, 3, 4]);
        const again = await s.stores.replaceLayout("shop", 4, layout(T0 + 6 * DAY, ["entrance"]), T0 + 5);
        expect(again.outcome === "replaced" && again.layout.version).toBe(5);
      });

      test("saveLayoutSeen and replaceLayout with seen save only when no newer version is stored, checked in the save's transaction", async (s) => {
        // A store's first layout, by two editors who both saw none (seen 0): one saves it, the other is told.
        const first = await Promise.all([s.stores.saveLayoutSeen("shop", layout(0, ["entrance"], "A"), T0, 0), s.stores.saveLayoutSeen("shop", layout(0, ["entrance"], "B"), T0, 0)]);
        expect(first.map((r) => r.outcome).sort()).toEqual(["newer", "saved"]);
        expect(first.find((r) => r.outcome === "newer")).toEqual({ outcome: "newer", newer: [{ version: 1, validFrom: 0 }] });
        expect(await s.stores.versions("shop")).toEqual([{ version: 1, validFrom: 0 }]);
        // Two editors who saw version n save at once, over and over: exactly one saves each time, never both.
        for (let n = 1; n <= 8; n++) {
          const res = await Promise.all([0, 1].map((i) => s.stores.saveLayoutSeen("shop", layout(T0 + n * DAY + i, ["entrance", "fruit"]), T0 + n, n)));
          expect(res.map((r) => r.outcome).sort()).toEqual(["newer", "saved"]);
          const saved = res.find((r) => r.outcome === "saved");
          expect(saved?.outcome === "saved" && saved.layout.version).toBe(n + 1);
          expect(res.find((r) => r.outcome === "newer")).toEqual({ outcome: "newer", newer: [{ version: n + 1, validFrom: saved?.outcome === "saved" ? saved.layout.validFrom : -1 }] });
        }
        expect((await s.stores.versions("shop")).map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
        // Having seen the newest, a save goes through; a correction likewise only when nothing was saved since.
        const later = await s.stores.saveLayoutSeen("shop", layout(T0 + 20 * DAY, ["entrance"]), T0 + 10, 9);
        expect(later.outcome === "saved" && later.layout.version).toBe(10);
        await s.stores.saveLayout("shop", layout(T0 + 21 * DAY, ["entrance"]), T0 + 11);
        expect(await s.stores.replaceLayout("shop", 10, layout(T0 + 22 * DAY, ["entrance"]), T0 + 12, 10)).toEqual({
          outcome: "newer",
          newer: [{ version: 11, validFrom: T0 + 21 * DAY }],
        });
        expect((await s.stores.versions("shop")).map((v) => v.version)).toContain(10);
        const corrected = await s.stores.replaceLayout("shop", 10, layout(T0 + 22 * DAY, ["entrance"]), T0 + 12, 11);
        expect(corrected.outcome === "replaced" && corrected.layout.version).toBe(12);
        // A replace with seen of an unknown store makes no store.
        expect(await s.stores.replaceLayout("none", 1, layout(T0 + 22 * DAY, ["entrance"]), T0 + 12, 0)).toEqual({ outcome: "unknown" });
        expect(await s.stores.get("none")).toBeUndefined();
      });

      test("saveLayoutSeen refuses a save at a past version's very instant, checked in the save's transaction: of two at once, one saves", async (s) => {
        const now = T0 + 30 * DAY;
        // Two saves at the same past instant at once, without seen (two scripts, two chain servers), over and over, a new
        // store first: one saves, the other is refused as it would be a moment later (old check outside the transaction:
        // both saved, the first version in force at no instant).
        for (let n = 0; n < 8; n++) {
          const at = T0 + n * DAY;
          const res = await Promise.all([0, 1].map((i) => s.stores.saveLayoutSeen("past", layout(at, ["entrance"], `Save ${n}.${i}`), now, undefined)));
          expect(res.map((r) => r.outcome).sort()).toEqual(["past version", "saved"]);
          const saved = res.find((r) => r.outcome === "saved");
          const version = saved?.outcome === "saved" ? saved.layout.version : -1;
          expect(version).toBe(n + 1);
          expect(res.find((r) => r.outcome === "past version")).toEqual({ outcome: "past version", past: { version, validFrom: at }, until: null });
        }
        expect((await s.stores.versions("past")).map((v) => [v.version, v.validFrom])).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((n) => [n + 1, T0 + n * DAY]));
        // A version replaced since is named with the one that replaced it; with seen, the same refusal.
        expect(await s.stores.saveLayoutSeen("past", layout(T0 + 2 * DAY, ["entrance"]), now, 8)).toEqual({
          outcome: "past version",
          past: { version: 3, validFrom: T0 + 2 * DAY },
          until: { version: 4, validFrom: T0 + 3 * DAY },
        });
        // Not refused: a minute later (a new version from then), since always (0), later than now, and a save with a stale seen
        // is told what was saved since first.
        for (const [validFrom, version] of [[T0 + 2 * DAY + 60_000, 9], [0, 10], [now + DAY, 11]] as const) {
          const res = await s.stores.saveLayoutSeen("past", layout(validFrom, ["entrance"]), now, undefined);
          expect(res.outcome === "saved" && res.layout.version).toBe(version);
        }
        expect((await s.stores.saveLayoutSeen("past", layout(T0 + 2 * DAY, ["entrance"]), now, 10)).outcome).toBe("newer");
        expect((await s.stores.versions("past")).length).toBe(11);
      });

      test("saveLayoutSeen does not save beside a version saved for later at the same instant, checked in the save's transaction: of two at once, one saves", async (s) => {
        const now = T0;
        // Two saves at the same future instant at once, without seen (two scripts, two chain servers), a new store first: one
        // saves, the other is told of that version ("scheduled at", the route replaces it). Checked outside the transaction,
        // both saved: the first never in force. The store's first version (since always) first: a store's first version is in
        // force before its validFrom too, so one saved at its instant later is no refusal.
        expect((await s.stores.saveLayoutSeen("later", layout(0, ["entrance"], "Opening"), now, undefined)).outcome).toBe("saved");
        for (let n = 0; n < 8; n++) {
          const at = T0 + (n + 1) * DAY;
          const res = await Promise.all([0, 1].map((i) => s.stores.saveLayoutSeen("later", layout(at, ["entrance"], `Save ${n}.${i}`), now, undefined)));
          expect(res.map((r) => r.outcome).sort()).toEqual(["saved", "scheduled at"]);
          const saved = res.find((r) => r.outcome === "saved");
          const version = saved?.outcome === "saved" ? saved.layout.version : -1;
          expect(version).toBe(n + 2);
          expect(res.find((r) => r.outcome === "scheduled at")).toEqual({ outcome: "scheduled at", scheduled: { version, validFrom: at } });
        }
        expect((await s.stores.versions("later")).map((v) => [v.version, v.validFrom])).toEqual([[1, 0], ...[0, 1, 2, 3, 4, 5, 6, 7].map((n) => [n + 2, T0 + (n + 1) * DAY])]);
        // A minute later is a version of its own; once that instant has passed, it is a past version's ("past version").
        const minuteLater = await s.stores.saveLayoutSeen("later", layout(T0 + DAY + 60_000, ["entrance"]), now, undefined);
        expect(minuteLater.outcome === "saved" && minuteLater.layout.version).toBe(10);
        expect((await s.stores.saveLayoutSeen("later", layout(T0 + DAY, ["entrance"]), T0 + 2 * DAY, undefined)).outcome).toBe("past version");
        expect((await s.stores.versions("later")).length).toBe(10);
      });

      test("replaceLayout does not move a correction beside a version saved for later at its new instant, checked in the replace's transaction", async (s) => {
        const now = T0;
        expect((await s.stores.saveLayoutSeen("moved", layout(0, ["entrance"], "Opening"), now, undefined)).outcome).toBe("saved");
        // Each round: a version saved for later, then at once its correction moved a day later and a new save at that later
        // instant (two desks): one of the two is told of the other ("scheduled at"), one version at the instant. Checked
        // outside the transaction, both went: the save's version (or the correction) never in force.
        for (let n = 0; n < 8; n++) {
          const at = T0 + (2 * n + 1) * DAY;
          const planned = await s.stores.saveLayoutSeen("moved", layout(at, ["entrance"], `Planned ${n}`), now, undefined);
          const version = planned.outcome === "saved" ? planned.layout.version : -1;
          // Started in either order (each storage runs them one after the other, the first started first, or nearly).
          const replace = () => s.stores.replaceLayout("moved", version, layout(at + DAY, ["entrance"], `Moved ${n}`), now);
          const save = () => s.stores.saveLayoutSeen("moved", layout(at + DAY, ["entrance"], `Saved ${n}`), now, undefined);
          const res = n % 2 === 0 ? await Promise.all([replace(), save()]) : (await Promise.all([save(), replace()])).reverse();
          const outcomes = res.map((r) => r.outcome);
          expect(outcomes.filter((o) => o === "scheduled at"), outcomes.join(" ")).toHaveLength(1);
          expect((await s.stores.versions("moved")).filter((v) => v.validFrom === at + DAY)).toHaveLength(1);
        }
        // The replaced version gone meanwhile: "unknown", whatever is at the new instant.
        const gone = await s.stores.replaceLayout("moved", 999, layout(T0 + 2 * DAY, ["entrance"]), now);
        expect(gone.outcome).toBe("unknown");
      });

      test("ensure creates a store once and keeps its name; list orders by id", async (s) => {
        await s.stores.ensure("b", "Bee", T0);
        await s.stores.ensure("a", "Ay", T0);
        await s.stores.ensure("b", "Other", T0);
        expect(await s.stores.list()).toEqual([
          { id: "a", name: "Ay" },
          { id: "b", name: "Bee" },
        ]);
      });

      test("refuses a layout that breaks the contract, and keeps nothing of it", async (s) => {
        await expect(s.stores.saveLayout("shop", layout(T0, ["not an id!"]), T0)).rejects.toThrow(/layout/);
        expect(await s.stores.versions("shop")).toEqual([]);
      });
    });

    describe("aggregates", () => {
      test("a delta written in a transaction is read back: totals, histograms, revisits, visits, hours, doors and open visits", async (s) => {
        await s.transaction(async (tx) => {
          await tx.events.insertMany("s", "a", [count("a:1", T0 + 5 * 60_000, "entrance", 3, 1), count("a:2", T0 + 5 * HOUR, "entrance", 2, 2)], T0);
          await tx.aggregates.write("s", sampleDelta());
        });
        const day = spansOf(T0, T0 + DAY);
        const totals = await s.aggregates.zoneTotals("s", day);
        expect(Object.fromEntries(totals)).toEqual({
          fruit: { visits: 2, firsts: 1, closed: 2, dwellSumMs: 180_000 },
          bakery: { visits: 1, firsts: 1, closed: 0, dwellSumMs: 0 },
        });
        // The same from hour rows (a range of whole hours that is not a whole day).
        const hours = await s.aggregates.zoneTotals("s", spansOf(T0, T0 + 4 * HOUR));
        expect(hours.get("fruit")).toEqual({ visits: 2, firsts: 1, closed: 2, dwellSumMs: 180_000 });
        expect((await s.aggregates.zoneTotals("s", spansOf(T0 + HOUR, T0 + 4 * HOUR))).get("fruit")).toEqual({ visits: 1, firsts: 0, closed: 1, dwellSumMs: 120_000 });
        const hists = await s.aggregates.zoneHistograms("s", day);
        expect([...hists.keys()]).toEqual(["fruit"]);
        expect([...hists.get("fruit")!.values()].reduce((x, y) => x + y, 0)).toBe(2);
        const h0 = T0 / HOUR;
        expect(Object.fromEntries(await s.aggregates.revisitsBefore("s", h0, h0 + 24, h0 + 1))).toEqual({ fruit: 1 });
        expect(Object.fromEntries(await s.aggregates.revisitsBefore("s", h0, h0 + 24, h0))).toEqual({});
        expect(await s.aggregates.revisitHoursOfPrev("s", h0 + 1, h0 + 24, h0)).toEqual([{ hour: h0 + 2, zone: "fruit" }]);
        expect(sortBy(await s.aggregates.visitsIn("s", "fruit", T0, T0 + DAY), (v) => v.enterTs)).toEqual([
          { enterTs: T0 + 10 * 60_000, dwellMs: 60_000, prevEnterTs: null },
          { enterTs: T0 + 2 * HOUR, dwellMs: 120_000, prevEnterTs: T0 + 10 * 60_000 },
        ]);
        expect(await s.aggregates.visitsIn("s", "fruit", T0 + 11 * 60_000, T0 + 2 * HOUR)).toEqual([]);
        expect(await s.aggregates.visitCount("s", "fruit", T0, T0 + HOUR)).toBe(1);
        expect(await s.aggregates.visitCount("s", "bakery", T0, T0 + DAY)).toBe(1);
        const known = await s.aggregates.knownZones("s");
        expect({ visits: [...known.visits].sort(), doors: known.doors }).toEqual({ visits: ["bakery", "fruit"], doors: ["entrance"] });
        expect(sortBy(await s.aggregates.zoneHours("s", h0, h0 + 24), (r) => `${r.t}|${r.zone}`)).toEqual([
          { zone: "bakery", t: h0, n: 1 },
          { zone: "fruit", t: h0, n: 1 },
          { zone: "fruit", t: h0 + 2, n: 1 },
        ]);
        expect(sortBy(await s.aggregates.doorHours("s", h0, h0 + 24), (r) => r.t)).toEqual([
          { zone: "entrance", t: h0, in: 3, out: 1 },
          { zone: "entrance", t: h0 + 5, in: 2, out: 2 },
        ]);
        expect(Object.fromEntries(await s.aggregates.doorTotals("s", day))).toEqual({ entrance: { in: 5, out: 3 } });
        expect(Object.fromEntries(await s.aggregates.doorTotals("s", spansOf(T0 + HOUR, T0 + DAY)))).toEqual({ entrance: { in: 2, out: 2 } });
        expect(await s.aggregates.countsIn("s", T0, T0 + HOUR)).toEqual([{ zone: "entrance", ts: T0 + 5 * 60_000, nIn: 3, nOut: 1 }]);
        expect(await s.aggregates.openVisitsSince("s", T0)).toEqual([{ zone: "bakery", visitor: "v2", lastSeenTs: T0 + 25 * 60_000 }]);
        expect(await s.aggregates.openVisitsSince("s", T0 + 26 * 60_000)).toEqual([]);
        // Another store sees none of it.
        expect((await s.aggregates.zoneTotals("t", day)).size).toBe(0);
        expect(await s.aggregates.knownZones("t")).toEqual({ visits: [], doors: [] });
      });

      test("firstHour: the first hour with a visit entered or a door count in, whichever comes first; null without any", async (s) => {
        const h0 = T0 / HOUR;
        expect(await s.aggregates.firstHour("s")).toBeNull();
        // A door count out only is no figure (nobody came in); a later visit is.
        const late = new AggregateDelta();
        late.door("entrance", T0 + 30 * HOUR, 0, 4);
        late.visit("fruit", "e9", { enterTs: T0 + 40 * HOUR + 5 * 60_000, dwellMs: 60_000, prevEnterTs: null }, 1);
        await s.transaction((tx) => tx.aggregates.write("s", late));
        expect(await s.aggregates.firstHour("s")).toBe(h0 + 40);
        // A door count in earlier than any visit: its hour.
        const door = new AggregateDelta();
        door.door("entrance", T0 + 20 * HOUR + 59 * 60_000, 2, 0);
        await s.transaction((tx) => tx.aggregates.write("s", door));
        expect(await s.aggregates.firstHour("s")).toBe(h0 + 20);
        // A visit earlier still (the sample's first, in the first hour of T0's day).
        await s.transaction((tx) => tx.aggregates.write("s", sampleDelta()));
        expect(await s.aggregates.firstHour("s")).toBe(h0);
        // That visit taken back: the next hour with one.
        const undo = new AggregateDelta();
        undo.visit("fruit", "e1", { enterTs: T0 + 10 * 60_000, dwellMs: 60_000, prevEnterTs: null }, -1);
        undo.visit("bakery", "e3", { enterTs: T0 + 20 * 60_000, dwellMs: null, prevEnterTs: null }, -1);
        undo.door("entrance", T0 + 5 * 60_000, -3, -1);
        await s.transaction((tx) => tx.aggregates.write("s", undo));
        expect(await s.aggregates.firstHour("s")).toBe(h0 + 2);
        // Another store sees none of it.
        expect(await s.aggregates.firstHour("t")).toBeNull();
      });

      test("visitsInZones and visitCounts: for several zones in one read, what visitsIn and visitCount answer zone by zone", async (s) => {
        await s.transaction((tx) => tx.aggregates.write("s", sampleDelta()));
        const zones = ["fruit", "bakery", "nowhere", "fruit"];
        for (const [from, to] of [
          [T0, T0 + DAY],
          [T0, T0 + HOUR],
          [T0 + 11 * 60_000, T0 + 2 * HOUR],
          [T0 + HOUR, T0 + 3 * HOUR],
        ] as const) {
          const byZone = await s.aggregates.visitsInZones("s", zones, from, to);
          const counts = await s.aggregates.visitCounts("s", zones, from, to);
          for (const zone of ["fruit", "bakery", "nowhere"]) {
            const one = sortBy(await s.aggregates.visitsIn("s", zone, from, to), (v) => v.enterTs);
            expect(sortBy(byZone.get(zone) ?? [], (v) => v.enterTs)).toEqual(one);
            expect(byZone.has(zone)).toBe(one.length > 0);
            expect(counts.get(zone) ?? 0).toBe(await s.aggregates.visitCount("s", zone, from, to));
            expect(counts.has(zone)).toBe(one.length > 0);
          }
          expect([...byZone.keys()].every((z) => zones.includes(z))).toBe(true);
        }
        // Only the zones asked for, of the store asked for.
        expect([...(await s.aggregates.visitsInZones("s", ["bakery"], T0, T0 + DAY)).keys()]).toEqual(["bakery"]);
        expect((await s.aggregates.visitsInZones("s", [], T0, T0 + DAY)).size).toBe(0);
        expect((await s.aggregates.visitCounts("s", [], T0, T0 + DAY)).size).toBe(0);
        expect((await s.aggregates.visitsInZones("t", ["fruit", "bakery"], T0, T0 + DAY)).size).toBe(0);
        expect((await s.aggregates.visitCounts("t", ["fruit", "bakery"], T0, T0 + DAY)).size).toBe(0);
      });

      test("paths: the report in the contract's order, from rollups and from raw trips at the range's edges; counts", async (s) => {
        await s.transaction((tx) => tx.aggregates.write("s", sampleDelta()));
        const expected = {
          paths: [
            { zones: ["entrance", "fruit", "checkout"], count: 2 },
            { zones: ["entrance", "bakery"], count: 1 },
          ],
          transitions: [
            { from: "entrance", to: "fruit", count: 2 },
            { from: "fruit", to: "checkout", count: 2 },
            { from: "entrance", to: "bakery", count: 1 },
          ],
          trips: 3,
        };
        expect(await s.aggregates.pathReport("s", spansOf(T0, T0 + DAY), 10)).toEqual(expected);
        // Partial hours at both edges come from the raw trips.
        expect(await s.aggregates.pathReport("s", spansOf(T0 + 5 * 60_000, T0 + 3 * HOUR + 60_000), 10)).toEqual(expected);
        expect(await s.aggregates.pathReport("s", spansOf(T0 + 15 * 60_000, T0 + 3 * HOUR), 10)).toEqual({
          paths: [{ zones: ["entrance", "bakery"], count: 1 }],
          transitions: [{ from: "entrance", to: "bakery", count: 1 }],
          trips: 1,
        });
        expect((await s.aggregates.pathReport("s", spansOf(T0, T0 + DAY), 1)).paths).toEqual([expected.paths[0]]);
        expect(sortBy(await s.aggregates.pathCounts("s", spansOf(T0, T0 + DAY)), (p) => p.count)).toEqual([
          { zones: ["entrance", "bakery"], count: 1 },
          { zones: ["entrance", "fruit", "checkout"], count: 2 },
        ]);
        // A later commit takes a trip back (signed increments): its counts fall, a path at 0 is gone.
        const undo = new AggregateDelta();
        undo.trip("v2", T0 + 20 * 60_000, "entrance,bakery", -1);
        undo.trip("v2", T0 + 20 * 60_000, "entrance,bakery,fruit", 1);
        await s.transaction((tx) => tx.aggregates.write("s", undo));
        const after = await s.aggregates.pathCounts("s", spansOf(T0, T0 + DAY));
        expect(sortBy(after, (p) => p.zones.join(","))).toEqual([
          { zones: ["entrance", "bakery", "fruit"], count: 1 },
          { zones: ["entrance", "fruit", "checkout"], count: 2 },
        ]);
        expect((await s.aggregates.pathReport("s", spansOf(T0, T0 + DAY), 10)).transitions).toEqual([
          { from: "entrance", to: "fruit", count: 2 },
          { from: "fruit", to: "checkout", count: 2 },
          { from: "bakery", to: "fruit", count: 1 },
          { from: "entrance", to: "bakery", count: 1 },
        ]);
        // Ties at the cut go to the lexically first paths.
        const ties = new AggregateDelta();
        for (const [i, p] of ["b,c", "a,c", "a,b", "c"].entries()) ties.trip(`w${i}`, T0 + DAY + i * 1000, p, 1);
        await s.transaction((tx) => tx.aggregates.write("s", ties));
        expect((await s.aggregates.pathReport("s", spansOf(T0 + DAY, T0 + 2 * DAY), 2)).paths).toEqual([
          { zones: ["a", "b"], count: 1 },
          { zones: ["a", "c"], count: 1 },
        ]);
      });

      test("figures through StoreAnalytics equal core's reference: shuffled, duplicated, late events, and a restart in the middle", async (s) => {
        const timeout = 30 * 60_000;
        const kinds: Record<string, string> = { entrance: "entrance", fruit: "zone", bakery: "zone", checkout: "checkout" };
        const events: FootfallEvent[] = [];
        let n = 0;
        const id = () => `a:${String(n++).padStart(6, "0")}`;
        for (let v = 0; v < 12; v++) {
          let ts = T0 + 8 * HOUR + v * 17 * 60_000 + (v % 3) * 50 * 60_000;
          for (const zone of ["entrance", ["fruit", "bakery"][v % 2]!, ...(v % 4 === 0 ? ["fruit"] : []), "checkout"]) {
            events.push(enter(id(), ts, zone, `v${v}`));
            ts += 40_000 + ((v * 7919) % 300) * 1000;
            if (v % 5 !== 4 || zone !== "checkout") events.push(exit(id(), ts, zone, `v${v}`));
            ts += 5_000;
          }
          if (v % 3 === 0) events.push(count(id(), ts, "entrance", 2, 1));
        }
        // Still in the store at the end: one visitor in the fruit zone, one at the checkout.
        const last = Math.max(...events.map((e) => e.ts));
        events.push(enter(id(), last + 1000, "fruit", "late"), enter(id(), last + 2000, "checkout", "later"));
        // Arrival: a fixed shuffle, some events twice, in batches of 7; a restart after half of them.
        const arrival = [...events, events[3]!, events[10]!, events[20]!].map((e, i) => ({ e, k: (i * 7919) % 101 })).sort((a, b) => a.k - b.k).map((x) => x.e);
        const now = T0 + DAY;
        const open = () => StoreAnalytics.open({ store: "s", storage: s, visitTimeoutMs: timeout, now: () => now });
        let analytics = await open();
        for (let i = 0; i < arrival.length; i += 7) {
          if (i === 35) analytics = await open();
          const batch = arrival.slice(i, i + 7);
          const current = analytics;
          const staged = await s.transaction(async (tx) => {
            const fresh = await tx.events.insertMany("s", "a", batch, now);
            return current.stage(
              tx,
              batch.filter((_, j) => fresh[j]),
            );
          });
          staged.commit();
        }
        const opts = { visitTimeoutMs: timeout };
        // Not a trivial stream: every visitor's trip counted, visits in every zone.
        expect((await analytics.pathReport({ from: T0, to: T0 + DAY }, 3)).trips).toBe(14);
        expect((await analytics.dwell({ from: T0, to: T0 + DAY }, [])).map((z) => z.zone)).toEqual(["bakery", "checkout", "entrance", "fruit"]);
        const counts = acceptedEvents(events).filter((e): e is CountEvent => e.type === "count");
        for (const range of [
          { from: T0, to: T0 + DAY },
          { from: T0 + 8 * HOUR, to: T0 + 11 * HOUR },
          { from: T0 + 8 * HOUR + 20 * 60_000, to: T0 + 10 * HOUR + 5 * 60_000 },
        ]) {
          expect((await analytics.dwell(range, Object.keys(kinds))).filter((z) => z.visits > 0)).toEqual(dwellByZone(visitsOf(events, opts), range));
          expect(await analytics.pathReport(range, 3)).toEqual(pathReport(tripsOf(events, opts), range, 3));
          expect(await analytics.traffic(range, "hour", "Europe/Paris", (zone) => kinds[zone], [])).toEqual(
            trafficOf(visitsOf(events, opts), counts, range, "hour", "Europe/Paris", (zone) => kinds[zone] as never),
          );
        }
        // Live occupancy after the stream, by a process that reads only the open visits back.
        const at = last + 5 * 60_000;
        const zones = Object.keys(kinds).map((z) => ({ id: z }));
        const later = await StoreAnalytics.open({ store: "s", storage: s, visitTimeoutMs: timeout, now: () => at });
        const live = await later.occupancy(at, "UTC", zones);
        expect(live).toEqual(occupancyOf(events, zones.map((z) => ({ id: z.id as ZoneId, capacity: null })), at, "UTC", opts));
        expect(live.zones.filter((z) => z.occupancy > 0).map((z) => z.zone)).toEqual(["fruit", "checkout"]);
      });

      test("visits taken back by a later delta leave the rollups as if never written", async (s) => {
        await s.transaction((tx) => tx.aggregates.write("s", sampleDelta()));
        const undo = new AggregateDelta();
        undo.visit("fruit", "e2", { enterTs: T0 + 2 * HOUR, dwellMs: 120_000, prevEnterTs: T0 + 10 * 60_000 }, -1);
        undo.openVisit("bakery", "v2", null);
        await s.transaction((tx) => tx.aggregates.write("s", undo));
        expect((await s.aggregates.zoneTotals("s", spansOf(T0, T0 + DAY))).get("fruit")).toEqual({ visits: 1, firsts: 1, closed: 1, dwellSumMs: 60_000 });
        expect((await s.aggregates.zoneTotals("s", spansOf(T0 + HOUR, T0 + 4 * HOUR))).get("fruit")?.visits ?? 0).toBe(0);
        expect(Object.fromEntries(await s.aggregates.revisitsBefore("s", T0 / HOUR, T0 / HOUR + 24, T0 / HOUR + 1))).toEqual({});
        expect(await s.aggregates.visitsIn("s", "fruit", T0, T0 + DAY)).toHaveLength(1);
        expect(await s.aggregates.openVisitsSince("s", 0)).toEqual([]);
      });

      test("markForBuild and buildPendingAggregates build a store's aggregates from its stored events", async (s) => {
        await s.stores.saveLayout("s", layout(0, ["entrance", "fruit"]), T0);
        await s.transaction((tx) =>
          tx.events.insertMany("s", "a", [enter("a:1", T0, "entrance", "v"), exit("a:2", T0 + 60_000, "entrance", "v"), enter("a:3", T0 + 70_000, "fruit", "v"), exit("a:4", T0 + 190_000, "fruit", "v"), count("a:5", T0, "entrance", 4, 1)], T0),
        );
        await s.transaction((tx) => tx.aggregates.markForBuild("s"));
        const progress: number[] = [];
        expect(await s.buildPendingAggregates({ visitTimeoutMs: 30 * 60_000, pageSize: 2, progress: (_store, events) => progress.push(events) })).toBe(1);
        expect(progress.at(-1)).toBe(5);
        const day = spansOf(T0, T0 + DAY);
        expect(Object.fromEntries(await s.aggregates.zoneTotals("s", day))).toEqual({
          entrance: { visits: 1, firsts: 1, closed: 1, dwellSumMs: 60_000 },
          fruit: { visits: 1, firsts: 1, closed: 1, dwellSumMs: 120_000 },
        });
        expect(Object.fromEntries(await s.aggregates.doorTotals("s", day))).toEqual({ entrance: { in: 4, out: 1 } });
        expect((await s.aggregates.pathReport("s", day, 10)).paths).toEqual([{ zones: ["entrance", "fruit"], count: 1 }]);
        // Built once: nothing is pending any more.
        expect(await s.buildPendingAggregates({ visitTimeoutMs: 30 * 60_000 })).toBe(0);
      });
    });

    describe("sales", () => {
      const sale = (transaction: string, over: Partial<SaleRow> = {}): SaleRow => ({ transaction, ts: T0 + HOUR, zone: "fruit", department: null, zones: ["fruit"], amount: 10.5, items: 2, ...over });
      test("an import is idempotent by transaction id: the same row again is a duplicate, other values a conflict that keeps the first", async (s) => {
        expect(await s.sales.insert("s", [sale("t1"), sale("t2", { zone: null, department: "fresh", zones: ["fruit", "bakery"], amount: 30, items: null })], T0)).toEqual(["accepted", "accepted"]);
        expect(await s.sales.insert("s", [sale("t1"), sale("t2", { amount: 31 }), sale("t3", { ts: T0 + 2 * DAY })], T0)).toEqual(["duplicate", "conflict", "accepted"]);
        // The same department row after its department gained a zone: still the file's row, a duplicate, the first zones kept.
        expect(await s.sales.insert("s", [sale("t2", { zone: null, department: "fresh", zones: ["fruit", "bakery", "promo"], amount: 30, items: null })], T0)).toEqual(["duplicate"]);
        expect(await s.sales.insert("other", [sale("t1")], T0)).toEqual(["accepted"]);
        expect(await s.sales.totals("s", T0, T0 + DAY)).toEqual({ transactions: 2, sales: 40.5 });
        expect(await s.sales.totals("s", T0 + DAY, T0 + 2 * DAY)).toEqual({ transactions: 0, sales: 0 });
        const byZone = await s.sales.byZone("s", T0, T0 + DAY);
        expect(byZone.map((z) => z.zone)).toEqual(["bakery", "fruit"]);
        expect(byZone[0]!.transactions).toBeCloseTo(0.5, 9);
        expect(byZone[0]!.sales).toBeCloseTo(15, 9);
        expect(byZone[1]!.transactions).toBeCloseTo(1.5, 9);
        expect(byZone[1]!.sales).toBeCloseTo(25.5, 9);
      });

      test("the newest sale's time per store, null without any", async (s) => {
        expect(await s.sales.newest("s")).toBeNull();
        await s.sales.insert("s", [sale("t1", { ts: T0 + 5 * HOUR }), sale("t2", { ts: T0 + HOUR })], T0);
        await s.sales.insert("other", [sale("t1", { ts: T0 + 9 * HOUR })], T0);
        expect(await s.sales.newest("s")).toBe(T0 + 5 * HOUR);
        expect(await s.sales.newest("other")).toBe(T0 + 9 * HOUR);
      });

      test("a repeated id within one import is a duplicate of the first", async (s) => {
        expect(await s.sales.insert("s", [sale("t1"), sale("t1")], T0)).toEqual(["accepted", "duplicate"]);
      });

      test("sales by store and UTC day: the rows of each day inside the range", async (s) => {
        await s.sales.insert("s", [sale("t1"), sale("t2", { ts: T0 + 20 * HOUR, amount: 2 }), sale("t3", { ts: T0 + DAY + HOUR, amount: 4 })], T0);
        await s.sales.insert("other", [sale("t1", { ts: T0 + 5 * HOUR })], T0);
        const rows = (await s.chain.salesByDay(["s", "other", "none"], T0 + HOUR, T0 + DAY + 2 * HOUR)).sort((a, b) => (a.store < b.store ? -1 : a.store > b.store ? 1 : a.day - b.day));
        expect(rows).toEqual([
          { store: "other", day: T0 / DAY, transactions: 1, sales: 10.5 },
          { store: "s", day: T0 / DAY, transactions: 2, sales: 12.5 },
          { store: "s", day: T0 / DAY + 1, transactions: 1, sales: 4 },
        ]);
        expect(await s.chain.salesByDay(["s"], T0 + 2 * HOUR, T0 + 20 * HOUR)).toEqual([]);
        expect(await s.chain.salesByDay([], T0, T0 + DAY)).toEqual([]);
      });

      test("the sales mark (the overview's memo of sums) grows with every sale stored and lists them, or the adapter says it cannot tell", async (s) => {
        const start = await s.chain.salesMark(null);
        if (start === null) {
          // Cannot tell (PostgreSQL): never, so every sum is read fresh.
          await s.sales.insert("s", [sale("t1")], T0);
          expect(await s.chain.salesMark(null)).toBeNull();
          return;
        }
        expect(start.changed).toEqual([]);
        expect(await s.chain.salesMark(start.mark)).toEqual({ mark: start.mark, changed: [] });
        await s.sales.insert("s", [sale("t1"), sale("t2", { ts: T0 + DAY })], T0);
        await s.sales.insert("other", [sale("t1", { ts: T0 + 5 * HOUR })], T0);
        const after = (await s.chain.salesMark(start.mark))!;
        expect(after.mark).toBeGreaterThan(start.mark);
        expect(after.changed).toEqual([{ store: "s", ts: T0 + HOUR }, { store: "s", ts: T0 + DAY }, { store: "other", ts: T0 + 5 * HOUR }]);
        // A duplicate or a conflict stores nothing: the mark stays.
        await s.sales.insert("s", [sale("t1"), sale("t2", { amount: 99 })], T0);
        expect(await s.chain.salesMark(after.mark)).toEqual({ mark: after.mark, changed: [] });
        // A mark from another database (larger than any here): the sums cannot be listed.
        expect((await s.chain.salesMark(after.mark + 1000))!.changed).toBeNull();
      });
    });

    describe("departments and experiments", () => {
      test("departments are replaced whole, keep their zones' order and give the alias rules", async (s) => {
        expect(await s.departments.get("s")).toEqual({});
        await s.departments.replace("s", { fresh: ["fruit", "bakery"], tills: ["checkout"] });
        expect(await s.departments.get("s")).toEqual({ fresh: ["fruit", "bakery"], tills: ["checkout"] });
        expect(await s.departments.aliases("s")).toEqual({ fruit: "fresh", bakery: "fresh", checkout: "tills" });
        await s.departments.replace("s", { food: ["bakery"] });
        expect(await s.departments.get("s")).toEqual({ food: ["bakery"] });
        expect(await s.departments.get("other")).toEqual({});
      });

      test("experiments are kept whole and listed newest first", async (s) => {
        await s.experiments.insert({ id: "e1", name: "first", zones: ["fruit"] }, T0);
        await s.experiments.insert({ id: "e2", name: "second", nested: { a: [1, 2] } }, T0 + 1);
        expect(await s.experiments.get("e2")).toEqual({ id: "e2", name: "second", nested: { a: [1, 2] } });
        expect(await s.experiments.get("nope")).toBeUndefined();
        expect((await s.experiments.list<{ id: string }>()).map((e) => e.id)).toEqual(["e2", "e1"]);
        await expect(s.experiments.insert({ id: "e1", name: "again" }, T0 + 2)).rejects.toThrow();
      });

      test("an experiment is deleted by id, the others kept; deleting it again or an unknown one says false", async (s) => {
        await s.experiments.insert({ id: "e1", name: "first" }, T0);
        await s.experiments.insert({ id: "e2", name: "second" }, T0 + 1);
        await s.experiments.insert({ id: "e3", name: "third" }, T0 + 2);
        expect(await s.experiments.remove("e2")).toBe(true);
        expect(await s.experiments.get("e2")).toBeUndefined();
        expect((await s.experiments.list<{ id: string }>()).map((e) => e.id)).toEqual(["e3", "e1"]);
        expect(await s.experiments.remove("e2")).toBe(false);
        expect(await s.experiments.remove("nope")).toBe(false);
        // Its id may be used again (ids are random, but nothing of the old one lingers).
        await s.experiments.insert({ id: "e2", name: "again" }, T0 + 3);
        expect(await s.experiments.get("e2")).toEqual({ id: "e2", name: "again" });
      });
    });

    describe("chain reads (many stores at once)", () => {
      test("firstHours: each store's aggregates.firstHour in one call (stores without figures absent)", async (s) => {
        await s.aggregates.write("a", sampleDelta());
        const late = new AggregateDelta();
        late.door("entrance", T0 + 30 * HOUR + 10 * 60_000, 1, 0);
        late.door("entrance", T0 + 20 * HOUR, 0, 3); // out only: no figure
        await s.aggregates.write("b", late);
        const firsts = await s.chain.firstHours(["a", "b", "c", "a"]);
        expect(Object.fromEntries(firsts)).toEqual({ a: T0 / HOUR, b: T0 / HOUR + 30 });
        for (const st of ["a", "b", "c"]) expect(firsts.get(st) ?? null).toBe(await s.aggregates.firstHour(st));
        expect((await s.chain.firstHours([])).size).toBe(0);
      });

      test("firstSales: each store's oldest sale stored in one call (stores without a sale absent)", async (s) => {
        expect((await s.chain.firstSales(["a", "b"])).size).toBe(0);
        const sale = (transaction: string, ts: number): SaleRow => ({ ts, zone: "fruit", department: null, zones: ["fruit"], amount: 10, items: 1, transaction });
        await s.sales.insert("a", [sale("t2", T0 + 2 * DAY), sale("t1", T0 + DAY), sale("t3", T0 + 3 * DAY)], T0);
        await s.sales.insert("b", [sale("t1", T0 + 5 * HOUR)], T0);
        expect(Object.fromEntries(await s.chain.firstSales(["a", "b", "c", "a"]))).toEqual({ a: T0 + DAY, b: T0 + 5 * HOUR });
        expect((await s.chain.firstSales([])).size).toBe(0);
      });

      test("answer every store asked in one call, as the per-store reads answer each", async (s) => {
        for (const st of ["a", "b"]) await s.aggregates.write(st, sampleDelta());
        await s.events.insertMany("a", "door", [count("door:1", T0 + 5 * 60_000, "entrance", 3, 1)], T0);
        const spans = spansOf(T0, T0 + DAY);
        const stores = ["a", "b", "c"];
        const zones = await s.chain.zoneTotals(stores, spans);
        const doors = await s.chain.doorTotals(stores, spans);
        const hists = await s.chain.histograms(stores, spans);
        for (const st of ["a", "b"]) {
          const own = Object.fromEntries(await s.aggregates.zoneTotals(st, spans));
          expect(Object.fromEntries(zones.filter((r) => r.store === st).map(({ store: _s, zone, ...t }) => [zone, t]))).toEqual(own);
          const ownDoors = Object.fromEntries(await s.aggregates.doorTotals(st, spans));
          expect(Object.fromEntries(doors.filter((r) => r.store === st).map((r) => [r.zone, { in: r.in, out: r.out }]))).toEqual(ownDoors);
          const ownHists = await s.aggregates.zoneHistograms(st, spans);
          expect(Object.fromEntries(hists.filter((r) => r.store === st).map((r) => [r.zone, [...r.hist].sort()]))).toEqual(Object.fromEntries([...ownHists].map(([z, h]) => [z, [...h].sort()])));
        }
        expect(zones.some((r) => r.store === "c")).toBe(false);
        // The dense sketches: the same counts by bin, merged over the zones asked for.
        const dense = await s.chain.sketches(stores, spans, (_st, zone) => zone === "fruit");
        expect([...dense.keys()].sort()).toEqual(["a", "b"]);
        const fruit = (await s.aggregates.zoneHistograms("a", spans)).get("fruit")!;
        expect(Object.fromEntries([...dense.get("a")!.entries()].filter(([, n]) => n !== 0))).toEqual(Object.fromEntries([...fruit].map(([b, n]) => [String(b), n])));
        const h0 = T0 / HOUR;
        expect(sortBy(await s.chain.revisitsBefore(stores, h0 + 1, h0 + 24), (r) => r.store)).toEqual([
          { store: "a", zone: "fruit", n: 1 },
          { store: "b", zone: "fruit", n: 1 },
        ]);
        expect(await s.chain.countsIn(stores, T0, T0 + HOUR)).toEqual([{ store: "a", in: 3, out: 1 }]);
        expect(sortBy(await s.chain.openVisitors(stores, T0), (r) => r.store)).toEqual([
          { store: "a", n: 1 },
          { store: "b", n: 1 },
        ]);
        expect(await s.chain.openVisitors(stores, T0 + HOUR)).toEqual([]);
        expect((await s.chain.doorStores(stores)).sort()).toEqual(["a", "b"]);
        expect(Object.fromEntries(await s.chain.doorZones([...stores, "a"]))).toEqual({ a: (await s.aggregates.knownZones("a")).doors, b: (await s.aggregates.knownZones("b")).doors });
        expect((await s.chain.doorZones([])).size).toBe(0);
        await s.sales.insert("a", [{ transaction: "t1", ts: T0 + HOUR, zone: "fruit", department: null, zones: ["fruit"], amount: 10.5, items: 1 }, { transaction: "t2", ts: T0 + 2 * HOUR, zone: "fruit", department: null, zones: ["fruit"], amount: 4, items: 1 }], T0);
        expect(await s.chain.sales(stores, T0, T0 + DAY)).toEqual([{ store: "a", transactions: 2, sales: 14.5 }]);
        await s.agents.add("a", "cam-1", "camera", T0);
        await s.agents.add("a", "cam-2", "camera", T0);
        await s.agents.recordStatus("a", "cam-1", { state: "online", ts: T0, kind: "camera", version: "1.0.0" });
        expect(await s.chain.agents(stores)).toEqual([{ store: "a", agents: 2, online: 1, lastEventTs: null, lastReceivedAt: null }]);
        expect(await s.chain.zoneTotals([], spans)).toEqual([]);
      });

      test("store rollups (migration 12) stay the sum of each store's zone rollups through visits added and taken back", async (s) => {
        let seed = 12;
        const rand = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 4294967296;
        const zonesOf = ["entrance", "fruit", "bakery", "checkout"];
        const live: { store: string; zone: string; id: string; item: { enterTs: number; dwellMs: number | null; prevEnterTs: number | null } }[] = [];
        let n = 0;
        for (let round = 0; round < 5; round++) {
          await s.transaction(async (tx) => {
            for (const st of ["a", "b"]) {
              // Two deltas of a store in one transaction (the PostgreSQL side folds them).
              for (let part = 0; part < 2; part++) {
                const d = new AggregateDelta();
                for (let k = 0; k < 12; k++) {
                  const mine = live.filter((v) => v.store === st);
                  if (mine.length && rand() < 0.3) {
                    const v = mine[Math.floor(rand() * mine.length)]!;
                    live.splice(live.indexOf(v), 1);
                    d.visit(v.zone, v.id, v.item, -1);
                  } else {
                    const item = { enterTs: T0 + Math.floor(rand() * 2 * DAY), dwellMs: rand() < 0.2 ? null : Math.floor(rand() * 900_000), prevEnterTs: rand() < 0.3 ? T0 - HOUR : null };
                    const v = { store: st, zone: zonesOf[Math.floor(rand() * zonesOf.length)]!, id: `e${n++}`, item };
                    live.push(v);
                    d.visit(v.zone, v.id, v.item, 1);
                  }
                }
                await tx.aggregates.write(st, d);
              }
            }
          });
        }
        const bins = (h: Float64Array) => Object.fromEntries([...h.entries()].filter(([, x]) => x !== 0));
        const check = async () => {
          for (const spans of [spansOf(T0, T0 + 2 * DAY), spansOf(T0 + 3 * HOUR, T0 + DAY + 5 * HOUR), spansOf(T0 + 7 * HOUR, T0 + 8 * HOUR)]) {
            const stores = await s.chain.storeSketches(["a", "b", "c"], spans);
            const zones = await s.chain.zoneSketches(["a", "b", "c"].flatMap((store) => zonesOf.map((zone) => ({ store, zone }))), spans);
            expect([...stores.keys()].sort()).toEqual(["a", "b", "c"]);
            for (const st of ["a", "b", "c"]) {
              const mine = zones.filter((z) => z.store === st);
              const sum = mine.reduce((h, z) => {
                const out = new Float64Array(Math.max(h.length, z.hist.length));
                out.set(h);
                z.hist.forEach((x, i) => (out[i]! += x));
                return out;
              }, new Float64Array(0));
              const got = stores.get(st)!;
              expect({ visits: got.visits, closed: got.closed, hist: bins(got.hist) }, st).toEqual({
                visits: mine.reduce((x, z) => x + z.visits, 0),
                closed: mine.reduce((x, z) => x + z.closed, 0),
                hist: bins(sum),
              });
              // And the zone reads are the per-store reads.
              const own = Object.fromEntries(await s.aggregates.zoneTotals(st, spans));
              expect(Object.fromEntries(mine.map((z) => [z.zone, { visits: z.visits, firsts: z.firsts, closed: z.closed }]))).toEqual(
                Object.fromEntries(Object.entries(own).map(([zone, t]) => [zone, { visits: t.visits, firsts: t.firsts, closed: t.closed }])),
              );
            }
          }
        };
        await check();
        expect((await s.chain.storeSketches(["a"], spansOf(T0, T0 + 2 * DAY))).get("a")!.visits).toBeGreaterThan(0);
        // Every visit taken back: the rows go, and nothing is left.
        for (const st of ["a", "b"]) {
          const d = new AggregateDelta();
          for (const v of live.filter((x) => x.store === st)) d.visit(v.zone, v.id, v.item, -1);
          await s.aggregates.write(st, d);
        }
        await check();
        expect((await s.chain.storeSketches(["a"], spansOf(T0, T0 + 2 * DAY))).get("a")).toEqual({ visits: 0, closed: 0, hist: new Float64Array(0), stamp: 0, rows: 0 });
        expect(await s.chain.storeStamps(["a", "b"], spansOf(T0, T0 + 2 * DAY))).toEqual(new Map());
      });

      test("store rollup stamps change where a write touched, and only there (the overview's memo of a period rests on them)", async (s) => {
        const visit = (id: string, enterTs: number, sign: 1 | -1 = 1) => {
          const d = new AggregateDelta();
          d.visit("fruit", id, { enterTs, dwellMs: 60_000, prevEnterTs: null }, sign);
          return d;
        };
        await s.aggregates.write("a", visit("e1", T0 + HOUR));
        await s.aggregates.write("a", visit("e2", T0 + DAY + HOUR));
        await s.aggregates.write("b", visit("e3", T0 + HOUR));
        const day0 = spansOf(T0, T0 + DAY);
        const day1 = spansOf(T0 + DAY, T0 + 2 * DAY);
        const hours = spansOf(T0, T0 + 3 * HOUR);
        const before = await Promise.all([day0, day1, hours].map((sp) => s.chain.storeStamps(["a", "b", "c"], sp)));
        expect([...before[0]!.keys()].sort()).toEqual(["a", "b"]);
        expect(before[0]!.get("a")!.rows).toBe(1);
        // As storeSketches reads them.
        const sk = await s.chain.storeSketches(["a"], day0);
        expect({ stamp: sk.get("a")!.stamp, rows: sk.get("a")!.rows }).toEqual(before[0]!.get("a"));
        await new Promise((r) => setTimeout(r, 2));
        // A late visit on day 1 of store a: day 1 of a changes; day 0 and store b do not.
        await s.aggregates.write("a", visit("e4", T0 + DAY + 2 * HOUR));
        const after = await Promise.all([day0, day1, hours].map((sp) => s.chain.storeStamps(["a", "b", "c"], sp)));
        expect(after[0]).toEqual(before[0]);
        expect(after[2]).toEqual(before[2]);
        expect(after[1]!.get("a")!.stamp).toBeGreaterThan(before[1]!.get("a")!.stamp);
        expect(after[1]!.get("b")).toEqual(before[1]!.get("b"));
        // Piece by piece (the overview's memo of days): each day's row, and the run of hours grouped.
        const mixed = spansOf(T0, T0 + DAY + 3 * HOUR);
        const pieces = (await s.chain.pieceStamps(["a", "b", "c"], mixed)).sort((x, y) => (x.store < y.store ? -1 : x.store > y.store ? 1 : x.grain - y.grain));
        const dayOf = (m: Map<string, { stamp: number; rows: number }>, store: string) => ({ stamp: m.get(store)!.stamp, rows: m.get(store)!.rows });
        const hoursOfDay1 = await s.chain.storeStamps(["a"], spansOf(T0 + DAY, T0 + DAY + 3 * HOUR));
        expect(pieces).toEqual([
          { store: "a", grain: 0, t: (T0 + DAY + HOUR) / HOUR, ...dayOf(hoursOfDay1, "a") },
          { store: "a", grain: 1, t: T0 / DAY, ...dayOf(after[0]!, "a") },
          { store: "b", grain: 1, t: T0 / DAY, ...dayOf(after[0]!, "b") },
        ]);
        expect(await s.chain.pieceStamps([], mixed)).toEqual([]);
        // Taken back to nothing: the row goes, the count says so.
        await s.aggregates.write("b", visit("e3", T0 + HOUR, -1));
        expect((await s.chain.storeStamps(["b"], day0)).get("b")).toBeUndefined();
        expect(await s.chain.zoneSketches([], spansOf(T0, T0 + DAY))).toEqual([]);
      });
    });

    describe("store groups", () => {
      test("groups are created once, renamed, listed with their stores, and deleted with their memberships", async (s) => {
        expect(await s.groups.create("north", "North", "region", T0)).toBe(true);
        expect(await s.groups.create("north", "Other", null, T0)).toBe(false);
        expect(await s.groups.create("mall", "Malls", null, T0)).toBe(true);
        expect(await s.groups.setStores("north", ["s2", "s1", "s1"])).toBe(true);
        expect(await s.groups.setStores("nope", ["s1"])).toBe(false);
        expect(await s.groups.setGroupsOf("s3", ["north", "mall"])).toEqual([]);
        expect(await s.groups.setGroupsOf("s3", ["mall", "zzz", "aaa"])).toEqual(["aaa", "zzz"]);
        expect(await s.groups.groupsOf("s3")).toEqual(["mall", "north"]);
        expect(await s.groups.storesOf("north")).toEqual(["s1", "s2", "s3"]);
        expect(await s.groups.update("north", { name: "North-east" })).toBe(true);
        expect(await s.groups.update("mall", { kind: "format" })).toBe(true);
        expect(await s.groups.update("nope", { name: "x" })).toBe(false);
        expect(await s.groups.list()).toEqual([
          { id: "mall", name: "Malls", kind: "format", stores: ["s3"] },
          { id: "north", name: "North-east", kind: "region", stores: ["s1", "s2", "s3"] },
        ]);
        expect(await s.groups.update("north", { kind: null })).toBe(true);
        expect((await s.groups.get("north"))?.kind).toBeNull();
        expect(await s.groups.setGroupsOf("s3", [])).toEqual([]);
        expect(await s.groups.groupsOf("s3")).toEqual([]);
        expect(await s.groups.remove("north")).toBe(true);
        expect(await s.groups.remove("north")).toBe(false);
        expect(await s.groups.get("north")).toBeUndefined();
        expect(await s.groups.storesOf("north")).toEqual([]);
        expect(await s.groups.create("north", "North again", null, T0 + 1)).toBe(true);
        expect(await s.groups.storesOf("north")).toEqual([]);
      });

      test("a token scoped to a group says so in its principal and its listing; a store scope wins over a group", async (s) => {
        await s.groups.create("north", "North", "region", T0);
        const g = await s.tokens.create("viewer", null, T0, { group: "north" });
        expect(g.info.group).toBe("north");
        expect(await s.tokens.check(g.token, T0)).toEqual({ ok: true, principal: { role: "viewer", store: null, group: "north", tokenId: g.info.id } });
        const both = await s.tokens.create("viewer", "s1", T0 + 1, { group: "north" });
        expect(both.info).toMatchObject({ store: "s1", group: null });
        expect((await s.tokens.list()).map((t) => t.group)).toEqual(["north", null]);
      });
    });

    describe("tokens", () => {
      test("a new token is checked, listed without itself, and expires", async (s) => {
        const { token, info } = await s.tokens.create("merchandiser", "shop", T0, { label: "Anna", expiresAt: T0 + 1000 });
        expect(token).toMatch(/^ff_/);
        expect(info).toEqual({ id: expect.any(String), role: "merchandiser", store: "shop", group: null, label: "Anna", createdAt: T0, expiresAt: T0 + 1000, revokedAt: null, lastUsedAt: null });
        expect(await s.tokens.check(token, T0 + 999)).toEqual({ ok: true, principal: { role: "merchandiser", store: "shop", group: null, tokenId: info.id } });
        expect(await s.tokens.check(token, T0 + 1000)).toEqual({ ok: false, why: "expired", at: T0 + 1000 });
        expect(await s.tokens.verify(token, T0 + 1000)).toBeUndefined();
        expect(await s.tokens.isValid(info.id, T0)).toBe(true);
        expect(await s.tokens.isValid(info.id, T0 + 1000)).toBe(false);
        expect(await s.tokens.check("ff_nope", T0)).toEqual({ ok: false, why: "unknown" });
        const admin = await s.tokens.add("admin", null, T0 + 5);
        expect(await s.tokens.verify(admin, T0 + 6)).toEqual({ role: "admin", store: null, group: null, tokenId: expect.any(String) });
        const list = await s.tokens.list();
        expect(list.map((t) => t.role)).toEqual(["merchandiser", "admin"]);
        expect(JSON.stringify(list)).not.toContain(token.slice(3));
        expect(JSON.stringify(list)).not.toContain(admin.slice(3));
        expect(await s.tokens.get(info.id)).toMatchObject({ id: info.id, label: "Anna" });
      });

      test("a revoked token is refused at once, by id or by the token itself; listeners hear of it; revoking twice keeps the first time", async (s) => {
        const a = await s.tokens.create("staff", null, T0);
        const b = await s.tokens.create("staff", null, T0);
        const heard: string[] = [];
        s.tokens.onRevoked((id) => heard.push(id));
        expect((await s.tokens.revoke(a.info.id, T0 + 5))?.revokedAt).toBe(T0 + 5);
        expect((await s.tokens.revoke(b.token, T0 + 6))?.id).toBe(b.info.id);
        expect(await s.tokens.check(a.token, T0 + 7)).toEqual({ ok: false, why: "revoked", at: T0 + 5 });
        expect(await s.tokens.verify(b.token, T0 + 7)).toBeUndefined();
        expect(heard).toEqual([a.info.id, b.info.id]);
        expect((await s.tokens.revoke(a.info.id, T0 + 99))?.revokedAt).toBe(T0 + 5);
        expect(await s.tokens.revoke("000000000000", T0)).toBeUndefined();
        expect(await s.tokens.isValid(a.info.id, T0 + 7)).toBe(false);
      });

      test("a token is given a new label, or none, and keeps everything else; an unknown id is undefined", async (s) => {
        const a = await s.tokens.create("viewer", "shop", T0, { label: "Anna's laptop", expiresAt: T0 + 1000 });
        expect(await s.tokens.relabel(a.info.id, "Front tablet")).toEqual({ ...a.info, label: "Front tablet" });
        expect(await s.tokens.get(a.info.id)).toEqual({ ...a.info, label: "Front tablet" });
        expect((await s.tokens.relabel(a.info.id, null))?.label).toBeNull();
        expect((await s.tokens.check(a.token, T0 + 1))).toMatchObject({ ok: true });
        expect(await s.tokens.relabel("000000000000", "x")).toBeUndefined();
      });
    });

    describe("agents", () => {
      test("add gives credentials once; the password authenticates; a new add replaces it", async (s) => {
        const c = await s.agents.add("shop", "door-1", "door", T0);
        expect(c).toEqual({ agent: "door-1", store: "shop", username: "shop.door-1", password: expect.any(String) });
        expect(await s.agents.authenticate("shop.door-1", c.password)).toEqual({ store: "shop", agent: "door-1", kind: "door" });
        expect(await s.agents.authenticate("shop.door-1", "wrong")).toBeUndefined();
        expect(await s.agents.authenticate("shop.nobody", c.password)).toBeUndefined();
        expect(await s.agents.credentials("shop.door-1")).toEqual({ store: "shop", agent: "door-1", kind: "door", hash: expect.any(String) });
        const again = await s.agents.add("shop", "door-1", "door", T0 + 1);
        expect(await s.agents.authenticate("shop.door-1", c.password)).toBeUndefined();
        expect(await s.agents.authenticate("shop.door-1", again.password)).toEqual({ store: "shop", agent: "door-1", kind: "door" });
        expect(await s.agents.get("shop", "door-1")).toEqual({ store: "shop", agent: "door-1", kind: "door" });
        expect(await s.agents.get("shop", "door-2")).toBeUndefined();
        await s.agents.add("other", "cam-1", "camera", T0);
        await s.agents.add("third", "cam-9", "camera", T0);
        await s.agents.revoke("third", "cam-9", T0 + 5);
        const of = (stores: string[]) => s.agents.ofStores(stores).then((rows) => rows.sort((a, b) => `${a.store}/${a.agent}`.localeCompare(`${b.store}/${b.agent}`)));
        expect(await of(["shop", "other", "shop", "nowhere"])).toEqual([
          { store: "other", agent: "cam-1", kind: "camera" },
          { store: "shop", agent: "door-1", kind: "door" },
        ]);
        // A revoked agent is still an agent (get finds it too): its messages are refused by the broker, not by this look-up.
        expect(await of(["third"])).toEqual([{ store: "third", agent: "cam-9", kind: "camera" }]);
        expect(await s.agents.get("third", "cam-9")).toEqual({ store: "third", agent: "cam-9", kind: "camera" });
        expect(await s.agents.ofStores([])).toEqual([]);
        expect(await s.agents.ownersOfClientId("shop-door-1")).toEqual([{ store: "shop", agent: "door-1", kind: "door" }]);
        expect(await s.agents.ownersOfClientId("shop-door-9")).toEqual([]);
      });

      test("listAll: every agent of every store, revoked ones too, by store then agent (byte order: footfall agent list)", async (s) => {
        expect(await s.agents.listAll()).toEqual([]);
        for (const [store, agent] of [["shop1", "cam-2"], ["shop_3", "door-1"], ["shop-2", "cam-1"], ["shop1", "cam-1"], ["shop1", "cam_0"], ["shop1", "cam0"]] as const)
          await s.agents.add(store, agent, "camera", T0);
        await s.agents.revoke("shop_3", "door-1", T0 + 5);
        await s.agents.recordStatus("shop1", "cam-1", { state: "online", ts: T0 + 120_000, kind: "camera", version: "1.2.3" }, T0);
        const all = await s.agents.listAll();
        expect(all.map((a) => `${a.store}/${a.agent}`)).toEqual(["shop-2/cam-1", "shop1/cam-1", "shop1/cam-2", "shop1/cam0", "shop1/cam_0", "shop_3/door-1"]);
        // The same rows as each store's list.
        for (const store of ["shop-2", "shop1", "shop_3"]) expect(all.filter((a) => a.store === store)).toEqual(await s.agents.list(store));
        expect(all.find((a) => a.agent === "door-1")!.revokedAt).toBe(T0 + 5);
        expect(decodeClockSamples(all.find((a) => a.store === "shop1" && a.agent === "cam-1")!.clockSamples)).toEqual([{ at: T0, offsetMs: 120_000, unconfirmed: true }]);
      });

      test("a live status adds a clock sample; one without a receipt time (retained, a will) leaves them", async (s) => {
        await s.agents.add("shop", "cam-1", "camera", T0);
        const status = (ts: number) => ({ state: "online" as const, ts, kind: "camera" as const, version: "1.2.3" });
        await s.agents.recordStatus("shop", "cam-1", status(T0 + 120_000), T0); // 2 min ahead
        await s.agents.recordStatus("shop", "cam-1", status(T0 + 30_000 + 110_000), T0 + 30_000); // came 10 s late
        await s.agents.recordStatus("shop", "cam-1", status(T0 - 86_400_000)); // a retained day-old copy: no sample
        const [row] = await s.agents.list("shop");
        expect(row!.statusTs).toBe(T0 - 86_400_000);
        // Neither confirmed yet: the second disagrees with the first.
        expect(decodeClockSamples(row!.clockSamples)).toEqual([
          { at: T0, offsetMs: 120_000, unconfirmed: true },
          { at: T0 + 30_000, offsetMs: 110_000, unconfirmed: true },
        ]);
        // The next agrees with the first (received 60 s after it): the offset, stored.
        await s.agents.recordStatus("shop", "cam-1", status(T0 + 60_000 + 119_900), T0 + 60_000);
        const samples = decodeClockSamples((await s.agents.list("shop"))[0]!.clockSamples);
        expect(samples[2]).toEqual({ at: T0 + 60_000, offsetMs: 119_900 });
        expect(clockOffset(samples)).toBe(119_900);
        // An agent unknown here: nothing to store, nothing thrown.
        await s.agents.recordStatus("shop", "cam-9", status(T0), T0);
        expect((await s.agents.list("shop")).map((a) => a.agent)).toEqual(["cam-1"]);
      });

      test("status and ingest counters are recorded; the last event time only grows; lists are ordered", async (s) => {
        await s.agents.add("shop", "cam-2", "camera", T0);
        await s.agents.add("shop", "cam-1", "camera", T0);
        await s.agents.add("other", "cam-1", "camera", T0);
        await s.agents.recordStatus("shop", "cam-1", { state: "online", ts: T0 + 10, kind: "camera", version: "1.2.3", queued: 7, oldestQueuedAgeMs: 1500 });
        await s.transaction((tx) => tx.agents.recordIngest("shop", "cam-1", { events: 5, duplicates: 1, rejects: 2, lastEventTs: T0 + 50, receivedAt: T0 + 60 }));
        await s.transaction((tx) => tx.agents.recordIngest("shop", "cam-1", { events: 1, duplicates: 0, rejects: 0, lastEventTs: T0 + 20, receivedAt: T0 + 70 }));
        const list = await s.agents.list("shop");
        expect(list.map((a) => a.agent)).toEqual(["cam-1", "cam-2"]);
        expect(list[0]).toEqual({
          store: "shop",
          agent: "cam-1",
          kind: "camera",
          username: "shop.cam-1",
          state: "online",
          version: "1.2.3",
          statusTs: T0 + 10,
          lastEventTs: T0 + 50,
          lastReceivedAt: T0 + 70,
          events: 6,
          duplicates: 1,
          rejects: 2,
          revokedAt: null,
          statusMetrics: expect.any(String),
          clockSamples: null, // no receipt time given: not a live status
        });
        // The last status's metrics, as JSON text on either storage (the Agents view's backlog).
        expect(JSON.parse(list[0]!.statusMetrics!)).toEqual({ queued: 7, oldestQueuedAgeMs: 1500 });
        expect(list[1]).toMatchObject({ state: "never-seen", version: null, statusTs: null, lastEventTs: null, events: 0, statusMetrics: null });
        expect((await s.agents.passwordEntries()).map((e) => e.username)).toEqual(["other.cam-1", "shop.cam-1", "shop.cam-2"]);
        // Several agents' tallies at once, as a group commit records them.
        await s.transaction((tx) =>
          tx.agents.recordIngestMany([
            { store: "shop", agent: "cam-2", events: 3, duplicates: 2, rejects: 1, lastEventTs: T0 + 5, receivedAt: T0 + 80 },
            { store: "other", agent: "cam-1", events: 1, duplicates: 0, rejects: 0, lastEventTs: null, receivedAt: T0 + 81 },
            { store: "shop", agent: "cam-1", events: 4, duplicates: 0, rejects: 0, lastEventTs: T0 + 40, receivedAt: T0 + 82 },
          ]),
        );
        const after = await s.agents.list("shop");
        expect(after.map((a) => [a.agent, a.events, a.duplicates, a.rejects, a.lastEventTs, a.lastReceivedAt])).toEqual([
          ["cam-1", 10, 1, 2, T0 + 50, T0 + 82],
          ["cam-2", 3, 2, 1, T0 + 5, T0 + 80],
        ]);
        expect((await s.agents.list("other"))[0]).toMatchObject({ events: 1, lastReceivedAt: T0 + 81 });
        // An agent whose every event was rejected (a clock 10 minutes ahead) has no last event, not one at 1970 (the
        // Agents view said "20791 d ago" and a lag of 499,004 h).
        expect((await s.agents.list("other"))[0]!.lastEventTs).toBeNull();
        await s.transaction((tx) => tx.agents.recordIngest("other", "cam-1", { events: 0, duplicates: 0, rejects: 3, lastEventTs: null, receivedAt: T0 + 90 }));
        expect((await s.agents.list("other"))[0]).toMatchObject({ rejects: 3, lastEventTs: null });
      });

      test("(issue 14) keep the zones each agent's events named: newest event time only grows, arrival follows the last commit", async (s) => {
        const tally = (agent: string, zones: [string, number][], receivedAt: number) => ({ store: "shop", agent, events: 1, duplicates: 0, rejects: 0, lastEventTs: null, receivedAt, zones: new Map(zones) });
        expect(await s.agents.zoneAgents("shop", "fruit")).toEqual([]);
        await s.transaction((tx) =>
          tx.agents.recordIngestMany([
            tally("cam-2", [["fruit", T0 + 10], ["bakery", T0 + 12]], T0 + 100),
            tally("cam-1", [["fruit", T0 + 20]], T0 + 101),
            { store: "other", agent: "cam-1", events: 1, duplicates: 0, rejects: 0, lastEventTs: null, receivedAt: T0 + 102, zones: new Map([["fruit", T0 + 30]]) },
          ]),
        );
        // An older event arriving later: the newest event time stays, the arrival moves on.
        await s.transaction((tx) => tx.agents.recordIngestMany([tally("cam-1", [["fruit", T0 + 5]], T0 + 200)]));
        await s.transaction((tx) => tx.agents.recordIngest("shop", "cam-3", { events: 1, duplicates: 0, rejects: 0, lastEventTs: T0, receivedAt: T0 + 300 }));
        expect(await s.agents.zoneAgents("shop", "fruit")).toEqual([
          { agent: "cam-1", lastEventTs: T0 + 20, lastReceivedAt: T0 + 200 },
          { agent: "cam-2", lastEventTs: T0 + 10, lastReceivedAt: T0 + 100 },
        ]);
        expect(await s.agents.zoneAgents("shop", "bakery")).toEqual([{ agent: "cam-2", lastEventTs: T0 + 12, lastReceivedAt: T0 + 100 }]);
        expect(await s.agents.zoneAgents("other", "fruit")).toEqual([{ agent: "cam-1", lastEventTs: T0 + 30, lastReceivedAt: T0 + 102 }]);
      });
    });

    describe("transactions", () => {
      test("commit what the function wrote and give back what it returned", async (s) => {
        expect(await s.transaction(async (tx) => (await tx.tokens.create("viewer", null, T0)).info.id)).toEqual(expect.any(String));
        expect(await s.tokens.list()).toHaveLength(1);
        // Joined: a transaction asked of `tx` is the same transaction.
        await expect(
          s.transaction(async (tx) => {
            await tx.transaction((same) => same.stores.ensure("x", "X", T0));
            throw new Error("undo all");
          }),
        ).rejects.toThrow("undo all");
        expect(await s.stores.get("x")).toBeUndefined();
      });

      test("roll back everything when the function throws, and pass the error on", async (s) => {
        const boom = new Error("boom");
        await expect(
          s.transaction(async (tx) => {
            await tx.events.insertMany("s", "a", [enter("a:1", T0, "fruit", "v")], T0);
            await tx.aggregates.write("s", sampleDelta());
            await tx.stores.ensure("s", "S", T0);
            throw boom;
          }),
        ).rejects.toBe(boom);
        expect(await s.events.total("s")).toBe(0);
        expect(await s.stores.list()).toEqual([]);
        expect((await s.aggregates.zoneTotals("s", spansOf(T0, T0 + DAY))).size).toBe(0);
        expect(await s.aggregates.pathCounts("s", spansOf(T0, T0 + DAY))).toEqual([]);
        // Path ids made by the rolled-back transaction are not reused as if they existed.
        await s.transaction((tx) => tx.aggregates.write("s", sampleDelta()));
        expect((await s.aggregates.pathReport("s", spansOf(T0, T0 + DAY), 10)).trips).toBe(3);
        expect((await s.aggregates.pathReport("s", spansOf(T0, T0 + DAY), 10)).paths[0]).toEqual({ zones: ["entrance", "fruit", "checkout"], count: 2 });
      });

      test("a savepoint that throws undoes only its own writes; the transaction commits the rest", async (s) => {
        await s.transaction(async (tx) => {
          await tx.events.insertMany("s", "a", [enter("a:1", T0, "fruit", "v")], T0);
          await expect(
            tx.savepoint(async (sp) => {
              await sp.events.insertMany("s", "a", [enter("a:2", T0, "fruit", "v")], T0);
              await sp.aggregates.write("s", sampleDelta());
              throw new Error("staging failed");
            }),
          ).rejects.toThrow("staging failed");
          expect(await tx.savepoint(async (sp) => (await sp.events.insertMany("s", "a", [enter("a:3", T0, "fruit", "v")], T0))[0])).toBe(true);
          await tx.aggregates.markForBuild("s");
        });
        expect((await s.events.visitorEvents("s", "v")).map((e) => e.id)).toEqual(["a:1", "a:3"]);
        expect((await s.aggregates.zoneTotals("s", spansOf(T0, T0 + DAY))).size).toBe(0);
        expect(await s.aggregates.pathCounts("s", spansOf(T0, T0 + DAY))).toEqual([]);
        // The store was marked in the committed part: a build runs.
        expect(await s.buildPendingAggregates({ visitTimeoutMs: 60_000 })).toBe(1);
      });

      test("a second transaction writing the same rows waits for the first to commit, and both count", async (s) => {
        await s.agents.add("shop", "cam", "camera", T0);
        const first = gate();
        const firstStarted = gate();
        let firstDone = false;
        let secondSawFirstDone: boolean | null = null;
        const tally = (events: number) => ({ events, duplicates: 0, rejects: 0, lastEventTs: T0, receivedAt: T0 });
        const one = s.transaction(async (tx) => {
          await tx.agents.recordIngest("shop", "cam", tally(1));
          firstStarted.open();
          await first.wait;
          firstDone = true;
        });
        await firstStarted.wait;
        const two = s.transaction(async (tx) => {
          await tx.agents.recordIngest("shop", "cam", tally(2));
          secondSawFirstDone = firstDone;
        });
        setTimeout(first.open, 50);
        await Promise.all([one, two]);
        expect(secondSawFirstDone).toBe(true);
        expect((await s.agents.list("shop"))[0]!.events).toBe(3);
      });

      test("a transaction that failed leaves the storage usable; a finished transaction's storage refuses work", async (s) => {
        let leaked: Storage | null = null;
        await expect(
          s.transaction(async (tx) => {
            leaked = tx;
            throw new Error("no");
          }),
        ).rejects.toThrow("no");
        await s.transaction((tx) => tx.stores.ensure("a", "A", T0));
        expect(await s.stores.list()).toEqual([{ id: "a", name: "A" }]);
        await expect(leaked!.stores.ensure("b", "B", T0)).rejects.toThrow();
        expect(await s.stores.get("b")).toBeUndefined();
        await expect(s.ping()).resolves.toBeUndefined();
      });
    });

    describe("retention", () => {
      test("deleteRawBefore deletes raw rows older than the horizon in batches; rollups stay", async (s) => {
        await s.stores.saveLayout("s", layout(0, ["entrance", "fruit", "bakery", "checkout"]), T0);
        await s.transaction(async (tx) => {
          await tx.events.insertMany(
            "s",
            "a",
            [enter("a:1", T0 + 10 * 60_000, "fruit", "v1"), exit("a:2", T0 + 11 * 60_000, "fruit", "v1"), count("a:3", T0 + 5 * 60_000, "entrance", 3, 1), enter("a:4", T0 + 2 * HOUR, "fruit", "v1")],
            T0,
          );
          await tx.aggregates.write("s", sampleDelta());
        });
        const whole = spansOf(T0, T0 + DAY);
        const totalsBefore = await s.aggregates.zoneTotals("s", whole);
        const pathsBefore = await s.aggregates.pathReport("s", whole, 10);
        const before = T0 + HOUR;
        // Older than the horizon: 3 events, 2 visits (e1, e3), 2 trips (v1, v2).
        const batches: number[] = [];
        for (;;) {
          const n = await s.transaction((tx) => tx.aggregates.deleteRawBefore("s", before, 2));
          batches.push(n);
          if (n < 2) break;
        }
        expect(batches.reduce((x, y) => x + y, 0)).toBe(7);
        expect(batches.every((n) => n <= 2)).toBe(true);
        expect(await s.events.total("s")).toBe(1);
        expect((await s.events.visitorEvents("s", "v1")).map((e) => e.id)).toEqual(["a:4"]);
        expect(await s.aggregates.visitsIn("s", "fruit", 0, T0 + DAY)).toEqual([{ enterTs: T0 + 2 * HOUR, dwellMs: 120_000, prevEnterTs: T0 + 10 * 60_000 }]);
        expect(await s.aggregates.visitsIn("s", "bakery", 0, T0 + DAY)).toEqual([]);
        expect(await s.aggregates.openVisitsSince("s", 0)).toEqual([]);
        expect(await s.aggregates.countsIn("s", 0, T0 + DAY)).toEqual([]);
        // The rollups answer as before.
        expect(await s.aggregates.zoneTotals("s", whole)).toEqual(totalsBefore);
        expect(await s.aggregates.pathReport("s", whole, 10)).toEqual(pathsBefore);
        expect(await s.transaction((tx) => tx.aggregates.deleteRawBefore("s", before, 2))).toBe(0);
      });

      test("deleteRollupsBefore drops the hour and day rollups that end before the horizon", async (s) => {
        await s.transaction((tx) => tx.aggregates.write("s", sampleDelta()));
        const later = new AggregateDelta();
        later.visit("fruit", "e9", { enterTs: T0 + 3 * DAY, dwellMs: 1000, prevEnterTs: null }, 1);
        later.trip("v9", T0 + 3 * DAY, "fruit", 1);
        later.door("entrance", T0 + 3 * DAY, 1, 0);
        await s.transaction((tx) => tx.aggregates.write("s", later));
        expect(await s.transaction((tx) => tx.aggregates.deleteRollupsBefore("s", T0 + 2 * DAY))).toBeGreaterThan(0);
        expect((await s.aggregates.zoneTotals("s", spansOf(T0, T0 + DAY))).size).toBe(0);
        expect((await s.aggregates.doorTotals("s", spansOf(T0, T0 + DAY))).size).toBe(0);
        expect(Object.fromEntries(await s.aggregates.revisitsBefore("s", T0 / HOUR, T0 / HOUR + 24, T0 / HOUR + 1))).toEqual({});
        expect((await s.aggregates.zoneTotals("s", spansOf(T0 + 3 * DAY, T0 + 4 * DAY))).get("fruit")?.visits).toBe(1);
        expect((await s.aggregates.pathReport("s", spansOf(T0 + 3 * DAY, T0 + 4 * DAY), 10)).trips).toBe(1);
        expect(Object.fromEntries(await s.aggregates.doorTotals("s", spansOf(T0 + 3 * DAY, T0 + 4 * DAY)))).toEqual({ entrance: { in: 1, out: 0 } });
      });
    });
  });
}
