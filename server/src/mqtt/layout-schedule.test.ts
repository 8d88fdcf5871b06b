/**
 * The layout a store's agents are sent: the version in force, at any instant, under fake timers (a
 * version saved for later takes effect at its validFrom, weeks ahead too: setTimeout's 24.8-day limit).
 */
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { layoutAt, type Layout } from "@footfall/core";
import { LayoutCache } from "../ingest/layouts.js";
import { createLogger } from "../log.js";
import type { Storage } from "../storage/types.js";
import { LayoutSchedule, MAX_TIMER_MS, SEND_TURN_MS, sendInForce, timerDelay } from "./layout-schedule.js";

const T0 = Date.UTC(2026, 11, 7, 9);
const DAY = 86_400_000;

/** A layout version (only what the schedule reads matters). */
const version = (store: string, v: number, validFrom: number): Layout =>
  ({ store, name: store, version: v, validFrom, timezone: "UTC", floor: { width: 10, height: 10 }, zones: [] }) as unknown as Layout;
const byTime = (ls: Layout[]) => [...ls].sort((a, b) => a.validFrom - b.validFrom || a.version - b.version);

/** A schedule over stores' versions held in memory; `sent` is what its agents were sent, in order. */
function rig(initial: Record<string, Layout[]>, opts: { recheckMs?: number; now?: () => number } = {}, publishing?: (l: Layout) => Promise<void>) {
  const held = new Map(Object.entries(initial).map(([s, ls]) => [s, byTime(ls)]));
  const storage = { stores: { layouts: async (s: string) => held.get(s) ?? [] } } as unknown as Storage;
  const layouts = new LayoutCache(storage);
  const sent: Layout[] = [];
  const took: Layout[] = [];
  const schedule = new LayoutSchedule({
    layouts,
    now: () => Date.now(),
    log: createLogger("silent"),
    publish: async (l) => {
      // The server's publish first awaits the database (the store's name in force), then reaches the broker.
      await publishing?.(l);
      sent.push(l);
    },
    tookEffect: (l) => void took.push(l),
    ...opts,
  });
  /** A version saved (as PUT .../layout does: stored, the cache reloaded, the schedule told). */
  const save = async (l: Layout) => {
    held.set(l.store, byTime([...(held.get(l.store) ?? []), l]));
    await layouts.reload(l.store);
    await schedule.publish(l.store);
  };
  const last = (store: string) => sent.filter((l) => l.store === store).at(-1);
  /** A version saved on another server whose notice never came: stored, read at a reload, the schedule not told. */
  const savedElsewhere = async (l: Layout) => {
    held.set(l.store, byTime([...(held.get(l.store) ?? []), l]));
    await layouts.reload(l.store);
  };
  /** The store's versions changed on another server (a correction, a cancel) whose notice has not come yet: stored only. */
  const changedUnnoticed = (store: string, ls: Layout[]) => void held.set(store, byTime(ls));
  return { schedule, layouts, sent, took, save, savedElsewhere, changedUnnoticed, last };
}

/** Let the clock run to `at`, firing the timers due and their promises. */
async function runTo(at: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(at - Date.now());
  await vi.advanceTimersByTimeAsync(0);
}

afterEach(() => {
  vi.useRealTimers();
});

