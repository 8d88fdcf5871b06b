/**
 * Rules that could never fire are refused when saved, saying why: a queue rule (people waiting, the
 * wait) on a zone that is not a queue (the live queue figures exist for those only), an occupancy
 * rule (a share of capacity) on a zone without a capacity or a store none of whose zones has one.
 */
import { describe, expect, it } from "vitest";
import { smallLayout } from "../../../test/support/fixtures.js";
import { withTillQueue } from "../../../test/support/till-queue-shop.js";
import { useTestServer } from "../../../test/support/in-process.js";

const t = useTestServer({ stores: ["plain"] });

const rule = (store: string, body: object) => t.request("POST", `/api/v1/stores/${store}/alert-rules`, { threshold: 3, forSeconds: 0, cooldownSeconds: 0, enabled: true, ...body });

describe("queue rules' zone", () => {
  it("refuses a queue-length or queue-wait rule on a zone that is not a queue, naming the queue zones", async () => {
    await t.putLayout("shop", withTillQueue());
    for (const [kind, zone, what] of [["queue-length", "checkout", "checkout"], ["queue-wait", "fruit", "zone"]] as const) {
      const res = await rule("shop", { kind, zone });
      expect(res.status, `${kind} on ${zone}`).toBe(400);
      expect(res.body.message).toBe(`zone: "${zone}" is a zone of kind ${what}, not a queue: a ${kind} rule names the line people wait in, a zone of kind queue (here: line (Till queue))`);
    }
    expect((await rule("shop", { kind: "queue-length", zone: "line" })).status).toBe(201);
    expect((await rule("shop", { kind: "queue-wait", zone: "line", threshold: 180 })).status).toBe(201);
  });

  it("says so when the layout has no queue zone at all", async () => {
    const res = await rule("plain", { kind: "queue-length", zone: "checkout" });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/a zone of kind queue \(this layout has none: draw one in the layout editor, kind Queue\)$/);
  });
});

describe("occupancy rules' capacity", () => {
  it("refuses an occupancy or forecast-occupancy rule on a zone without a capacity, or on a store none of whose zones has one", async () => {
    for (const kind of ["occupancy", "forecast-occupancy"]) {
      const res = await rule("shop", { kind, zone: "bakery", threshold: 0.8 });
      expect(res.status, kind).toBe(400);
      expect(res.body.message).toBe(`zone: "bakery" (bakery) has no capacity: an ${kind} rule compares its people with its capacity; set one in the layout editor first`);
      expect((await rule("shop", { kind, zone: "fruit", threshold: 0.8 })).status).toBe(201);
      expect((await rule("shop", { kind, threshold: 0.8 })).status).toBe(201);
    }
    const bare = smallLayout();
    await t.putLayout("bare", { ...bare, zones: bare.zones.map(({ capacity: _, ...z }) => z) });
    const res = await rule("bare", { kind: "occupancy", threshold: 0.8 });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^no zone of store "bare" has a capacity: an occupancy rule of the whole store compares its people with its zones' capacities added up/);
  });
});
