import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LIMITS } from "./limits.js";
import { decodeReceipt, encodeReceipts, layoutAnnouncesReceipts, RECEIPT_LIMITS, type Receipt } from "./receipts.js";
import { mayPublish, maySubscribe, parseTopic, topics } from "./topics.js";

const ids = (n: number, agent = "cam-1") => Array.from({ length: n }, (_, i) => `${agent}:00000001:${String(i).padStart(9, "0")}`);
const decodeAll = (payloads: string[]): Receipt[] =>
  payloads.map((p) => {
    const r = decodeReceipt(p);
    if (!r.ok) throw new Error(r.error);
    return r.value;
  });

describe("receipts topic", () => {
  it("is the agent's own receipts leaf, parsed back to store and agent", () => {
    expect(topics.receipts("shop-1", "cam-1")).toBe("footfall/v1/shop-1/agents/cam-1/receipts");
    expect(parseTopic("footfall/v1/shop-1/agents/cam-1/receipts")).toEqual({ kind: "receipts", store: "shop-1", agent: "cam-1" });
  });

  it("may not be published by an agent, even its own", () => {
    expect(mayPublish("shop-1", "cam-1", topics.receipts("shop-1", "cam-1"))).toBe(false);
    expect(mayPublish("shop-1", "cam-1", topics.events("shop-1", "cam-1"))).toBe(true);
    expect(mayPublish("shop-1", "cam-1", topics.status("shop-1", "cam-1"))).toBe(true);
  });

  it("may be read only by its agent, which may also read its store's layout and nothing else", () => {
    expect(maySubscribe("shop-1", "cam-1", topics.receipts("shop-1", "cam-1"))).toBe(true);
    expect(maySubscribe("shop-1", "cam-1", topics.layout("shop-1"))).toBe(true);
    expect(maySubscribe("shop-1", "cam-1", topics.receipts("shop-1", "cam-2"))).toBe(false);
    expect(maySubscribe("shop-1", "cam-1", topics.receipts("shop-2", "cam-1"))).toBe(false);
    expect(maySubscribe("shop-1", "cam-1", topics.events("shop-1", "cam-1"))).toBe(false);
    expect(maySubscribe("shop-1", "cam-1", "footfall/v1/shop-1/agents/cam-1/#")).toBe(false);
    expect(maySubscribe("shop-1", "cam-1", "#")).toBe(false);
  });
});

describe("encodeReceipts", () => {
  it("writes the documented payload: settled ids and the rejected ones with their reason", () => {
    const [payload] = encodeReceipts(["a:1", "a:2", "a:3"], [{ id: "a:2", reason: "too_old" }]);
    expect(JSON.parse(payload!)).toEqual({ settled: ["a:1", "a:2", "a:3"], rejected: [{ id: "a:2", reason: "too_old" }] });
  });

  it("sends nothing when nothing was settled", () => {
    expect(encodeReceipts([])).toEqual([]);
  });

  it("splits a large commit into messages of at most 1,000 ids, each under the message byte limit", () => {
    const settled = ids(2500).map((id) => id.padEnd(LIMITS.maxEventIdLength, "x"));
    const payloads = encodeReceipts(settled, [{ id: settled[1500]!, reason: "unknown_zone" }]);
    expect(payloads).toHaveLength(3);
    for (const p of payloads) expect(Buffer.byteLength(p)).toBeLessThan(LIMITS.maxBatchBytes);
    const receipts = decodeAll(payloads);
    expect(receipts.map((r) => r.settled.length)).toEqual([1000, 1000, 500]);
    expect(receipts.map((r) => r.rejected)).toEqual([[], [{ id: settled[1500], reason: "unknown_zone" }], []]);
  });

  it("lists at most 100 rejected events per message; the others are still settled", () => {
    const settled = ids(300);
    const payloads = encodeReceipts(settled, settled.map((id) => ({ id, reason: "future" })));
    const [receipt] = decodeAll(payloads);
    expect(receipt!.settled).toHaveLength(300);
    expect(receipt!.rejected).toHaveLength(RECEIPT_LIMITS.maxRejected);
  });

  it("never lists a rejected id it does not settle", () => {
    const [receipt] = decodeAll(encodeReceipts(["a:1"], [{ id: "b:9", reason: "schema" }]));
    expect(receipt!.rejected).toEqual([]);
  });

  it("gives back, for any ids and rejects, every settled id once, in order, with only settled ids rejected", () => {
    const id = fc.string({ minLength: 1, maxLength: LIMITS.maxEventIdLength, unit: "binary" });
    fc.assert(
      fc.property(fc.array(id, { maxLength: 2500 }), fc.array(fc.record({ pick: fc.nat(), reason: fc.constantFrom("too_old", "future", "unknown_zone", "schema") }), { maxLength: 300 }), (settled, picks) => {
        const rejected = settled.length === 0 ? [] : picks.map((p) => ({ id: settled[p.pick % settled.length]!, reason: p.reason }));
        const payloads = encodeReceipts(settled, rejected);
        const receipts = decodeAll(payloads);
        expect(receipts.flatMap((r) => r.settled)).toEqual(settled);
        for (const r of receipts) {
          expect(r.settled.length).toBeLessThanOrEqual(RECEIPT_LIMITS.maxSettled);
          expect(r.rejected!.length).toBeLessThanOrEqual(RECEIPT_LIMITS.maxRejected);
          const mine = new Set(r.settled);
          for (const x of r.rejected!) expect(mine.has(x.id)).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe("decodeReceipt", () => {
  it("names the field and the rule of a bad receipt", () => {
    const r = decodeReceipt(JSON.stringify({ settled: "a:1" }));
    expect(r).toEqual({ ok: false, error: expect.stringMatching(/^schema: \/settled/) });
  });

  it("refuses malformed JSON with an error instead of throwing", () => {
    expect(decodeReceipt("{").ok).toBe(false);
  });

  it("never throws, whatever JSON value or text it is given", () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue().map((v) => JSON.stringify(v)), fc.string()), (text) => {
        const r = decodeReceipt(text);
        if (r.ok) expect(Array.isArray(r.value.settled)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("refuses more ids than one message may settle", () => {
    expect(decodeReceipt(JSON.stringify({ settled: ids(RECEIPT_LIMITS.maxSettled + 1) })).ok).toBe(false);
  });
});

describe("layoutAnnouncesReceipts", () => {
  it("is true only for a layout message carrying receipts: true (a v1.1 server)", () => {
    expect(layoutAnnouncesReceipts({ store: "s", receipts: true })).toBe(true);
    expect(layoutAnnouncesReceipts({ store: "s" })).toBe(false);
    expect(layoutAnnouncesReceipts({ store: "s", receipts: "yes" })).toBe(false);
    expect(layoutAnnouncesReceipts(null)).toBe(false);
    expect(layoutAnnouncesReceipts([true])).toBe(false);
  });
});
