/**
 * One delivery is posted once, whoever posts it (migration 29, the delivery's claim). Two queue workers as a chain's two
 * servers run them (each its own WebhookDispatcher over its own PostgreSQL storage, on one database of Debian's
 * PostgreSQL), and a real receiver that holds each request a while and counts POSTs by delivery id, signature checked.
 *
 * A shard handed over while its old holder's post is in flight: the new holder read the hook's head, still pending, and
 * posted it too (old code: 2 posts of one delivery id). With the claim the new holder finds it claimed, waits, and posts
 * only what comes after. A process killed mid-post leaves its claim to run out; the delivery is then posted by the other
 * (at least once: the receiver sees the same `Footfall-Delivery` id again and dedupes it).
 */
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { usePostgres } from "../../../test/support/postgres.js";
import { sleep, waitFor } from "../../../test/support/wait.js";
import { openPgStorage } from "../storage-pg/adapter.js";
import type { Storage } from "../storage/types.js";
import { WebhookDispatcher } from "./dispatcher.js";

const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const SECRET = "whsec_claim";
const pg = usePostgres();

/** A receiver that holds each request until `release()` (or 20 s), then answers 204; POSTs counted by delivery id. */
class HoldingReceiver {
  readonly posts = new Map<string, number>();
  readonly badSignatures: string[] = [];
  private held: (() => void)[] = [];
  private server: Server | null = null;
  holding = true;
  async up(port: number): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const id = String(req.headers["footfall-delivery"]);
        const sig = new Map(String(req.headers["footfall-signature"] ?? "").split(",").map((kv) => kv.split("=", 2) as [string, string]));
        if (createHmac("sha256", SECRET).update(`${sig.get("t")}.${raw}`).digest("hex") !== sig.get("v1")) this.badSignatures.push(id);
        this.posts.set(id, (this.posts.get(id) ?? 0) + 1);
        const answer = () => void res.writeHead(204).end();
        if (!this.holding) return answer();
        const timer = setTimeout(answer, 20_000);
        this.held.push(() => {
          clearTimeout(timer);
          answer();
        });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, "127.0.0.1", resolve));
  }
  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/hook`;
  }
  /** Requests being held now. */
  get waiting(): number {
    return this.held.length;
  }
  release(): void {
    for (const r of this.held.splice(0)) r();
  }
  async down(): Promise<void> {
    this.release();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

const receiver = new HoldingReceiver();
let a: Storage;
let b: Storage;

beforeAll(async () => {
  await receiver.up(19860);
  const url = pg.database("footfall_webhook_claim");
  a = await openPgStorage(url);
  b = await openPgStorage(url);
  pg.onClose(() => a.close());
  pg.onClose(() => b.close());
}, 120_000);
afterAll(async () => {
  await receiver.down();
});

describe("two servers' delivery queues on one PostgreSQL", () => {
  it("a shard handed over while its delivery is being posted: the new holder does not post it again", async () => {
    const hook = await a.webhooks.create("shop", { url: receiver.url, events: [], secret: SECRET }, Date.now());
    // Server A holds the store's shard; server B takes it over while A's post waits for the receiver's answer.
    let aHolds = true;
    const serverA = new WebhookDispatcher({ storage: a, log: quiet, dispatchesHere: () => aHolds });
    const serverB = new WebhookDispatcher({ storage: b, log: quiet, dispatchesHere: () => !aHolds });
    serverA.start();
    serverB.start();
    try {
      await serverA.notify({ deliveryId: "alert-1:firing", type: "alert.firing", store: "shop", at: Date.now(), data: { n: 1 } });
      await waitFor("A's post of the delivery, held by the receiver", () => receiver.waiting === 1 || undefined, { timeoutMs: 20_000 });
      // The handover: B holds the shard now and looks at the queue (a kick as its 5 s look or a notice would).
      aHolds = false;
      serverB.kick();
      await b.webhooks.enqueue(hook.id, { deliveryId: "alert-1:resolved", type: "alert.resolved", payload: '{"n":2}' }, Date.now());
      serverB.kick();
      // Old code: B posts alert-1:firing too within this time. With the claim it waits for A.
      await sleep(3000);
      expect(Object.fromEntries(receiver.posts)).toEqual({ "alert-1:firing": 1 });
      receiver.holding = false;
      receiver.release();
      // A records its post; B, holding the shard, sends what follows in order.
      await waitFor("the next delivery, from B", () => receiver.posts.has("alert-1:resolved") || undefined, { timeoutMs: 20_000 });
      await waitFor("both delivered", async () => (await a.webhooks.head(hook.id)) === undefined || undefined, { timeoutMs: 20_000 });
      expect(Object.fromEntries(receiver.posts)).toEqual({ "alert-1:firing": 1, "alert-1:resolved": 1 });
      expect(await a.webhooks.getDelivery(hook.id, "alert-1:firing")).toMatchObject({ status: "delivered", attempts: 1 });
      expect(await a.webhooks.getDelivery(hook.id, "alert-1:resolved")).toMatchObject({ status: "delivered", attempts: 1 });
      expect(receiver.badSignatures).toEqual([]);
    } finally {
      receiver.release();
      await serverA.stop();
      await serverB.stop();
      receiver.holding = true;
    }
  }, 90_000);

  it("two servers that both send a store's hooks (no chain's shards) post each delivery once", async () => {
    const hook = await a.webhooks.create("mall", { url: receiver.url, events: [], secret: SECRET }, Date.now());
    receiver.holding = false;
    const serverA = new WebhookDispatcher({ storage: a, log: quiet });
    const serverB = new WebhookDispatcher({ storage: b, log: quiet });
    serverA.start();
    serverB.start();
    try {
      const ids = [...Array(20).keys()].map((n) => `mall-${n}`);
      for (const id of ids) {
        await a.webhooks.enqueue(hook.id, { deliveryId: id, type: "alert.firing", payload: JSON.stringify({ id }) }, Date.now());
        serverA.kick();
        serverB.kick();
      }
      await waitFor("all delivered", async () => (await a.webhooks.head(hook.id)) === undefined || undefined, { timeoutMs: 60_000 });
      // Old code: several ids posted twice (both servers read the same head and posted it).
      expect(ids.filter((id) => receiver.posts.get(id) !== 1)).toEqual([]);
    } finally {
      await serverA.stop();
      await serverB.stop();
      receiver.holding = true;
    }
  }, 90_000);

  it("a claim left by a process killed mid-post runs out: another server posts the delivery then (at least once, one id)", async () => {
    const hook = await a.webhooks.create("depot", { url: receiver.url, events: [], secret: SECRET }, Date.now());
    receiver.holding = false;
    await a.webhooks.enqueue(hook.id, { deliveryId: "depot-1", type: "alert.firing", payload: "{}" }, Date.now());
    // A process claimed it (for 2 s) and was killed before it recorded anything.
    expect(await a.webhooks.claim(hook.id, "depot-1", "killed-process", Date.now(), 2000)).toBeDefined();
    const serverB = new WebhookDispatcher({ storage: b, log: quiet });
    serverB.start();
    try {
      await sleep(1000);
      expect(receiver.posts.has("depot-1")).toBe(false);
      await waitFor("posted once the claim ran out", () => receiver.posts.has("depot-1") || undefined, { timeoutMs: 20_000 });
      await waitFor("recorded", async () => (await b.webhooks.getDelivery(hook.id, "depot-1"))?.status === "delivered" || undefined, { timeoutMs: 10_000 });
      expect(receiver.posts.get("depot-1")).toBe(1);
    } finally {
      await serverB.stop();
      receiver.holding = true;
    }
  }, 60_000);
});
