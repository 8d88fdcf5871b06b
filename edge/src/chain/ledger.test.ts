/** The chain simulator's ledger against a naive reference: a set of ids per store. */
import fc from "fast-check";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Ledger } from "./ledger.js";

const id = (agent: string, boot: string, seq: number) => `${agent}:${boot}:${String(seq).padStart(9, "0")}`;
/** Events as an agent numbers them: per (store, agent, boot), increasing sequence numbers with gaps (refused by the outbox). */
const sent = fc.array(
  fc.record({
    store: fc.constantFrom("s1", "s2", "s3"),
    agent: fc.constantFrom("sim-1", "cam-2"),
    boot: fc.constantFrom("0000boot", "0000bop2"),
    gap: fc.nat(3),
  }),
  { maxLength: 300 },
);
function replay(items: { store: string; agent: string; boot: string; gap: number }[]): { ledger: Ledger; reference: Map<string, string[]> } {
  const ledger = new Ledger();
  const reference = new Map<string, string[]>();
  const next = new Map<string, number>();
  for (const it of items) {
    const key = `${it.store}/${it.agent}/${it.boot}`;
    const seq = (next.get(key) ?? 0) + it.gap;
    next.set(key, seq + 1);
    const eventId = id(it.agent, it.boot, seq);
    ledger.record(it.store, eventId);
    reference.set(it.store, [...(reference.get(it.store) ?? []), eventId]);
  }
  return { ledger, reference };
}

describe("Ledger", () => {
  it("lists exactly the ids recorded, per store, whatever the gaps between sequence numbers", () => {
    fc.assert(
      fc.property(sent, (items) => {
        const { ledger, reference } = replay(items);
        expect(ledger.stores()).toEqual([...reference.keys()].sort());
        for (const [store, ids] of reference) {
          expect([...ledger.ids(store)].sort()).toEqual([...ids].sort());
          expect(ledger.count(store)).toBe(ids.length);
        }
        expect(ledger.count()).toBe(items.length);
      }),
    );
  });

  it("counts an id recorded twice, or out of order, once", () => {
    const l = new Ledger();
    for (const seq of [5, 3, 4, 5, 1, 3]) l.record("s", id("a", "b", seq));
    expect([...l.ids("s")]).toEqual([1, 3, 4, 5].map((s) => id("a", "b", s)));
    expect(l.count()).toBe(4);
  });

  it("audits what a server stored against what was sent: lost, doubled and foreign, as a set-based reference counts them", () => {
    fc.assert(
      fc.property(sent, fc.array(fc.tuple(fc.nat(), fc.nat(2))), fc.array(fc.nat(50), { maxLength: 3 }), (items, picks, strangers) => {
        const { ledger, reference } = replay(items);
        const ids = reference.get("s1") ?? [];
        // The server stored some of the sent ids, some more than once, and a few it got elsewhere.
        const stored: string[] = [];
        for (const [i, copies] of picks) if (ids.length > 0) for (let c = 0; c <= copies; c++) stored.push(ids[i % ids.length]!);
        for (const n of strangers) stored.push(id("other", "0000boot", n));
        const storedSet = new Set(stored);
        const audit = ledger.audit("s1", stored);
        expect(audit.sent).toBe(ids.length);
        expect(audit.stored).toBe(stored.length);
        expect(audit.lost).toBe(ids.filter((x) => !storedSet.has(x)).length);
        expect(audit.doubled).toBe(stored.filter((x) => ids.includes(x)).length - new Set(stored.filter((x) => ids.includes(x))).size);
        expect(audit.foreign).toBe(new Set(strangers).size);
        expect(audit.lostIds.every((x) => !storedSet.has(x) && ids.includes(x))).toBe(true);
      }),
    );
  });

  it("counts a sent id missing from the server as lost only when the simulator had it settled; unsettled ones apart, stored or not", () => {
    fc.assert(
      fc.property(sent, fc.array(fc.nat()), fc.array(fc.nat()), (items, picks, open) => {
        const { ledger, reference } = replay(items);
        const ids = reference.get("s1") ?? [];
        const stored = ids.length ? picks.map((i) => ids[i % ids.length]!) : [];
        const unsettled = ids.length ? open.map((i) => ids[i % ids.length]!) : [];
        const storedSet = new Set(stored);
        const openSet = new Set(unsettled);
        const audit = ledger.audit("s1", stored, unsettled);
        // Reference: every sent id is exactly one of stored, unsettled and missing, or settled and missing (lost).
        expect(audit.lost).toBe(ids.filter((x) => !storedSet.has(x) && !openSet.has(x)).length);
        expect(audit.unsettled).toBe(ids.filter((x) => !storedSet.has(x) && openSet.has(x)).length);
        expect(audit.unsettledStored).toBe(ids.filter((x) => storedSet.has(x) && openSet.has(x)).length);
        expect(audit.lost + audit.unsettled + new Set(stored).size).toBe(audit.sent);
        expect(audit.lostIds.every((x) => !storedSet.has(x) && !openSet.has(x))).toBe(true);
        expect(audit.unsettledIds.every((x) => !storedSet.has(x) && openSet.has(x))).toBe(true);
        // Without the list, every missing id counts as lost (as before).
        expect(ledger.audit("s1", stored).lost).toBe(audit.lost + audit.unsettled);
      }),
    );
  });

  it("survives a round trip through its file", () => {
    fc.assert(
      fc.property(sent, (items) => {
        const { ledger } = replay(items);
        const again = Ledger.fromJSON(JSON.parse(JSON.stringify(ledger.toJSON())));
        for (const store of ledger.stores()) expect([...again.ids(store)]).toEqual([...ledger.ids(store)]);
      }),
      { numRuns: 30 },
    );
    const dir = mkdtempSync(join(tmpdir(), "footfall-ledger-"));
    try {
      const { ledger } = replay([{ store: "s1", agent: "sim-1", boot: "0000boot", gap: 0 }]);
      ledger.unsettled.set("s1", [id("sim-1", "0000boot", 0)]);
      ledger.save(join(dir, "ledger.json"));
      const loaded = Ledger.load(join(dir, "ledger.json"));
      expect([...loaded.ids("s1")]).toEqual([id("sim-1", "0000boot", 0)]);
      // The ids still unsettled when the simulator stopped come back too.
      expect(loaded.unsettled.get("s1")).toEqual([id("sim-1", "0000boot", 0)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses an id that is not an agent's, and a file that is not a ledger", () => {
    expect(() => new Ledger().record("s", "not-an-id")).toThrow(/not an agent's event id/);
    expect(() => Ledger.fromJSON({ stores: {} })).toThrow(/not a chain simulator ledger/);
  });
});
