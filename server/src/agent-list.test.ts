import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AGENT_KINDS } from "@footfall/core";
import { parseAgentList, type AgentRow } from "./agent-list.js";

const idArb = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,20}$/);
const rowsArb = fc.uniqueArray(fc.record({ store: idArb, agent: idArb, kind: fc.constantFrom(...AGENT_KINDS) }), {
  minLength: 1,
  maxLength: 30,
  selector: (r) => `${r.store}/${r.agent}`,
});

/** The three forms a chain's agent list may take; the CSV with its columns in any order and an extra one. */
function forms(rows: readonly AgentRow[], order: readonly string[]): string[] {
  const header = [...order, "note"];
  const csv = [header.join(","), ...rows.map((r) => [...order.map((c) => r[c as keyof AgentRow]), "x"].join(","))].join("\n");
  return [csv, `${csv}\n\n`, JSON.stringify(rows), rows.map((r) => JSON.stringify(r)).join("\n")];
}

describe("parseAgentList", () => {
  it("reads the same rows back from CSV (any column order), a JSON array and JSON Lines", () => {
    fc.assert(
      fc.property(rowsArb, fc.shuffledSubarray(["store", "agent", "kind"], { minLength: 3 }), (rows, order) => {
        for (const text of forms(rows, order)) expect(parseAgentList(text)).toEqual({ ok: true, rows });
      }),
    );
  });

  it("refuses the whole file when any row is bad, naming each bad line", () => {
    const r = parseAgentList("store,agent,kind\nshop-1,door-1,door\nShop 2,door-1,door\nshop-3,cam-1,lidar\nshop-1,door-1,camera\n", "agents.csv");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toHaveLength(3);
    expect(r.problems[0]).toMatch(/agents\.csv line 3: store "Shop 2" is not an id/);
    expect(r.problems[1]).toMatch(/line 4: kind "lidar" is not one of door, beacon, camera, sim/);
    expect(r.problems[2]).toMatch(/line 5: agent shop-1\/door-1 is listed twice \(first at 2\)/);
  });

  it("says what is missing: a CSV header column, any row, valid JSON", () => {
    expect(parseAgentList("store,agent\nshop,door-1")).toEqual({ ok: false, problems: [expect.stringMatching(/must name the columns store, agent and kind; missing: kind/)] });
    expect(parseAgentList("  \n")).toEqual({ ok: false, problems: [expect.stringMatching(/is empty/)] });
    expect(parseAgentList("store,agent,kind\n")).toEqual({ ok: false, problems: [expect.stringMatching(/lists no agent/)] });
    expect(parseAgentList("[{")).toEqual({ ok: false, problems: [expect.stringMatching(/not valid JSON/)] });
    expect(parseAgentList('[1, {"store":"s","agent":"a","kind":"sim"}]')).toEqual({ ok: false, problems: [expect.stringMatching(/item 1: not an object/)] });
  });
});
