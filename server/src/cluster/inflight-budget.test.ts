import { describe, expect, it } from "vitest";
import { DEFAULT_INFLIGHT_BUDGET, InflightBudget, inflightBudgetFromEnv } from "./shard-mqtt.js";

describe("inflightBudgetFromEnv", () => {
  it("gives the defaults without FOOTFALL_CHAIN_INFLIGHT_MB and FOOTFALL_CHAIN_INFLIGHT_MESSAGES", () => {
    expect(inflightBudgetFromEnv({})).toEqual(DEFAULT_INFLIGHT_BUDGET);
    expect(inflightBudgetFromEnv({ FOOTFALL_CHAIN_INFLIGHT_MB: "", FOOTFALL_CHAIN_INFLIGHT_MESSAGES: "" })).toEqual(DEFAULT_INFLIGHT_BUDGET);
  });

  it("takes either bound from its variable and keeps the other's default", () => {
    expect(inflightBudgetFromEnv({ FOOTFALL_CHAIN_INFLIGHT_MB: "64" })).toEqual({ bytes: 64 * 1024 * 1024, messages: DEFAULT_INFLIGHT_BUDGET.messages });
    expect(inflightBudgetFromEnv({ FOOTFALL_CHAIN_INFLIGHT_MESSAGES: "8000" })).toEqual({ bytes: DEFAULT_INFLIGHT_BUDGET.bytes, messages: 8000 });
  });

  it("refuses a value that is not a whole number in range, naming the variable and the range", () => {
    expect(() => inflightBudgetFromEnv({ FOOTFALL_CHAIN_INFLIGHT_MESSAGES: "0" })).toThrow('FOOTFALL_CHAIN_INFLIGHT_MESSAGES="0" must be an integer between 1 and 1000000');
    expect(() => inflightBudgetFromEnv({ FOOTFALL_CHAIN_INFLIGHT_MESSAGES: "12.5" })).toThrow('FOOTFALL_CHAIN_INFLIGHT_MESSAGES="12.5" must be an integer between 1 and 1000000');
    expect(() => inflightBudgetFromEnv({ FOOTFALL_CHAIN_INFLIGHT_MB: "lots" })).toThrow('FOOTFALL_CHAIN_INFLIGHT_MB="lots" must be an integer between 1 and 4096');
  });
});

describe("InflightBudget", () => {
  it("is spent at either bound, and then lets only a session under its fair share read on", () => {
    const budget = new InflightBudget({ bytes: 1000, messages: 4 });
    budget.sessions = 2;
    for (let i = 0; i < 4; i++) budget.take(10);
    expect(budget.spent()).toBe(true);
    expect(budget.allows(1, 10)).toBe(true); // under 4 / 2 messages
    expect(budget.allows(2, 20)).toBe(false);
    budget.release(10);
    expect(budget.spent()).toBe(false);
    budget.take(970);
    expect(budget.spent()).toBe(true); // 1,000 bytes
  });
});
