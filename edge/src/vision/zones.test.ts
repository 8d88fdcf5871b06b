import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { stepZones, zonesInside, type Membership } from "./zones.js";

// A fixed seed keeps the suite deterministic; change it (or drop it locally) to explore new cases.
fc.configureGlobal({ seed: 20260601 });

const square = {
  id: "fruit",
  polygon: [
    [0, 0],
    [2, 0],
    [2, 2],
    [0, 2],
  ] as [number, number][],
};
const opts = { minFramesIn: 3, minFramesOut: 3 };

function walk(points: ([number, number] | null)[]) {
  let m: Membership = {};
  const events: string[] = [];
  for (const p of points) {
    const r = stepZones(m, p, [square], opts);
    m = r.membership;
    events.push(...r.entered.map((z) => `enter ${z}`), ...r.exited.map((z) => `exit ${z}`));
  }
  return { m, events };
}

describe("stepZones", () => {
  it("enters after minFramesIn frames inside and exits after minFramesOut outside", () => {
    const inP: [number, number] = [1, 1],
      outP: [number, number] = [5, 5];
    expect(walk([inP, inP]).events).toEqual([]);
    expect(walk([inP, inP, inP]).events).toEqual(["enter fruit"]);
    expect(walk([inP, inP, inP, outP, outP, outP]).events).toEqual(["enter fruit", "exit fruit"]);
  });
  it("does not flap for someone standing on the boundary", () => {
    const seq: [number, number][] = [];
    for (let k = 0; k < 40; k++) seq.push(k % 2 ? [1.99, 1] : [2.01, 1]);
    expect(walk(seq).events).toEqual([]);
  });
  it("exits at once a zone that left the layout", () => {
    const r = stepZones({ gone: { inside: true, streak: 0 } }, [1, 1], [square], opts);
    expect(r.exited).toEqual(["gone"]);
  });
  it("property: enters and exits alternate, starting with an enter", () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.tuple(fc.double({ min: -1, max: 3, noNaN: true }), fc.double({ min: -1, max: 3, noNaN: true }))), { maxLength: 80 }),
        (pts) => {
          const { m, events } = walk(pts);
          events.forEach((e, i) => expect(e).toBe(i % 2 === 0 ? "enter fruit" : "exit fruit"));
          expect(zonesInside(m).length).toBe(events.length % 2);
        },
      ),
    );
  });
});
