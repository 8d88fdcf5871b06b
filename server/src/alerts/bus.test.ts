import { describe, expect, it } from "vitest";
import type { AlertNotification } from "@footfall/core";
import { AlertBus } from "./bus.js";

const note = (deliveryId: string): AlertNotification => ({
  deliveryId,
  type: "alert.firing",
  at: 1,
  alert: { id: "a1", ruleId: "r1", store: "s", kind: "occupancy", state: "firing", since: 0, firedAt: 1, value: 0.9, message: "full" },
  rule: { id: "r1", store: "s", kind: "occupancy", threshold: 0.8, forSeconds: 0, cooldownSeconds: 0, enabled: true },
});

describe("AlertBus", () => {
  it("gives every subscriber every notification in order, until it unsubscribes", () => {
    const bus = new AlertBus();
    const a: string[] = [];
    const b: string[] = [];
    const offA = bus.subscribe((n) => void a.push(n.deliveryId));
    bus.subscribe((n) => void b.push(n.deliveryId));
    bus.publish(note("1"));
    bus.publish(note("2"));
    offA();
    bus.publish(note("3"));
    expect(a).toEqual(["1", "2"]);
    expect(b).toEqual(["1", "2", "3"]);
  });

  it("a throwing or rejecting listener is logged and the others still get the notification", async () => {
    const errors: unknown[] = [];
    const bus = new AlertBus({ error: (o: unknown) => void errors.push(o) } as never);
    const got: string[] = [];
    bus.subscribe(() => {
      throw new Error("boom");
    });
    bus.subscribe(() => Promise.reject(new Error("later")));
    bus.subscribe((n) => void got.push(n.deliveryId));
    bus.publish(note("x"));
    await new Promise((r) => setTimeout(r, 0));
    expect(got).toEqual(["x"]);
    expect(errors).toHaveLength(2);
  });
});
