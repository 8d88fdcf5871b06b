/**
 * A store's alerts pushed after a time nobody followed it. The hub pushes `alerts` only when they differ from what it
 * pushed last (one key per store, both links); a store nobody followed kept that key, while its alerts changed unseen.
 * A viewer's header that left while the store had no alert, came back while one fired (the join sends it, firing) and
 * stayed: the end of that alert read as what had been pushed last, nothing was pushed, and the header said "over
 * capacity" until the next change (the web app's 60 s fallback ask). And a join sends what its read of the alerts found:
 * an alert that fired and was pushed to the store's followers while that read was under way (the socket not one of them
 * yet) never reached it. Real Socket.IO clients, in-process server (SQLite).
 */
import { io, type Socket } from "socket.io-client";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";
import { waitFor } from "../../../test/support/wait.js";
import type { LiveAlerts } from "../alerts/live.js";

// Visits time out after 4 s: an alert ends with no commit (the evaluator's tick).
const t = useTestServer({ visitTimeoutMs: 4_000 });

beforeAll(async () => {
  for (const s of ["shop", "mall"]) {
    await t.putLayout(s, smallLayout({ name: s }));
    const rule = await t.request("PUT", `/api/v1/stores/${s}/alert-rules/fruit-full`, { kind: "occupancy", zone: "fruit", threshold: 1, forSeconds: 0, cooldownSeconds: 0, enabled: true });
    expect(rule.status).toBe(200);
  }
});

class Client {
  readonly socket: Socket;
  readonly alerts: LiveAlerts[] = [];
  constructor(token: string, namespace: string) {
    this.socket = io(`${t.server.httpUrl}${namespace}`, { auth: { token }, transports: ["websocket"], reconnection: false, forceNew: true });
    this.socket.on("alerts", (a: LiveAlerts) => this.alerts.push(a));
  }
  async start(store: string): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.socket.once("connect", () => resolve());
      this.socket.once("connect_error", reject);
    });
    expect(await new Promise((resolve) => this.socket.emit("join", store, resolve))).toEqual({ ok: true });
    await waitFor("the alerts sent at the join", async () => this.alerts.length > 0, { timeoutMs: 10_000 });
    return this;
  }
  firing(): number {
    return this.alerts.at(-1)!.alerts.filter((a) => a.state === "firing").length;
  }
}

const clients: Client[] = [];
afterEach(() => clients.splice(0).forEach((c) => c.socket.close()));
const client = (token: string, namespace: string, store: string) => {
  const c = new Client(token, namespace);
  clients.push(c);
  return c.start(store);
};

const cam = new EventFactory("cam-1");
/** Whether the store's rule fires now, by the API. */
const firingNow = async (store: string) => (await t.get<{ alerts: { state: string }[] }>(`/api/v1/stores/${store}/alerts`)).body.alerts.some((a) => a.state === "firing");

describe("a store's alerts after nobody followed it", () => {
  it("pushes the end of an alert that fired while nobody followed", async () => {
    const token = await t.token("viewer", "shop");
    // Followed while nothing fires: a commit's push says so (the key of what was pushed: no alert).
    const first = await client(token, "/alerts", "shop");
    const sent = first.alerts.length;
    await t.ingest("shop", "cam-1", [cam.enter("a", "entrance", Date.now())]);
    await waitFor("a push after the commit", async () => first.alerts.length > sent, { timeoutMs: 10_000 });
    expect(first.firing()).toBe(0);
    first.socket.close();
    await waitFor("nobody following", async () => (await t.server.services.metrics.liveClients.get()).values[0]?.value === 0, { timeoutMs: 10_000 });

    // Nobody follows it: six people in fruit (capacity 5), the rule fires.
    await t.ingest("shop", "cam-1", Array.from({ length: 6 }, (_, i) => cam.enter(`v${i}`, "fruit", Date.now() + i)));
    await waitFor("the rule firing", () => firingNow("shop"), { timeoutMs: 15_000 });

    // A header comes back: the join sends the alert firing.
    const again = await client(token, "/alerts", "shop");
    expect(again.firing()).toBe(1);
    // Their visits time out (no commit): the rule's end is the evaluator's, and is pushed (old hub: it equalled what was
    // pushed last, before the alert, so nothing was).
    await waitFor("the rule's end", async () => !(await firingNow("shop")), { timeoutMs: 30_000 });
    await waitFor("the end pushed", async () => again.firing() === 0, { timeoutMs: 10_000 });
    expect(again.alerts.at(-1)!.alerts).toEqual([]);
  });

  it("pushes an alert that fired while a join read the alerts before it", async () => {
    const token = await t.token("viewer", "mall");
    const first = await client(token, "/alerts", "mall");
    // The next read of mall's active alerts (the join's) is held after it read, as a slow database holds it.
    const alerts = t.server.services.storage.alerts;
    const active = alerts.active.bind(alerts);
    let held = false;
    let release = () => {};
    const released = new Promise<void>((r) => (release = r));
    alerts.active = async (store, ...rest) => {
      const read = await active(store, ...rest);
      if (store !== "mall" || held) return read;
      held = true;
      await released;
      return read;
    };
    const late = new Client(token, "/alerts");
    clients.push(late);
    await new Promise<void>((resolve, reject) => (late.socket.once("connect", () => resolve()), late.socket.once("connect_error", reject)));
    try {
      const joined = new Promise((resolve) => late.socket.emit("join", "mall", resolve));
      await waitFor("the join's read", async () => held, { timeoutMs: 10_000 });
      // Meanwhile the rule fires and is pushed to the store's followers (the joining socket is not one yet).
      await t.ingest("mall", "cam-1", Array.from({ length: 6 }, (_, i) => cam.enter(`m${i}`, "fruit", Date.now() + i)));
      await waitFor("the alert pushed to the follower", async () => first.firing() === 1, { timeoutMs: 15_000 });
      release();
      expect(await joined).toEqual({ ok: true });
      await waitFor("the join's alerts", async () => late.alerts.length > 0, { timeoutMs: 10_000 });
    } finally {
      alerts.active = active;
      release();
    }
    // The join sent what it read before the alert; the alert is pushed to it then (old hub: never, till the next change).
    expect(late.alerts[0]!.alerts).toEqual([]);
    await waitFor("the alert pushed to the late joiner", async () => late.firing() === 1, { timeoutMs: 10_000 });
  });
});
