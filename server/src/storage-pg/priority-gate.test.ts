import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PriorityGate } from "./priority-gate.js";

const tick = () => new Promise((r) => setImmediate(r));

describe("PriorityGate", () => {
  it("lets an urgent waiter in before the others that waited longer, and keeps each kind in order", async () => {
    const gate = new PriorityGate(1);
    const order: string[] = [];
    const first = await gate.acquire();
    // Each waiter, once in, notes its name and gives its place back.
    const enter = (name: string, urgent: boolean) => gate.acquire(urgent).then((release) => (order.push(name), release()));
    const waiting = [enter("n1", false), enter("n2", false), enter("u1", true), enter("u2", true)];
    await tick();
    expect(gate.state()).toEqual({ held: 1, urgent: 2, normal: 2 });
    expect(order).toEqual([]);
    first();
    await Promise.all(waiting);
    expect(order).toEqual(["u1", "u2", "n1", "n2"]);
    expect(gate.state()).toEqual({ held: 0, urgent: 0, normal: 0 });
  });

  it("never has more than `size` holders, gives every waiter a place, urgent ones before normal ones waiting at the same time (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.record({ urgent: fc.boolean(), holdTicks: fc.integer({ min: 0, max: 3 }) }), { minLength: 1, maxLength: 30 }),
        async (size, jobs) => {
          const gate = new PriorityGate(size);
          let holding = 0;
          let most = 0;
          const entered: number[] = [];
          const runs = jobs.map(async (job, i) => {
            const release = await gate.acquire(job.urgent);
            holding++;
            most = Math.max(most, holding);
            entered.push(i);
            for (let t = 0; t < job.holdTicks; t++) await tick();
            holding--;
            release();
            release(); // a second release gives nothing back twice
          });
          await Promise.all(runs);
          expect(most).toBeLessThanOrEqual(size);
          expect([...entered].sort((a, b) => a - b)).toEqual(jobs.map((_, i) => i));
          expect(gate.state()).toEqual({ held: 0, urgent: 0, normal: 0 });
          // The reference: all jobs asked at once, so the first `size` go in at once, in order; then every urgent one before every normal one, each kind in order.
          const rest = jobs.map((j, i) => ({ ...j, i })).slice(size);
          const expectedRest = [...rest.filter((j) => j.urgent), ...rest.filter((j) => !j.urgent)].map((j) => j.i);
          expect(entered.slice(size)).toEqual(expectedRest);
        },
      ),
      { numRuns: 60 },
    );
  });
});
