/**
 * An open alert held because nobody counts its figure now (its only camera offline, 4613a44) reaches
 * the store's webhook once as `alert.not-counted`, and once as `alert.counted` when counting resumes:
 * the real server in this process (SQLite), a real local receiver verifying each signed request.
 */
import { afterEach, describe, expect, it } from "vitest";
import { EventFactory } from "../../../test/support/fixtures.js";
import { fiveWaitingAtTheTills } from "../../../test/support/till-queue-shop.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { waitFor } from "../../../test/support/wait.js";
import { WebhookReceiver } from "../../../test/support/webhook-receiver.js";

/** Sunday 6 Dec 2026, 16:00 in Paris. */
const T0 = Date.UTC(2026, 11, 6, 15);
const S = 1000;
const M = 60 * S;
let now = T0;
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** The shop: cam-1 follows fruit, cam-q only the till queue, where five people wait; a rule at more than 3 waiting; a hook taking alert.*. */
async function setUp(): Promise<{ t: TestServer; receiver: WebhookReceiver }> {
  now = T0;
  // The receiver checks the signature's time against the server's clock (the test's).
  const receiver = new WebhookReceiver("", 300, () => now);
  receiver.port = 19801;
  await receiver.up();
  cleanup.push(() => receiver.down());
  const t = await startTestServer({ now: () => now });
  cleanup.push(() => t.close());
  await fiveWaitingAtTheTills(t, T0);
  const hook = await t.request("POST", "/api/v1/stores/shop/webhooks", { url: receiver.url, events: ["alert.*"] });
  expect(hook.status, JSON.stringify(hook.body)).toBe(201);
  (receiver as { secret: string }).secret = hook.body.secret as string;
  const rule = await t.request("PUT", "/api/v1/stores/shop/alert-rules/line-long", { kind: "queue-length", zone: "line", threshold: 3, forSeconds: 0, cooldownSeconds: 0, enabled: true });
  expect(rule.status, JSON.stringify(rule.body)).toBe(200);
  return { t, receiver };
}

describe("webhooks of an alert held on figures nobody counts", () => {
  it("say once that the open alert is not counted now (since when), once that it is counted again, then that it resolved", async () => {
    const { t, receiver } = await setUp();
    const status = (agent: string, state: "online" | "offline", ts: number) => t.server.services.storage.agents.recordStatus("shop", agent, { state, ts, kind: "camera", version: "0.1.0" }, ts);
    const heard = async (camQ: "online" | "offline") => {
      await status("cam-1", "online", now);
      if (camQ === "online") await status("cam-q", "online", now);
    };
    const tick = () => t.server.services.alertEvaluator!.tick();
    const types = () => receiver.taken.map((d) => d.type);

    await heard("online");
    await tick();
    await waitFor("the firing delivered", async () => (receiver.taken.length === 1 ? true : undefined));
    const fired = receiver.taken[0]!.body.data as { alert: { id: string; value: number } };

    // cam-q goes offline: the alert is held (not resolved, not worse), and the pager hears so once, with since when.
    // (Each delivery is awaited before the clock moves on: the receiver checks its signature's time against that clock.)
    await status("cam-q", "offline", T0 + 5 * S);
    now = T0 + 2 * M;
    await heard("offline");
    await tick();
    await waitFor("the hold delivered", async () => (receiver.taken.length >= 2 ? true : undefined));
    for (const at of [T0 + 3 * M, T0 + 40 * M]) {
      now = at;
      await heard("offline");
      await tick();
    }
    const held = receiver.taken[1]!;
    expect(held.type).toBe("alert.not-counted");
    expect(held.body.at).toBe(T0 + 2 * M);
    expect(held.body.data).toMatchObject({ alert: { id: fired.alert.id, state: "firing", value: fired.alert.value, notCountedSince: T0 + 5 * S }, rule: { id: "line-long" } });

    // cam-q back, the line empty: counted again, then resolved (as the figures now say).
    now = T0 + 41 * M;
    await heard("online");
    const q = new EventFactory("cam-q", "back");
    await t.ingest("shop", "cam-q", [0, 1, 2, 3, 4].map((i) => ({ ...q.enter(`v${i}`, "line", now - M), type: "exit" as const })));
    await tick();
    await waitFor("counted again and resolved", async () => (receiver.taken.length >= 4 ? true : undefined));
    expect(types()).toEqual(["alert.firing", "alert.not-counted", "alert.counted", "alert.resolved"]);
    const counted = receiver.taken[2]!.body;
    expect(counted.at).toBe(T0 + 41 * M);
    expect(counted.data).toMatchObject({ alert: { id: fired.alert.id, state: "firing" }, rule: { id: "line-long" } });
    expect((counted.data as { alert: object }).alert).not.toHaveProperty("notCountedSince");
    expect(receiver.refused).toEqual([]);
    // The alert's deliveries as stored: one of each, each id once.
    expect(new Set(receiver.taken.map((d) => d.id)).size).toBe(4);
  });
});
