/**
 * The resolve of an alert whose rule an admin deleted or disabled carries that rule (its threshold,
 * zone, name), as the firing did: the webhook, MQTT and the tablet get the same rule twice, never a
 * made-up one with a threshold of 0.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { AlertNotification } from "@footfall/core";
import { smallLayout } from "../../../test/support/fixtures.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { waitFor } from "../../../test/support/wait.js";

let t: TestServer | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

/** A shop with `rules` (occupancy of fruit, capacity 5, at 80 %) and 5 people in fruit: each rule's alert fired. */
async function firing(rules: string[]): Promise<{ t: TestServer; notes: AlertNotification[] }> {
  t = await startTestServer();
  await t.putLayout("shop", smallLayout());
  const notes: AlertNotification[] = [];
  t.server.services.alerts.subscribe((n) => void notes.push(n));
  for (const id of rules) {
    const res = await t.request("PUT", `/api/v1/stores/shop/alert-rules/${id}`, { kind: "occupancy", zone: "fruit", name: `Fruit busy (${id})`, threshold: 0.8, forSeconds: 0, cooldownSeconds: 60, enabled: true });
    expect(res.status).toBe(200);
  }
  const now = Date.now();
  await t.ingest("shop", "cam", Array.from({ length: 5 }, (_, i) => ({ type: "enter", id: `cam:${i}`, ts: now - 1000 + i, zone: "fruit", visitor: `v${i}` })));
  await waitFor("the alerts fired", () => notes.filter((n) => n.type === "alert.firing").length === rules.length);
  return { t, notes };
}

describe("the resolve of an alert whose rule went", () => {
  it("carries the deleted rule as it was", async () => {
    const { t, notes } = await firing(["busy", "other"]);
    expect((await t.request("DELETE", "/api/v1/stores/shop/alert-rules/busy")).status).toBe(204);
    const resolved = await waitFor("the resolve", () => notes.find((n) => n.type === "alert.resolved"));
    const fired = notes.find((n) => n.type === "alert.firing" && n.rule.id === "busy")!;
    expect(resolved.alert).toMatchObject({ id: fired.alert.id, state: "resolved" });
    expect(resolved.rule).toEqual(fired.rule);
  });

  it("carries the store's last enabled rule, disabled, as it now is", async () => {
    const { t, notes } = await firing(["busy"]);
    const off = await t.request("PUT", "/api/v1/stores/shop/alert-rules/busy", { kind: "occupancy", zone: "fruit", name: "Fruit busy (busy)", threshold: 0.8, forSeconds: 0, cooldownSeconds: 60, enabled: false });
    expect(off.status).toBe(200);
    const resolved = await waitFor("the resolve", () => notes.find((n) => n.type === "alert.resolved"));
    expect(resolved.rule).toEqual(off.body);
    expect(resolved.rule).toMatchObject({ threshold: 0.8, zone: "fruit", enabled: false, cooldownSeconds: 60 });
  });
});
