/**
 * The alerts-only live link (namespace `/alerts`): every role that reads a store's alerts follows them pushed, as staff's
 * live link pushes them, without the live occupancy, which stays staff's and admins'. Before it, a viewer's or a
 * merchandiser's web app asked GET .../alerts every 20 s (the live link refused their tokens), so the header learned of a
 * new "over capacity" alert up to 20 s late. Real Socket.IO clients on the in-process server (SQLite file, embedded broker).
 */
import { io, type Socket } from "socket.io-client";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";
import { waitFor } from "../../../test/support/wait.js";
import type { LiveAlerts } from "../alerts/live.js";

const t = useTestServer();
type Ack = { ok: boolean; error?: string };

beforeAll(async () => {
  for (const s of ["paris", "lyon", "lille"]) await t.putLayout(s, smallLayout({ name: s }));
  expect((await t.request("POST", "/api/v1/groups", { id: "north", name: "North", stores: ["paris", "lille"] })).status).toBe(200);
});

/** A client of the alerts-only link: what it was sent, by event. */
class Client {
  readonly socket: Socket;
  readonly alerts: LiveAlerts[] = [];
  occupancy = 0;
  constructor(token: string, namespace = "/alerts") {
    this.socket = io(`${t.server.httpUrl}${namespace}`, { auth: { token }, transports: ["websocket"], reconnection: false, forceNew: true });
    this.socket.on("alerts", (a: LiveAlerts) => this.alerts.push(a));
    this.socket.on("occupancy", () => this.occupancy++);
  }
  connected(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.once("connect", () => resolve());
      this.socket.once("connect_error", reject);
    });
  }
  join(store: unknown): Promise<Ack> {
    return new Promise((resolve) => this.socket.emit("join", store, resolve));
  }
  closed(): Promise<string> {
    return new Promise((resolve) => this.socket.once("disconnect", (reason) => resolve(reason)));
  }
  /** The last alerts it was sent. */
  last(): LiveAlerts | undefined {
    return this.alerts.at(-1);
  }
}

const clients: Client[] = [];
afterEach(() => clients.splice(0).forEach((c) => c.socket.close()));
async function client(token: string, namespace?: string): Promise<Client> {
  const c = new Client(token, namespace);
  clients.push(c);
  await c.connected();
  return c;
}

const firing = (c: Client, store: string) => (c.last()?.store === store ? c.last()!.alerts.filter((a) => a.state === "firing").length : -1);
const cam = new EventFactory("cam-1");

