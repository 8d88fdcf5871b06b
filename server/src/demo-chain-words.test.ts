/**
 * What `footfall demo --stores N`'s banner says it runs (chainDemoWords): it said "a chain of 3 stores (Paris, Milan)",
 * two cities for three stores; now how many in each city and their names, from the simulator's list, adding up.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chainDemoWords } from "./demo.js";

const PRINTED = [
  { name: "Footfall Market Paris", city: "Paris" },
  { name: "Footfall Fashion Milan", city: "Milan" },
  { name: "Footfall Market Paris 2", city: "Paris" },
  { name: "Footfall Market Berlin", city: "Berlin" },
  { name: "Footfall Market Warsaw", city: "Warsaw" },
  { name: "Footfall Fashion Madrid", city: "Madrid" },
  { name: "Footfall Tech Berlin", city: "Berlin" },
  { name: "Footfall Tech London", city: "London" },
];

describe("chainDemoWords", () => {
  it("names the stores of the chain simulator's seed 1 and how many are in each city", () => {
    expect(chainDemoWords(PRINTED.slice(0, 3))).toBe("a chain of 3 stores, 2 in Paris and 1 in Milan: Footfall Market Paris, Footfall Fashion Milan and Footfall Market Paris 2");
    expect(chainDemoWords(PRINTED.slice(0, 1))).toBe("a chain of 1 store in Paris: Footfall Market Paris");
    expect(chainDemoWords([PRINTED[0]!, PRINTED[2]!])).toBe("a chain of 2 stores in Paris: Footfall Market Paris and Footfall Market Paris 2");
    expect(chainDemoWords(PRINTED)).toBe(
      "a chain of 8 stores, 2 in Paris, 2 in Berlin, 1 in Milan, 1 in Warsaw, 1 in Madrid and 1 in London: Footfall Market Paris, Footfall Fashion Milan, Footfall Market Paris 2 and 5 more",
    );
    // Past six cities: the five with the most stores, the rest counted.
    expect(chainDemoWords([...PRINTED, { name: "Footfall Tech Lyon", city: "Lyon" }])).toBe(
      "a chain of 9 stores, 2 in Paris, 2 in Berlin, 1 in Milan, 1 in Warsaw, 1 in Madrid and 2 in 2 other cities: Footfall Market Paris, Footfall Fashion Milan, Footfall Market Paris 2 and 6 more",
    );
    expect(chainDemoWords(PRINTED.slice(0, 7))).toBe(
      "a chain of 7 stores, 2 in Paris, 2 in Berlin, 1 in Milan, 1 in Warsaw and 1 in Madrid: Footfall Market Paris, Footfall Fashion Milan, Footfall Market Paris 2 and 4 more",
    );
  });

  it("for any chain: the stores counted by city and the stores named add up to the stores there are", () => {
    const city = fc.constantFrom("Paris", "Milan", "Berlin", "Warsaw", "Madrid", "London", "Lyon", "Porto", "Oslo");
    fc.assert(
      fc.property(fc.array(fc.record({ name: fc.constantFrom("Footfall Market", "Footfall Tech"), city }), { minLength: 1, maxLength: 60 }), (stores) => {
        const words = chainDemoWords(stores);
        const [head, names] = [words.slice(0, words.indexOf(": ")), words.slice(words.indexOf(": ") + 2)];
        expect(head.startsWith(`a chain of ${stores.length} store`)).toBe(true);
        const counts = [...head.matchAll(/(\d+) in /g)].map((m) => Number(m[1]));
        const single = new Set(stores.map((s) => s.city)).size === 1;
        expect(single ? stores.length : counts.reduce((a, b) => a + b, 0), head).toBe(stores.length);
        const more = /(\d+) more$/.exec(names);
        const listed = names.split(/, | and /).filter((n) => !/ more$/.test(n)).length;
        expect(listed + (more ? Number(more[1]) : 0), names).toBe(stores.length);
      }),
    );
  });
});
