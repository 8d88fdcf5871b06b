/**
 * The alert evaluator while the database does not answer: its tick's failure (the list of stores with rules unread)
 * ended the process (an unhandled rejection) when an outage of PostgreSQL spanned the list's 10 s re-read; PostgreSQL
 * not answering is said once per outage by its storage, so the evaluator says nothing of it each second.
 */
import { describe, expect, it } from "vitest";
import type { Services } from "../services.js";
import { AlertEvaluator } from "./evaluator.js";

function harness(lost: boolean) {
  const err = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
  const logged: string[] = [];
  let reads = 0;
  const services = {
    now: () => Date.now(),
    log: { error: (_fields: unknown, msg: string) => logged.push(msg), warn: (_fields: unknown, msg: string) => logged.push(msg) },
    storage: {
      alerts: {
        storesWithRules: () => {
          reads++;
          return Promise.reject(err);
        },
      },
      connectionLost: (e: unknown) => lost && e === err,
    },
  } as unknown as Services;
  return { evaluator: new AlertEvaluator(services, { everyMs: 5, reloadMs: 0 }), logged, reads: () => reads };
}

describe("the alert evaluator while the database does not answer", () => {
  it("goes on ticking and says nothing of a connection loss (its storage says it once)", async () => {
    const h = harness(true);
    h.evaluator.start();
    try {
      await expect.poll(h.reads, { timeout: 5000 }).toBeGreaterThanOrEqual(4);
    } finally {
      await h.evaluator.close();
    }
    expect(h.logged).toEqual([]);
  });

  it("says another failure to read the stores with rules, and goes on ticking", async () => {
    const h = harness(false);
    h.evaluator.start();
    try {
      await expect.poll(h.reads, { timeout: 5000 }).toBeGreaterThanOrEqual(3);
    } finally {
      await h.evaluator.close();
    }
    expect(h.logged.length).toBeGreaterThanOrEqual(2);
    expect(new Set(h.logged)).toEqual(new Set(["could not read which stores have alert rules; trying again in a second"]));
  });
});