describe("LayoutSchedule", () => {
  it("sends a version whose time came before its timer, when the stores were looked at in between (a busy event loop)", async () => {
    vi.useFakeTimers({ now: T0 });
    const r = rig({ shop: [version("shop", 1, 0)], other: [version("other", 1, 0)] });
    await r.schedule.publish("shop");
    await r.save(version("shop", 2, T0 + 1_000));
    expect(r.last("shop")?.version).toBe(1);
    // The wall clock passes the validFrom while the loop is busy: the timer has not run when another store's
    // publish looks at the stores again (the next change after now is none: v2's time is past, not sent).
    vi.setSystemTime(T0 + 1_005);
    await r.schedule.publish("other");
    await runTo(T0 + 60_000);
    expect(r.last("shop")?.version).toBe(2);
    expect(r.sent.filter((l) => l.store === "shop").map((l) => l.version)).toEqual([1, 1, 2]);
  });

  it("sends a version at its validFrom by the server's clock when the timer fires a millisecond before it by that clock", async () => {
    vi.useFakeTimers({ now: T0 });
    const at: number[] = [];
    const clock = () => Date.now() - 1;
    const r = rig({ shop: [version("shop", 1, 0)] }, { now: clock }, async (l) => void (l.version === 2 && at.push(clock())));
    await r.schedule.publish("shop");
    await r.save(version("shop", 2, T0 + 1_000));
    await runTo(T0 + 60_000);
    expect(r.last("shop")?.version).toBe(2);
    expect(at).toHaveLength(1);
    expect(at[0]).toBeGreaterThanOrEqual(T0 + 1_000);
  });

  it("sends a version saved for next Monday at its time, not at the save; the version in force at the save", async () => {
    vi.useFakeTimers({ now: T0 });
    const r = rig({ shop: [version("shop", 1, 0)] });
    await r.schedule.publish("shop");
    expect(r.sent.map((l) => l.version)).toEqual([1]);
    await r.save(version("shop", 2, T0 + 3 * DAY));
    // The save sends the version in force (v1 again), not v2.
    expect(r.sent.map((l) => l.version)).toEqual([1, 1]);
    await runTo(T0 + 3 * DAY - 1);
    expect(r.last("shop")?.version).toBe(1);
    await runTo(T0 + 3 * DAY);
    expect(r.last("shop")?.version).toBe(2);
    expect(r.sent).toHaveLength(3);
    // What else follows the layout in force (Home Assistant's discovery, live screens) hears of it once.
    expect(r.took.map((l) => l.version)).toEqual([2]);
    r.schedule.close();
  });

  it("reads the versions again before sending one due: a correction or cancel saved elsewhere, its notice not yet here, is what the agents get", async () => {
    vi.useFakeTimers({ now: T0 });
    const r = rig({ shop: [version("shop", 1, 0), version("shop", 2, T0 + 3_600_000)], mall: [version("mall", 1, 0), version("mall", 2, T0 + 3_600_000)] });
    await r.schedule.publish("shop");
    await r.schedule.publish("mall");
    // Just before 10:00, shop's version 2 is corrected to version 3 from 11:00, and mall's is cancelled.
    r.changedUnnoticed("shop", [version("shop", 1, 0), version("shop", 3, T0 + 7_200_000)]);
    r.changedUnnoticed("mall", [version("mall", 1, 0)]);
    await runTo(T0 + 3_600_000);
    expect(r.sent.map((l) => `${l.store} ${l.version}`)).toEqual(["shop 1", "mall 1"]);
    await runTo(T0 + 7_200_000);
    expect(r.sent.map((l) => `${l.store} ${l.version}`)).toEqual(["shop 1", "mall 1", "shop 3"]);
    expect(r.took.map((l) => `${l.store} ${l.version}`)).toEqual(["shop 3"]);
    r.schedule.close();
  });

  it("waits past setTimeout's 24.8-day limit for a version 30 days ahead", async () => {
    vi.useFakeTimers({ now: T0 });
    const r = rig({ shop: [version("shop", 1, 0), version("shop", 2, T0 + 30 * DAY)] });
    await r.schedule.publish("shop");
    await runTo(T0 + DAY);
    await runTo(T0 + 29 * DAY);
    expect(r.sent.map((l) => l.version)).toEqual([1]);
    await runTo(T0 + 30 * DAY);
    expect(r.sent.map((l) => l.version)).toEqual([1, 2]);
    r.schedule.close();
  });

  it("one timer for the nearest change among the stores; a store forgotten (shard given away) is no longer sent", async () => {
    vi.useFakeTimers({ now: T0 });
    const r = rig({
      a: [version("a", 1, 0), version("a", 2, T0 + 2 * DAY)],
      b: [version("b", 1, 0), version("b", 2, T0 + DAY)],
      c: [version("c", 1, 0), version("c", 2, T0 + DAY)],
    });
    await Promise.all(["a", "b", "c"].map((s) => r.schedule.publish(s)));
    await runTo(T0);
    expect(r.schedule.nextChange()).toBe(T0 + DAY);
    expect(vi.getTimerCount()).toBe(1);
    r.schedule.forget(["c"]);
    await runTo(T0 + DAY);
    expect(r.sent.slice(3).map((l) => `${l.store}${l.version}`)).toEqual(["b2"]);
    await runTo(T0 + 2 * DAY);
    expect(r.sent.slice(3).map((l) => `${l.store}${l.version}`)).toEqual(["b2", "a2"]);
    expect(vi.getTimerCount()).toBe(0);
    r.schedule.close();
  });

  it("follows a store without sending it (another server sent it) and sends its next version", async () => {
    vi.useFakeTimers({ now: T0 });
    const r = rig({ shop: [version("shop", 1, 0), version("shop", 2, T0 + 1000)] });
    await r.schedule.follow("shop");
    await runTo(T0 + 999);
    expect(r.sent).toEqual([]);
    await runTo(T0 + 1000);
    expect(r.sent.map((l) => l.version)).toEqual([2]);
    r.schedule.close();
  });

  it("sends a version whose validFrom passed before the notice of its save came (a busy holder): the saver sent the version in force at its save", async () => {
    vi.useFakeTimers({ now: T0 });
    const r = rig({ shop: [version("shop", 1, 0)] }, { recheckMs: 60_000 });
    await r.schedule.publish("shop");
    // Saved on another server at T0 for T0 + 4 s (it sent its agents version 1, in force then); the notice is handled here at T0 + 6 s.
    r.changedUnnoticed("shop", [version("shop", 1, 0), version("shop", 2, T0 + 4_000)]);
    await runTo(T0 + 6_000);
    await r.layouts.reload("shop");
    await r.schedule.follow("shop");
    expect(r.sent.map((l) => l.version)).toEqual([1, 2]);
    expect(r.took.map((l) => l.version)).toEqual([2]);
    // Sent once: the recheck each minute finds nothing more to send.
    await runTo(T0 + 180_000);
    expect(r.sent.map((l) => l.version)).toEqual([1, 2]);
    r.schedule.close();
  });

  it("a chain's holder: once the notices of the saves on other servers are handled, late or not, the layout sent last is the version in force", async () => {
    const MIN = 60_000;
    await fc.assert(
      fc.asyncProperty(
        // Saves on another server, minutes apart, for versions from the past to an hour ahead, each noticed here 0-10 minutes later.
        fc.array(
          fc.record({ saveAfter: fc.integer({ min: 0, max: 60 }), validFrom: fc.integer({ min: -10, max: 70 }), noticeAfter: fc.integer({ min: 0, max: 10 }) }),
          {
            minLength: 1,
            maxLength: 5,
          },
        ),
        fc.array(fc.integer({ min: 0, max: 90 }), { minLength: 1, maxLength: 6 }),
        async (saves, checks) => {
          vi.useFakeTimers({ now: T0 });
          const r = rig({ shop: [version("shop", 1, 0)] }, { recheckMs: MIN });
          await r.schedule.publish("shop");
          const all: Layout[] = [version("shop", 1, 0)];
          // In time order; at one instant a save first, then the notices, then the checks.
          const steps = [
            ...saves.map((s, i) => ({ at: T0 + s.saveAfter * MIN, rank: 0, save: version("shop", i + 2, Math.max(0, T0 + s.validFrom * MIN)) })),
            ...saves.map((s) => ({ at: T0 + (s.saveAfter + s.noticeAfter) * MIN, rank: 1, save: null })),
            ...checks.map((c) => ({ at: T0 + c * MIN, rank: 2, save: null })),
          ].sort((a, b) => a.at - b.at || a.rank - b.rank);
          let pending = 0;
          for (const step of steps) {
            await runTo(step.at);
            if (step.rank === 0) {
              // The saver stores it and sends the agents the version in force now; this server is not told yet.
              all.push(step.save!);
              r.changedUnnoticed("shop", all);
              r.sent.push(layoutAt(byTime(all), Date.now())!);
              pending++;
            } else if (step.rank === 1) {
              // The notice: the versions read again, then followed.
              await r.layouts.reload("shop");
              await r.schedule.follow("shop");
              pending--;
            } else if (pending === 0) expect(r.last("shop")?.version).toBe(layoutAt(byTime(all), Date.now())?.version);
          }
          r.schedule.close();
          vi.useRealTimers();
        },
      ),
      { numRuns: 100 },
    );
  });

  it("a save's send held up by the database just before a validFrom goes out before the timer's: the agents end on the version that took effect", async () => {
    vi.useFakeTimers({ now: T0 });
    let release = () => {};
    let hold = false;
    const r = rig({ shop: [version("shop", 1, 0)] }, {}, (l) =>
      hold && l.version === 1 ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve(),
    );
    await r.schedule.publish("shop");
    // Saved at T0 + 999 for T0 + 1000: its send decides version 1 (in force) and waits on the database past the validFrom.
    hold = true;
    await runTo(T0 + 999);
    const saving = r.save(version("shop", 2, T0 + 1_000));
    await runTo(T0 + 1_500);
    hold = false;
    release();
    await saving;
    await runTo(T0 + 2_000);
    // Before: [1, 2, 1], the timer's version 2 overtaken by the save's version 1, for good.
    expect(r.sent.map((l) => l.version)).toEqual([1, 1, 2]);
    expect(r.took.map((l) => l.version)).toEqual([2]);
    r.schedule.close();
  });

  it("a send that never settles (a broker gone) holds the store's next send back SEND_TURN_MS at most", async () => {
    vi.useFakeTimers({ now: T0 });
    let hang = false;
    const r = rig({ shop: [version("shop", 1, 0)] }, {}, () => (hang ? new Promise<void>(() => {}) : Promise.resolve()));
    await r.schedule.publish("shop");
    hang = true;
    void r.schedule.publish("shop");
    await runTo(T0 + 1_000);
    hang = false;
    void r.save(version("shop", 2, T0 + 1_000));
    await runTo(T0 + SEND_TURN_MS - 1);
    expect(r.sent.map((l) => l.version)).toEqual([1]);
    await runTo(T0 + SEND_TURN_MS);
    expect(r.sent.map((l) => l.version)).toEqual([1, 2]);
    r.schedule.close();
  });

  it("whatever the database's delays, saves close to validFroms leave the agents on the version in force once the sends are done", async () => {
    await fc.assert(
      fc.asyncProperty(
        // Saves within 10 s, each for a version from 3 s before to 3 s after its save; each send's database call takes 0-3 s.
        fc.array(fc.record({ saveAfter: fc.integer({ min: 0, max: 10_000 }), validFrom: fc.integer({ min: -3_000, max: 3_000 }) }), {
          minLength: 1,
          maxLength: 5,
        }),
        fc.array(fc.integer({ min: 0, max: 3_000 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 12_000 }),
        async (saves, delays, checkAt) => {
          vi.useFakeTimers({ now: T0 });
          let n = 0;
          const r = rig({ shop: [version("shop", 1, 0)] }, {}, () => new Promise<void>((resolve) => setTimeout(resolve, delays[n++ % delays.length])));
          const sending: Promise<void>[] = [r.schedule.publish("shop")];
          const all: Layout[] = [version("shop", 1, 0)];
          const steps = [
            ...saves.map((s, i) => ({ at: T0 + s.saveAfter, save: version("shop", i + 2, T0 + s.saveAfter + s.validFrom) })),
            { at: T0 + checkAt, save: null },
          ].sort((a, b) => a.at - b.at);
          for (const step of steps) {
            await runTo(step.at);
            if (step.save) {
              all.push(step.save);
              // Not awaited: the next save or validFrom may come while its send waits on the database.
              sending.push(r.save(step.save));
            } else sending.push(r.schedule.publish("shop")); // a takeover, a restart: the version in force again
          }
          // Every version's validFrom passed, every send done: the agents hold the version in force.
          await runTo(T0 + 60_000);
          await Promise.all(sending);
          expect(r.last("shop")?.version).toBe(layoutAt(byTime(all), Date.now())?.version);
          r.schedule.close();
          vi.useRealTimers();
        },
      ),
      { numRuns: 200 },
    );
  });

  it("with recheckMs, finds a version it was not told of (a chain's lost notice) at its next look", async () => {
    vi.useFakeTimers({ now: T0 });
    const r = rig({ shop: [version("shop", 1, 0)] }, { recheckMs: 60_000 });
    await r.schedule.publish("shop");
    await r.savedElsewhere(version("shop", 2, T0 + 1000));
    await runTo(T0 + 59_000);
    expect(r.sent.map((l) => l.version)).toEqual([1]);
    await runTo(T0 + 60_000);
    expect(r.sent.map((l) => l.version)).toEqual([1, 2]);
    r.schedule.close();
  });

  it("the layout sent last is, at any instant, the version in force then (saves in the past, now and ahead, weeks apart)", async () => {
    const offset = fc.integer({ min: -40 * DAY, max: 40 * DAY });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ saveAfter: fc.integer({ min: 0, max: 10 * DAY }), validFrom: offset }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 0, max: 45 * DAY }), { minLength: 1, maxLength: 6 }),
        async (saves, checks) => {
          vi.useFakeTimers({ now: T0 });
          const r = rig({ shop: [version("shop", 1, 0)] });
          await r.schedule.publish("shop");
          // Saves and checks in time order; each check compares what the agents hold with the rule.
          const steps = [
            ...saves.map((s, i) => ({ at: T0 + s.saveAfter, save: version("shop", i + 2, Math.max(0, T0 + s.validFrom)) })),
            ...checks.map((c) => ({ at: T0 + c, save: null })),
          ].sort((a, b) => a.at - b.at);
          const all: Layout[] = [version("shop", 1, 0)];
          for (const step of steps) {
            await runTo(step.at);
            if (step.save) {
              all.push(step.save);
              await r.save(step.save);
            }
            expect(r.last("shop")?.version).toBe(layoutAt(byTime(all), Date.now())?.version);
          }
          r.schedule.close();
          vi.useRealTimers();
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("sendInForce (a server saving a store another publishes)", () => {
  /**
   * The saver's view: the store's versions, its clock (from T0), and the versions that reached the broker, in
   * order. Each publish is stalled between its look and its message reaching the broker: `stall` is the clock
   * after it, given the clock before (none by default).
   */
  function saver(ls: Layout[], stall: (clock: number) => number = (clock) => clock) {
    let clock = T0;
    const storage = { stores: { layouts: async () => byTime(ls) } } as unknown as Storage;
    const sent: number[] = [];
    const o = {
      layouts: new LayoutCache(storage),
      now: () => clock,
      publish: async (l: Layout) => {
        clock = stall(clock);
        sent.push(l.version);
      },
    };
    return { o, sent };
  }
  /** Stalled until `to`: the clock went on to `to` meanwhile. */
  const stallTo = (to: number) => (clock: number) => Math.max(clock, to);

  it("stalled across the validFrom of the version it saved, sends that version after the old one: the broker keeps the version in force", async () => {
    // The holder sent version 2 at T0 + 1 s; the saver's version 1, decided at T0, reached the broker after it.
    const { o, sent } = saver([version("shop", 1, 0), version("shop", 2, T0 + 1_000)], stallTo(T0 + 2_000));
    await sendInForce("shop", o);
    // Before: [1] only, and the agents kept version 1.
    expect(sent).toEqual([1, 2]);
  });

  it("sends once when nothing took effect meanwhile, nothing without a layout", async () => {
    const one = saver([version("shop", 1, 0), version("shop", 2, T0 + 60_000)], stallTo(T0 + 2_000));
    await sendInForce("shop", one.o);
    expect(one.sent).toEqual([1]);
    const none = saver([]);
    await sendInForce("shop", none.o);
    expect(none.sent).toEqual([]);
  });

  it("whatever its stalls, the version it sent last is the version in force after that send (the holder's sends at later validFroms come after)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 0, max: 3_000 }), { minLength: 1, maxLength: 4 }),
        async (validFroms, stalls) => {
          let n = 0;
          const ls = [version("shop", 1, 0), ...validFroms.map((v, i) => version("shop", i + 2, T0 + v))];
          const { o, sent } = saver(ls, (clock) => clock + stalls[n++ % stalls.length]!);
          await sendInForce("shop", o, 10);
          expect(sent.at(-1)).toBe(layoutAt(byTime(ls), o.now())?.version);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("timerDelay", () => {
  it("is the time to the change, never below 0 nor above setTimeout's limit", () => {
    expect(timerDelay(T0 + 5, T0)).toBe(5);
    expect(timerDelay(T0 - 5, T0)).toBe(0);
    expect(timerDelay(T0 + 30 * DAY, T0)).toBe(MAX_TIMER_MS);
  });
});
