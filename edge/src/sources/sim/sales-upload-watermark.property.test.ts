import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../log.js";
import { SalesUploader } from "./sales-upload.js";
import { salesImportRuns } from "./test-sales-import.js";

const T0 = 1_780_000_000_000;
type Op =
  /** A simulator step: till transactions at these offsets from T0 (in any order, as a step's tills pay). */
  | { kind: "make"; ts: number[] }
  /** The store's events are settled up to here now (offset from T0; null: none unsettled, Infinity). */
  | { kind: "settle"; before: number | null }
  | { kind: "upload"; busy: boolean }
  | { kind: "stop" }
  | { kind: "crash" };
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("make" as const), ts: fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 6 }) }),
  fc.record({ kind: fc.constant("settle" as const), before: fc.option(fc.integer({ min: 0, max: 110 }), { freq: 4 }) }),
  fc.record({ kind: fc.constant("upload" as const), busy: fc.boolean() }),
  fc.constant({ kind: "stop" as const }),
  fc.constant({ kind: "crash" as const }),
);

const newRun = salesImportRuns("footfall-sales-mark-");

describe("SalesUploader with a watermark (settledBefore), over any run of steps, watermarks, uploads, stops and crashes", () => {
  it("sends exactly the transactions before the watermark of each upload, none twice, and keeps the others (in its file) until a later one passes them", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 30 }), async (ops) => {
        const { imp, file } = newRun();
        let before = T0; // nothing settled at first
        const open = () =>
          new SalesUploader({ url: "http://import.test/sales", token: "tok", log: silentLogger, file, batchSize: 3, settledBefore: () => before });
        // The reference: what waits (id -> ts) and what was sent, as sets.
        const waiting = new Map<string, number>();
        const sent = new Set<string>();
        let made = 0;
        const check = (up: SalesUploader) => {
          expect([...imp.stored.keys()].sort()).toEqual([...sent].sort());
          expect([...imp.stored.values()].every((n) => n === 1)).toBe(true);
          expect(up.waiting).toBe(waiting.size);
        };
        const upload = async (up: SalesUploader, busy: boolean, withinMs?: number) => {
          imp.state.busy = busy;
          await up.flush(withinMs);
          // Busy, it asked the import only when something was before the watermark (and nothing is gone then).
          const asked = [...waiting.values()].some((ts) => ts < before);
          if (!busy || !asked) {
            for (const [t, ts] of waiting)
              if (ts < before) {
                waiting.delete(t);
                sent.add(t);
              }
            const held = before === Infinity ? 0 : [...waiting.values()].filter((ts) => ts >= before).length;
            expect(up.heldBack).toBe(held);
          } else expect(up.heldBack).toBe(0);
          check(up);
        };
        let up = open();
        for (const o of ops) {
          if (o.kind === "make") {
            for (const offset of o.ts) {
              const t = `t-${made++}`;
              waiting.set(t, T0 + offset);
              up.add({ transaction: t, ts: T0 + offset, zone: "bakery", amount: 2, items: 1 });
            }
            await Promise.resolve();
          } else if (o.kind === "settle") before = o.before === null ? Infinity : T0 + o.before;
          else if (o.kind === "upload") await upload(up, o.busy);
          else if (o.kind === "stop") {
            await upload(up, false, 1000);
            up.close();
            up = open();
            check(up);
          } else {
            // kill -9 (after the step's write): the next process reads the file, which holds exactly what waits.
            up = open();
            check(up);
          }
        }
        // Everything settled at last: every transaction made is in the import, once.
        before = Infinity;
        await upload(up, false);
        expect(sent.size).toBe(made);
        expect(up.waiting).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
