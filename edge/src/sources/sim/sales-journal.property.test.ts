import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../log.js";
import { SalesUploader } from "./sales-upload.js";
import { salesImportRuns } from "./test-sales-import.js";

type Op = { kind: "make"; n: number } | { kind: "upload"; busy: boolean } | { kind: "stop" } | { kind: "crash" };
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("make" as const), n: fc.integer({ min: 1, max: 7 }) }),
  fc.record({ kind: fc.constant("upload" as const), busy: fc.boolean() }),
  fc.constant({ kind: "stop" as const }),
  fc.constant({ kind: "crash" as const }),
);

const newRun = salesImportRuns("footfall-sales-prop-");

describe("SalesUploader with a file, over any run of steps, uploads, stops and crashes", () => {
  it("gets every transaction made into the import in the end (the reference: the set of all made), none lost, whatever the import answered", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
        const { imp, file } = newRun();
        const open = () => new SalesUploader({ url: "http://import.test/sales", token: "tok", log: silentLogger, file, batchSize: 4 });
        const made: string[] = [];
        let up = open();
        for (const o of ops) {
          if (o.kind === "make") {
            // One simulator step: its transactions, then the step ends (the loop's turn).
            for (let i = 0; i < o.n; i++) {
              const t = `t-${made.length}`;
              made.push(t);
              up.add({ transaction: t, ts: 1_700_000_000_000 + made.length, zone: "bakery", amount: 2, items: 1 });
            }
            await Promise.resolve();
          } else if (o.kind === "upload") {
            imp.state.busy = o.busy;
            await up.flush();
          } else if (o.kind === "stop") {
            imp.state.busy = true;
            await up.flush(50);
            up.close();
            up = open();
          } else {
            // kill -9: nothing more runs in that process; the next one reads the file.
            up = open();
          }
        }
        imp.state.busy = false;
        await open().flush();
        expect([...imp.stored.keys()].sort()).toEqual([...made].sort());
      }),
      { numRuns: 300 },
    );
  });
});