describe("the alerts-only live link", () => {
  it("pushes a viewer's store's new alert, and its end, and never its occupancy", async () => {
    const rule = await t.request<{ id: string }>("PUT", "/api/v1/stores/paris/alert-rules/fruit-full", { kind: "occupancy", zone: "fruit", threshold: 1, forSeconds: 0, cooldownSeconds: 0, enabled: true });
    expect(rule.status).toBe(200);
    const viewer = await client(await t.token("viewer", "paris"));
    const merchandiser = await client(await t.token("merchandiser"));
    expect(await viewer.join("paris")).toEqual({ ok: true });
    expect(await merchandiser.join("paris")).toEqual({ ok: true });
    // Its alerts at once: none yet, with the store's time zone.
    await waitFor("the alerts sent at the join", async () => viewer.alerts.length > 0 && merchandiser.alerts.length > 0, { timeoutMs: 10_000 });
    expect(viewer.last()).toMatchObject({ store: "paris", timezone: "Europe/Paris", alerts: [] });

    // Six people in the fruit zone (capacity 5): the rule fires, and both learn it with no request.
    const now = Date.now();
    await t.ingest("paris", "cam-1", Array.from({ length: 6 }, (_, i) => cam.enter(`v${i}`, "fruit", now + i)));
    await waitFor("the alert pushed to the viewer", async () => firing(viewer, "paris") === 1, { timeoutMs: 15_000 });
    await waitFor("the alert pushed to the merchandiser", async () => firing(merchandiser, "paris") === 1, { timeoutMs: 15_000 });
    expect(viewer.last()!.alerts.map((a) => a.ruleId)).toEqual(["fruit-full"]);
    const listed = (await t.get<{ alerts: { id: string; message: string }[] }>("/api/v1/stores/paris/alerts")).body.alerts;
    expect(viewer.last()!.alerts.map((a) => [a.id, a.message])).toEqual(listed.map((a) => [a.id, a.message]));

    // They leave: resolved, pushed too.
    await t.ingest("paris", "cam-1", Array.from({ length: 6 }, (_, i) => cam.exit(`v${i}`, "fruit", Date.now() + i)));
    await waitFor("the end pushed to the viewer", async () => viewer.last()?.alerts.length === 0, { timeoutMs: 15_000 });
    // Live occupancy is staff's: the alerts link sent none, though the store's figures changed twice.
    expect(viewer.occupancy).toBe(0);
    expect(merchandiser.occupancy).toBe(0);
    expect((await t.request("DELETE", "/api/v1/stores/paris/alert-rules/fruit-full")).status).toBe(204);
  });

  it("still refuses viewers and merchandisers on the live occupancy link", async () => {
    await expect(client(await t.token("viewer"), "")).rejects.toThrow(/forbidden: role "viewer" cannot see live occupancy/);
    await expect(client(await t.token("merchandiser"), "")).rejects.toThrow(/forbidden: role "merchandiser" cannot see live occupancy/);
  });

  it("refuses a token limited to another store or group, a bad store id, an unknown store, and a bad token", async () => {
    const viewer = await client(await t.token("viewer", "paris"));
    expect(await viewer.join("lyon")).toEqual({ ok: false, error: 'this token is limited to store "paris"' });
    expect(await viewer.join({ store: "paris" })).toEqual({ ok: false, error: "join needs a store id" });
    const all = await client(await t.token("viewer"));
    expect(await all.join("nosuch")).toEqual({ ok: false, error: 'store "nosuch" not found or has no layout' });
    const north = (await t.server.services.storage.tokens.create("viewer", null, Date.now(), { group: "north" })).token;
    const grouped = await client(north);
    expect(await grouped.join("lyon")).toEqual({ ok: false, error: 'this token is limited to the stores of group "north"' });
    await expect(client("not-a-token")).rejects.toThrow(/unauthorized: send a valid API token as auth.token/);
    // Refused joins leave it following nothing: lyon's alerts never reach it.
    expect(viewer.alerts).toEqual([]);
    expect(grouped.alerts).toEqual([]);
  });

  it("closes a group token's link to a store taken out of the group, and a revoked token's at once", async () => {
    const north = (await t.server.services.storage.tokens.create("viewer", null, Date.now(), { group: "north" })).token;
    const grouped = await client(north);
    expect(await grouped.join("lille")).toEqual({ ok: true });
    const gone = grouped.closed();
    expect((await t.request("PATCH", "/api/v1/groups/north", { stores: ["paris"] })).status).toBe(200);
    expect(await gone).toBe("io server disconnect");
    grouped.socket.connect();
    await grouped.connected();
    expect(await grouped.join("lille")).toEqual({ ok: false, error: 'this token is limited to the stores of group "north"' });

    const made = await t.request<{ id: string; token: string }>("POST", "/api/v1/tokens", { role: "viewer", store: "paris" });
    const viewer = await client(made.body.token);
    expect(await viewer.join("paris")).toEqual({ ok: true });
    const said = new Promise((resolve) => viewer.socket.once("signed_out", resolve));
    const dropped = viewer.closed();
    expect((await t.request("DELETE", `/api/v1/tokens/${made.body.id}`)).status).toBe(200);
    expect(await dropped).toBe("io server disconnect");
    expect(await said).toEqual({ reason: "this token was revoked" });
    await expect(client(made.body.token)).rejects.toThrow(/unauthorized: this token was revoked/);
  });

  it("reads a store's alerts once per change, not once per following socket", async () => {
    expect((await t.request("PUT", "/api/v1/stores/lille/alert-rules/fruit-full", { kind: "occupancy", zone: "fruit", threshold: 1, forSeconds: 0, cooldownSeconds: 0, enabled: true })).status).toBe(200);
    const viewers = await Promise.all(Array.from({ length: 8 }, async () => client(await t.token("viewer", "lille"))));
    for (const v of viewers) expect(await v.join("lille")).toEqual({ ok: true });
    await waitFor("every join answered with the alerts", async () => viewers.every((v) => v.alerts.length > 0), { timeoutMs: 10_000 });
    const alerts = t.server.services.storage.alerts;
    const active = alerts.active.bind(alerts);
    let reads = 0;
    alerts.active = (store, ...rest) => {
      if (store === "lille") reads++;
      return active(store, ...rest);
    };
    try {
      const now = Date.now();
      await t.ingest("lille", "cam-1", Array.from({ length: 6 }, (_, i) => cam.enter(`l${i}`, "fruit", now + i)));
      await waitFor("the alert pushed to all eight", async () => viewers.every((v) => firing(v, "lille") === 1), { timeoutMs: 15_000 });
    } finally {
      alerts.active = active;
    }
    // One read for the commit (nothing had changed yet) and one for the alert, give or take: not eight for each.
    expect(reads).toBeGreaterThan(0);
    expect(reads).toBeLessThan(viewers.length);
  });
});
