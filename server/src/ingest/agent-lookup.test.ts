import { describe, expect, it } from "vitest";
import { agentLookup } from "./agent-lookup.js";

/** A store of agents that counts its queries and answers when told. */
function agents(existing: string[]) {
  const queries: string[] = [];
  const answers: (() => void)[] = [];
  let fail = false;
  const get = (store: string, agent: string) =>
    new Promise<unknown>((resolve, reject) => {
      queries.push(`${store}/${agent}`);
      answers.push(() => (fail ? reject(new Error("connection lost")) : resolve(existing.includes(`${store}/${agent}`) ? { id: agent } : undefined)));
    });
  return { get, queries, answerAll: () => answers.splice(0).forEach((a) => a()), failNext: (on: boolean) => (fail = on) };
}

describe("agentLookup", () => {
  it("asks once for the many messages of an agent not seen yet, then never again for a known one", async () => {
    const db = agents(["s1/a1"]);
    const { isKnown } = agentLookup(db.get);
    const waiting = Array.from({ length: 200 }, () => isKnown("s1", "a1"));
    expect(db.queries).toEqual(["s1/a1"]);
    db.answerAll();
    expect(await Promise.all(waiting)).toEqual(Array(200).fill(true));
    expect(await isKnown("s1", "a1")).toBe(true);
    expect(db.queries).toHaveLength(1);
  });

  it("asks again for an agent not found (it may be added meanwhile), and after a failed query", async () => {
    const db = agents([]);
    const { isKnown } = agentLookup(db.get);
    const first = [isKnown("s1", "ghost"), isKnown("s1", "ghost")];
    db.answerAll();
    expect(await Promise.all(first)).toEqual([false, false]);
    const again = isKnown("s1", "ghost");
    db.answerAll();
    expect(await again).toBe(false);
    expect(db.queries).toEqual(["s1/ghost", "s1/ghost"]);
    db.failNext(true);
    const failing = [isKnown("s1", "a2"), isKnown("s1", "a2")];
    db.answerAll();
    for (const f of failing) await expect(f).rejects.toThrow("connection lost");
    db.failNext(false);
    const retried = isKnown("s1", "a2");
    db.answerAll();
    expect(await retried).toBe(false);
    expect(db.queries.filter((q) => q === "s1/a2")).toHaveLength(2);
  });

  it("keeps agents of different stores apart", async () => {
    const db = agents(["s1/a1"]);
    const { isKnown } = agentLookup(db.get);
    const both = [isKnown("s1", "a1"), isKnown("s2", "a1")];
    db.answerAll();
    expect(await Promise.all(both)).toEqual([true, false]);
  });

  it("asks nothing for the agents it learnt (a chain server reads the agents of the shards it takes in one query)", async () => {
    const db = agents(["s1/a1"]);
    const lookup = agentLookup(db.get);
    lookup.learn([{ store: "s1", agent: "a1" }, { store: "s2", agent: "b1" }]);
    expect(await Promise.all([lookup.isKnown("s1", "a1"), lookup.isKnown("s2", "b1")])).toEqual([true, true]);
    expect(db.queries).toEqual([]);
    const other = lookup.isKnown("s2", "b2");
    db.answerAll();
    expect(await other).toBe(false);
    expect(db.queries).toEqual(["s2/b2"]);
  });
});
