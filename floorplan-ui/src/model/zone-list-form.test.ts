import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { notCountedText, zoneListForm } from "./live.js";

const TZ = "Europe/Paris";
const NOW = 1_765_010_000_000; // the day of the outages below, in Paris
const zonesArb = fc.array(
  fc.record({
    id: fc.string(),
    notCounted: fc.option(fc.record({ since: fc.constantFrom(1_765_000_000_000, 1_765_003_600_000, 1_765_007_200_000), agents: fc.constantFrom(["cam-1"], ["sim-1"], ["cam-1", "cam-2"]) }), { nil: null }),
  }),
  { maxLength: 30 },
);

describe("zoneListForm: the kiosk's dense zone list", () => {
  it("stays full while the rows fit or nothing is not counted", () => {
    const z = [{ id: "a", notCounted: { since: 1_765_000_000_000, agents: ["sim-1"] } }];
    expect(zoneListForm(z, false, TZ, NOW).form).toBe("full");
    expect(zoneListForm([{ id: "a", notCounted: null }], true, TZ, NOW).form).toBe("full");
  });

  it("one since/agents: one legend line with no mark, as the row used to say it", () => {
    const since = 1_765_000_000_000;
    const z = Array.from({ length: 24 }, (_, i) => ({ id: `z${i}`, notCounted: { since, agents: ["sim-1"] } }));
    const f = zoneListForm(z, true, TZ, NOW);
    expect(f.form).toBe("dense");
    expect(f.legend).toEqual([{ mark: null, text: `Not counted s${notCountedText({ since, agents: ["sim-1"] }, TZ, NOW).slice(1)}`, zones: z.map((x) => x.id) }]);
    expect(f.legend[0]!.text).toMatch(/^Not counted since \d\d:\d\d( \w+)? \(sim-1 offline\)$/);
  });

  it("property: dense iff overflowing with a not-counted zone; each not-counted zone in exactly the legend line of its own since/agents", () => {
    fc.assert(
      fc.property(zonesArb, fc.boolean(), (raw, overflows) => {
        // Ids unique, as a layout's.
        const zones = raw.map((z, i) => ({ ...z, id: `${i}-${z.id}` }));
        const f = zoneListForm(zones, overflows, TZ, NOW);
        const nc = zones.filter((z) => z.notCounted);
        expect(f.form).toBe(overflows && nc.length > 0 ? "dense" : "full");
        if (f.form === "full") {
          expect(f.legend).toEqual([]);
          return;
        }
        // Reference: the distinct texts in first-seen order.
        const texts = [...new Set(nc.map((z) => `Not counted s${notCountedText(z.notCounted!, TZ, NOW).slice(1)}`))];
        expect(f.legend.map((g) => g.text)).toEqual(texts);
        expect(f.legend.flatMap((g) => g.zones).sort()).toEqual(nc.map((z) => z.id).sort());
        for (const z of nc) {
          const g = f.legend.find((l) => l.zones.includes(z.id))!;
          expect(g.text).toBe(`Not counted s${notCountedText(z.notCounted!, TZ, NOW).slice(1)}`);
          expect(f.markOf[z.id]).toBe(texts.length > 1 ? texts.indexOf(g.text) + 1 : null);
        }
      }),
    );
  });
});
