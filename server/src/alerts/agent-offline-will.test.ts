import { afterEach, describe, expect, it } from "vitest";
import type { AlertNotification } from "@footfall/core";
import { smallLayout } from "../../../test/support/fixtures.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { statusToStore } from "../agent-status.js";

// Saturday 5 December 2026, 15:00 in Paris (a store without opening hours: open round the clock).
const T0 = Date.UTC(2026, 11, 5, 14, 0, 0);
let now = T0;
let t: TestServer | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

describe("agent-offline rule when the broker says the agent has gone", () => {
  it("stays firing when the agent's will arrives: the will is not word from the agent (before, its time restarted the silence and the alert resolved)", async () => {
    now = T0;
    t = await startTestServer({ now: () => now });
    await t.putLayout("shop", smallLayout());
    const { storage } = t.server.services;
    await storage.agents.add("shop", "cam", "camera", now);
    const put = await t.server.app.inject({
      method: "PUT",
      url: "/api/v1/stores/shop/alert-rules/cam-down",
      headers: { authorization: `Bearer ${t.admin}` },
      payload: { kind: "agent-offline", agent: "cam", threshold: 60, forSeconds: 0, cooldownSeconds: 0, enabled: true },
    });
    expect(put.statusCode).toBe(200);
    const notes: AlertNotification[] = [];
    t.server.services.alerts.subscribe((n) => void notes.push(n));
    const ev = t.server.services.alertEvaluator!;
    // Last heard at T0: a live online status (stored with its arrival, as the server does) and an event.
    await storage.agents.recordStatus("shop", "cam", { state: "online", ts: now, kind: "camera", version: "1.0.0" }, now);
    await t.ingest("shop", "cam", [{ type: "enter", id: "cam:1", ts: now - 100, zone: "fruit", visitor: "v1" }]);
    await ev.tick();
    expect(notes).toEqual([]);
    // Silent for 90 s: the rule (60 s) fires.
    now += 90_000;
    await ev.tick();
    expect(notes.map((n) => n.type)).toEqual(["alert.firing"]);
    expect(notes[0]!.alert).toMatchObject({ kind: "agent-offline", state: "firing" });
    // The broker's keep-alive runs out: it publishes the agent's will, which the server stores with its arrival time
    // (server.ts' status handler: statusToStore of a live "offline").
    now += 5_000;
    const will = statusToStore({ state: "offline", ts: T0 - 3_600_000, kind: "camera", version: "1.0.0" }, true, now, null);
    await storage.agents.recordStatus("shop", "cam", will!);
    for (let s = 0; s < 3; s++) {
      now += 1_000;
      await ev.tick();
    }
    // Still firing, and its silence still counted from when it was last heard.
    expect(notes.map((n) => n.type)).toEqual(["alert.firing"]);
    const active = (await t.get<{ alerts: { kind: string; state: string; value: number }[] }>("/api/v1/stores/shop/alerts")).body.alerts;
    expect(active).toMatchObject([{ kind: "agent-offline", state: "firing" }]);
    // Back: a live online status resolves it.
    now += 1_000;
    await storage.agents.recordStatus("shop", "cam", { state: "online", ts: now, kind: "camera", version: "1.0.0" }, now);
    await ev.tick();
    expect(notes.map((n) => n.type)).toEqual(["alert.firing", "alert.resolved"]);
  });
});
