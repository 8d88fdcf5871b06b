/**
 * The webhooks' reconciliation (./wire.ts): alert changes stored but never queued (the server was killed in
 * between) are queued in the order they happened, each as the alert was then, to the hooks there were then; a day
 * old, they are not sent; queued once. Real SQLite storage; the dispatcher is not started (nothing is sent).
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Alert, AlertRule } from "@footfall/core";
import { tempDir } from "../../../test/support/wait.js";
import { openSqliteStorage } from "../storage/sqlite.js";
import type { Services } from "../services.js";
import { WebhookDispatcher } from "./dispatcher.js";
import { reconcileAlertNotifications } from "./wire.js";

const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const NOW = Date.UTC(2026, 11, 6, 12);
const MIN = 60_000;
const rule: AlertRule = { id: "busy", store: "shop", kind: "occupancy", zone: "fruit", threshold: 0.8, forSeconds: 0, cooldownSeconds: 0, enabled: true };
const alert = (id: string, firedAt: number): Alert => ({ id, ruleId: "busy", store: "shop", kind: "occupancy", zone: "fruit", state: "firing", since: firedAt, firedAt, value: 1, message: "Fruit at 100 % of capacity (above 80 %)" });

describe("queuing the webhook deliveries of alert changes a killed server stored and never queued", () => {
  it("queues each missed change in order, as the alert was then, to the hooks there were then; once; a day-old one not at all", async () => {
    const dir = tempDir("footfall-webhooks-reconcile-");
    const storage = await openSqliteStorage(dir.path);
    cleanup.push(async () => {
      await storage.close();
      dir.remove();
    });
    await storage.alerts.saveRule(rule, NOW - 3 * 60 * MIN);
    const all = await storage.webhooks.create("shop", { url: "http://127.0.0.1:39/all", events: ["alert.*"], secret: "k" }, NOW - 2 * 60 * MIN);
    const later = await storage.webhooks.create("shop", { url: "http://127.0.0.1:39/later", events: [], secret: "k" }, NOW - 20 * MIN);
    const resolves = await storage.webhooks.create("shop", { url: "http://127.0.0.1:39/resolves", events: ["alert.resolved"], secret: "k" }, NOW - 2 * 60 * MIN);
    // Fired an hour ago, acknowledged 30 minutes ago, resolved 10 minutes ago: none of it queued. Another fired 25 h ago.
    const fired = alert("busy-1", NOW - 60 * MIN);
    await storage.alerts.saveAlerts([fired, alert("busy-0", NOW - 25 * 60 * MIN)]);
    await storage.alerts.acknowledge("shop", "busy-1", "Ana (tablet)", NOW - 30 * MIN);
    await storage.alerts.saveAlerts([{ ...fired, state: "resolved", resolvedAt: NOW - 10 * MIN }]);

    const dispatcher = new WebhookDispatcher({ storage, log: quiet, now: () => NOW });
    const services = { storage, log: quiet, now: () => NOW } as unknown as Pick<Services, "storage" | "log" | "now">;
    expect(await reconcileAlertNotifications(services, dispatcher, Number.MAX_SAFE_INTEGER)).toBe(5);

    const queued = async (hookId: string) => (await storage.webhooks.deliveries(hookId)).reverse().map((d) => ({ id: d.deliveryId, body: JSON.parse(d.payload) as { at: number; data: { alert: Alert; rule: AlertRule } } }));
    const toAll = await queued(all.id);
    expect(toAll.map((d) => d.id)).toEqual(["busy-1:firing", "busy-1:acknowledged", "busy-1:resolved"]);
    expect(toAll.map((d) => d.body.at)).toEqual([NOW - 60 * MIN, NOW - 30 * MIN, NOW - 10 * MIN]);
    expect(toAll[0]!.body.data.alert).toEqual(fired);
    expect(toAll[1]!.body.data.alert).toEqual({ ...fired, state: "acknowledged", acknowledgedBy: "Ana (tablet)", acknowledgedAt: NOW - 30 * MIN });
    expect(toAll[2]!.body.data.alert).toEqual({ ...fired, state: "resolved", acknowledgedBy: "Ana (tablet)", acknowledgedAt: NOW - 30 * MIN, resolvedAt: NOW - 10 * MIN });
    expect(toAll.every((d) => JSON.stringify(d.body.data.rule) === JSON.stringify(rule))).toBe(true);
    // A hook made after the firing and the acknowledgement gets the resolve only; a hook filtering types gets its type.
    expect((await queued(later.id)).map((d) => d.id)).toEqual(["busy-1:resolved"]);
    expect((await queued(resolves.id)).map((d) => d.id)).toEqual(["busy-1:resolved"]);

    // Marked: nothing left, and a second pass queues nothing.
    expect(await storage.alerts.unnotified(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
    expect(await reconcileAlertNotifications(services, dispatcher, Number.MAX_SAFE_INTEGER)).toBe(0);
    expect((await queued(all.id)).length).toBe(3);
  });
});
