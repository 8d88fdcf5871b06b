import { describe, expect, it } from "vitest";
import { agentPublication, encodePayload, parseTopic, subscriptions, topics } from "./topics.js";

describe("agentPublication (the embedded broker's publish check)", () => {
  it("names the agent's own events and status topics, and nothing else", () => {
    expect(agentPublication("shop-1", "cam-1", topics.events("shop-1", "cam-1"))).toBe("events");
    expect(agentPublication("shop-1", "cam-1", topics.status("shop-1", "cam-1"))).toBe("status");
    expect(agentPublication("shop-1", "cam-1", topics.audits("shop-1", "cam-1"))).toBe("audits");
    expect(agentPublication("shop-1", "cam-1", topics.audits("shop-1", "cam-2"))).toBeNull();
    expect(agentPublication("shop-1", "cam-1", topics.events("shop-1", "cam-2"))).toBeNull();
    expect(agentPublication("shop-1", "cam-1", topics.events("shop-2", "cam-1"))).toBeNull();
    expect(agentPublication("shop-1", "cam-1", topics.receipts("shop-1", "cam-1"))).toBeNull();
    expect(agentPublication("shop-1", "cam-1", topics.layout("shop-1"))).toBeNull();
    expect(agentPublication("shop-1", "cam-1", "footfall/v2/shop-1/agents/cam-1/events")).toBeNull();
  });
});

describe("topic builders", () => {
  it("build what parseTopic reads back, and wildcards for a broker's ACL", () => {
    expect(parseTopic(topics.layout("shop-1"))).toEqual({ kind: "layout", store: "shop-1" });
    expect(parseTopic(topics.status("shop-1", "door-1"))).toEqual({ kind: "status", store: "shop-1", agent: "door-1" });
    expect(topics.layout("+")).toBe("footfall/v1/+/layout");
    expect(subscriptions.events).toBe(topics.events("+", "+"));
    expect(parseTopic(topics.audits("shop-1", "cam-1"))).toEqual({ kind: "audits", store: "shop-1", agent: "cam-1" });
    expect(subscriptions.audits).toBe(topics.audits("+", "+"));
  });
});

describe("encodePayload", () => {
  it("writes the payload as JSON, typed by the Topics map", () => {
    expect(JSON.parse(encodePayload("receipts", { settled: ["cam-1:1"], rejected: [] }))).toEqual({ settled: ["cam-1:1"], rejected: [] });
    // @ts-expect-error -- a receipt is not a status message: npm run typecheck fails if the map stops checking payloads
    expect(encodePayload("status", { settled: [] })).toBe('{"settled":[]}');
  });
});
