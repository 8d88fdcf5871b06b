import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Logger } from "./log.js";
import { RepeatedFailure } from "./repeated-failure.js";

type Op = { fail: string | null } | "ok";
type Line = { level: "warn" | "info"; fields: Record<string, unknown>; msg: string };

function run(ops: readonly Op[]): Line[] {
  const lines: Line[] = [];
  let t = 0;
  const log = {
    warn: (fields: Record<string, unknown>, msg: string) => lines.push({ level: "warn", fields, msg }),
    info: (fields: Record<string, unknown>, msg: string) => lines.push({ level: "info", fields, msg }),
  } as unknown as Logger;
  const r = new RepeatedFailure({ log, now: () => t, start: (err) => `down: ${err}`, end: (e) => `back: ${e.failures} over ${e.seconds} s, ${e.keys} keys`, keysField: "agents" });
  for (const [i, op] of ops.entries()) {
    t = i * 1000;
    if (op === "ok") r.ok();
    else r.fail(`e${i}`, { i }, op.fail ?? undefined);
  }
  return lines;
}

/** The reference: a spell starts at a failure after a success (or none), ends at the next success; its keys are counted once each. */
function reference(ops: readonly Op[]): Line[] {
  const lines: Line[] = [];
  let spell: { since: number; failures: number; keys: Set<string> } | null = null;
  for (const [i, op] of ops.entries()) {
    if (op === "ok") {
      if (!spell) continue;
      const seconds = i - spell.since;
      lines.push({ level: "info", fields: { failures: spell.failures, seconds, agents: spell.keys.size }, msg: `back: ${spell.failures} over ${seconds} s, ${spell.keys.size} keys` });
      spell = null;
    } else if (spell) {
      spell.failures++;
      if (op.fail !== null) spell.keys.add(op.fail);
    } else {
      spell = { since: i, failures: 1, keys: new Set(op.fail === null ? [] : [op.fail]) };
      lines.push({ level: "warn", fields: { i, err: `e${i}` }, msg: `down: e${i}` });
    }
  }
  return lines;
}

describe("RepeatedFailure", () => {
  it("says a spell of failures once when it starts and once when it ends, with its count, length and keys", () => {
    const op = fc.oneof(fc.constant<Op>("ok"), fc.record({ fail: fc.option(fc.constantFrom("cam1", "cam2", "cam3"), { nil: null }) }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        expect(run(ops)).toEqual(reference(ops));
      }),
    );
  });

  it("40 agents retrying 10 times: one line, then one with 400 refusals of 40 agents", () => {
    const ops: Op[] = [];
    for (let round = 0; round < 10; round++) for (let a = 0; a < 40; a++) ops.push({ fail: `agent${a}` });
    ops.push("ok", "ok");
    const lines = run(ops);
    expect(lines.map((l) => l.level)).toEqual(["warn", "info"]);
    expect(lines[1]!.fields).toMatchObject({ failures: 400, agents: 40 });
  });
});
