/**
 * A queue rule (people waiting, the wait) names a zone of kind queue: the live queue figures exist for
 * those only, so a rule on the tills or a shelf was saved and never fired. Refused, with the store's
 * queue zones named.
 */
import type { LayoutInput, ZoneId } from "@footfall/core";
import { describe, expect, it } from "vitest";
import { smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";

const t = useTestServer({ stores: ["plain"] });

function withLine(): LayoutInput {
  const base = smallLayout();
  const line = { id: "line" as ZoneId, name: "Till queue", kind: "queue" as const, queueFor: "checkout", capacity: 10, polygon: [[10, 8], [19, 8], [19, 9.5], [10, 9.5]] as [number, number][] };
  return { ...base, zones: [...base.zones, line] };
}

const rule = (store: string, body: object) => t.request("POST", `/api/v1/stores/${store}/alert-rules`, { threshold: 3, forSeconds: 0, cooldownSeconds: 0, enabled: true, ...body });

describe("queue rules' zone", () => {
  it("refuses a queue-length or queue-wait rule on a zone that is not a queue, naming the queue zones", async () => {
    await t.putLayout("shop", withLine());
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
