/**
 * Alert rules on a zone nobody counts now (its only camera offline): no new alert on its frozen
 * figures, the open one held (not resolved as if the line had cleared) and shown with since when it
 * is not counted, in GET .../alerts and the tablet's live alerts; counted again, it resolves as usual.
 */
import { afterEach, describe, expect, it } from "vitest";
import { AlertRuleSchema, readsCounted, type Alert, type AlertKind, type AlertNotification } from "@footfall/core";
import { EventFactory } from "../../../test/support/fixtures.js";
import { fiveWaitingAtTheTills } from "../../../test/support/till-queue-shop.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { liveAlerts } from "./live.js";
import { withNotCounted } from "./not-counted.js";

/** Sunday 6 Dec 2026, 16:00 in Paris. */
const T0 = Date.UTC(2026, 11, 6, 15);
const S = 1000;
const M = 60 * S;
let now = T0;
let t: TestServer | null = null;
afterEach(async () => {
  await t?.close();
  t = null;
});

/** The shop: cam-1 follows fruit, cam-q only the till queue, where five people wait. */
async function start(): Promise<{ notes: AlertNotification[] }> {
  now = T0;
  t = await startTestServer({ now: () => now });
  await fiveWaitingAtTheTills(t, T0);
  const notes: AlertNotification[] = [];
  t.server.services.alerts.subscribe((n) => void notes.push(n));
  for (const [id, rule] of [
    ["line-busy", { kind: "occupancy", zone: "line", threshold: 0.4 }],
    ["line-long", { kind: "queue-length", zone: "line", threshold: 3 }],
  ] as const) {
    const res = await t.server.app.inject({ method: "PUT", url: `/api/v1/stores/shop/alert-rules/${id}`, headers: { authorization: `Bearer ${t.admin}` }, payload: { forSeconds: 0, cooldownSeconds: 0, enabled: true, ...rule } });
    expect(res.statusCode, res.body).toBe(200);
  }
  return { notes };
}

const status = (agent: string, state: "online" | "offline", ts: number) => t!.server.services.storage.agents.recordStatus("shop", agent, { state, ts, kind: "camera", version: "0.1.0" }, ts);
/** Both cameras heard now (else an agent unheard for 90 s is silent, so down too); cam-q offline instead when told. */
async function heard(camQ: "online" | "offline" = "online"): Promise<void> {
  await status("cam-1", "online", now);
  if (camQ === "online") await status("cam-q", "online", now);
}
const active = async () => (await t!.get<{ alerts: { ruleId: string; state: string; notCountedSince?: number }[] }>("/api/v1/stores/shop/alerts")).body.alerts;
const tick = () => t!.server.services.alertEvaluator!.tick();

describe("alert rules on a zone nobody counts now", () => {
  it("open no alert on the frozen figures of a line whose only camera is offline", async () => {
    const { notes } = await start();
    await status("cam-q", "offline", T0 + 5 * S);
    now = T0 + 1 * M;
    await heard("offline");
    await tick();
    now += 10 * S;
    await tick();
    expect(notes).toEqual([]);
    expect(await active()).toEqual([]);
  });

  it("hold the open alerts while the camera is offline, saying since when, even once the visit timeout empties the zone; resolve them once counted again and cleared", async () => {
    const { notes } = await start();
    await heard();
    await tick();
    expect(notes.map((n) => [n.type, n.alert.ruleId]).sort()).toEqual([["alert.firing", "line-busy"], ["alert.firing", "line-long"]]);
    const fired = await active();

    await status("cam-q", "offline", T0 + 5 * S);
    for (const at of [T0 + 2 * M, T0 + 40 * M]) {
      now = at;
      await heard("offline");
      await tick();
      // Each held alert said so once (alert.not-counted, for webhooks), nothing more while held.
      expect(notes.slice(2).map((n) => [n.type, n.alert.ruleId, n.alert.notCountedSince]).sort(), `at +${(at - T0) / M} min`).toEqual([
        ["alert.not-counted", "line-busy", T0 + 5 * S],
        ["alert.not-counted", "line-long", T0 + 5 * S],
      ]);
      const shown = await active();
      expect(shown.map((a) => a.ruleId).sort()).toEqual(["line-busy", "line-long"]);
      for (const a of shown) expect(a).toEqual({ ...fired.find((f) => f.ruleId === a.ruleId), notCountedSince: T0 + 5 * S });
      expect((await liveAlerts(t!.server.services, "shop")).alerts.map((a) => a.notCountedSince)).toEqual([T0 + 5 * S, T0 + 5 * S]);
    }

    // cam-q back: the line has emptied (each of the five left), and it is counted again.
    now = T0 + 41 * M;
    await heard();
    const q = new EventFactory("cam-q", "back");
    await t!.ingest("shop", "cam-q", [0, 1, 2, 3, 4].map((i) => ({ ...q.enter(`v${i}`, "line", now - M), type: "exit" as const })));
    await tick();
    expect(notes.slice(4).map((n) => [n.type, n.alert.ruleId])).toEqual([
      ["alert.counted", "line-busy"],
      ["alert.resolved", "line-busy"],
      ["alert.counted", "line-long"],
      ["alert.resolved", "line-long"],
    ]);
    expect(await active()).toEqual([]);
  });

  it("show since when the figure is not counted on the active alerts of exactly the kinds that read counted figures (core's one table), every kind of the rule schema", async () => {
    await start();
    await status("cam-q", "offline", T0 + 5 * S);
    now = T0 + 1 * M;
    await heard("offline");
    const kinds = (AlertRuleSchema.properties.kind.anyOf as { const: AlertKind }[]).map((k) => k.const);
    const alerts: Alert[] = kinds.map((kind) => ({ id: `a-${kind}`, ruleId: kind, store: "shop", kind, zone: "line", state: "firing", since: T0, firedAt: T0, value: 5, message: kind }));
    const shown = await withNotCounted(t!.server.services, "shop", alerts);
    expect(Object.fromEntries(shown.map((a) => [a.kind, a.notCountedSince ?? null]))).toEqual(Object.fromEntries(kinds.map((k) => [k, readsCounted(k) ? T0 + 5 * S : null])));
  });
});
