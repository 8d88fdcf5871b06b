/**
 * `footfall digest send` of a webhook-only digest says who sends its webhook and when: the CLI queues the delivery in the
 * database and a server's dispatcher sends it. With no server on the data folder it used to print status "pending" and
 * nothing more; now it says no server runs there and that the webhook goes out when one starts, and a server started
 * then delivers it, once. With one running (its pid file), it names it. The built CLI as a child process on a real
 * SQLite file, the server in this process, a real webhook receiver checking each signed request.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { footfall } from "../../../test/support/cli.js";
import { startTestServer, type TestServer } from "../../../test/support/in-process.js";
import { sleep, tempDir, waitFor } from "../../../test/support/wait.js";
import { WebhookReceiver } from "../../../test/support/webhook-receiver.js";

const DAY = 86_400_000;
const dir = tempDir("footfall-digest-no-server-");
const receiver = new WebhookReceiver("");
let t: TestServer | null = null;
let id: string;
let hookId: string;

beforeAll(async () => {
  receiver.port = 19202;
  await receiver.up();
  t = await startTestServer({ dataDir: dir.path, maxAgeMs: 30 * DAY });
  await t.putLayout("shop", smallLayout({ name: "Rue de Rivoli" }));
  await t.ingest("shop", "door-1", [new EventFactory("door-1").count("entrance", Date.now() - 2 * DAY, 9, 0)]);
  const created = await t.request("POST", "/api/v1/stores/shop/webhooks", { url: receiver.url, events: ["digest.*"] });
  expect(created.status).toBe(201);
  (receiver as { secret: string }).secret = created.body.secret as string;
  hookId = created.body.webhook.id as string;
  const d = await t.request("POST", "/api/v1/digests", { scope: "store", target: "shop", frequency: "daily", recipients: [], hour: 7, webhook: created.body.webhook.id });
  expect(d.status, JSON.stringify(d.body)).toBe(200);
  id = d.body.id as string;
  await t.close();
  t = null;
});
afterAll(async () => {
  await t?.close();
  await receiver.down();
  dir.remove();
});

// Links to the address users open (as an operator sets it), so stderr says only what became of the webhook (cli-links says the rest).
const send = (args: string[] = []) => footfall(["digest", "send", id, ...args], { dataDir: dir.path, env: { FOOTFALL_SMTP_URL: "", FOOTFALL_DATABASE_URL: "", FOOTFALL_PUBLIC_URL: "http://footfall.example/" } });

describe("footfall digest send of a webhook-only digest", () => {
  it("with no server on the data folder posts the webhook itself at once; a server started then does not post it again", async () => {
    const sent = await send();
    expect(sent.code, sent.stderr).toBe(0);
    const r = JSON.parse(sent.stdout) as { mailed: boolean; webhookDelivery: { id: string; queuedNow: boolean; status: string } };
    expect(r).toMatchObject({ mailed: false, webhookDelivery: { queuedNow: true, status: "delivered" } });
    expect(sent.stderr).toBe(`footfall: its webhook delivery "${r.webhookDelivery.id}" went to ${receiver.url} (HTTP 204)\n`);
    // Old CLI: queued only, the receiver had nothing until a server started.
    expect(receiver.taken.map((d) => d.id)).toEqual([r.webhookDelivery.id]);
    t = await startTestServer({ dataDir: dir.path, maxAgeMs: 30 * DAY });
    t.server.services.webhooks!.kick();
    await sleep(1000);
    expect(await t.server.services.storage.webhooks.getDelivery(hookId, r.webhookDelivery.id)).toMatchObject({ status: "delivered", attempts: 1 });
    expect(receiver.taken.map((d) => d.id)).toEqual([r.webhookDelivery.id]);
    expect(receiver.refused).toEqual([]);
  });

  it("with a server running on it posts it too, once: the server does not post it again", async () => {
    const sent = await send(["--period", new Date(Date.now() - 3 * DAY).toISOString().slice(0, 10)]);
    expect(sent.code, sent.stderr).toBe(0);
    const r = JSON.parse(sent.stdout) as { webhookDelivery: { id: string; status: string } };
    expect(r.webhookDelivery.status).toBe("delivered");
    expect(sent.stderr).toBe(`footfall: its webhook delivery "${r.webhookDelivery.id}" went to ${receiver.url} (HTTP 204)\n`);
    t!.server.services.webhooks!.kick();
    expect(receiver.taken.map((d) => d.id)).toEqual([expect.any(String), r.webhookDelivery.id]);
    expect(receiver.refused).toEqual([]);
  });

  it("a receiver that fails: says so, and that the running server retries it; the server then delivers it once", async () => {
    receiver.failing = true;
    const sent = await send(["--period", new Date(Date.now() - 4 * DAY).toISOString().slice(0, 10)]);
    receiver.failing = false;
    expect(sent.code, sent.stderr).toBe(0);
    const r = JSON.parse(sent.stdout) as { webhookDelivery: { id: string; status: string } };
    expect(r.webhookDelivery.status).toBe("pending");
    expect(receiver.failed).toEqual([r.webhookDelivery.id]);
    expect(sent.stderr).toBe(
      `footfall: its webhook delivery "${r.webhookDelivery.id}" was posted to ${receiver.url} and failed (HTTP 503): it stays queued: the server running on this data folder (pid ${process.pid}) sends it within its next digest check (every FOOTFALL_DIGEST_CHECK_MS, 60 s by default); the hook's delivery log (Admin > Webhooks) says when it went\n`,
    );
    await waitFor("delivered by the server", () => {
      t!.server.services.webhooks!.kick();
      return receiver.taken.some((d) => d.id === r.webhookDelivery.id) || undefined;
    }, { timeoutMs: 30_000 });
    expect(receiver.taken.filter((d) => d.id === r.webhookDelivery.id)).toHaveLength(1);
    expect(receiver.refused).toEqual([]);
  });
});
