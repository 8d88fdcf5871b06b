/**
 * What an admin reads when a webhook's receiver cannot be reached: real requests to a receiver that is
 * down, to an http:// receiver given as https://, to a service that does not speak HTTP, to a host name
 * that does not exist. Each failure is in the delivery log in words (the system's code first), counted
 * on the hook, and logged once per failing run, not per attempt.
 */
import { createServer as createTcpServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir, waitFor } from "../../../test/support/wait.js";
import { WebhookReceiver } from "../../../test/support/webhook-receiver.js";
import { openSqliteStorage } from "../storage/sqlite.js";
import type { Storage } from "../storage/types.js";
import { WebhookDispatcher } from "./dispatcher.js";

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

interface Logged {
  level: string;
  fields: Record<string, unknown>;
  msg: string;
}

async function setup() {
  const dir = tempDir("footfall-webhook-failures-");
  const storage: Storage = await openSqliteStorage(dir.path);
  const logged: Logged[] = [];
  const log = (level: string) => (fields: unknown, msg?: string) => void logged.push({ level, fields: fields as Record<string, unknown>, msg: msg ?? "" });
  const dispatcher = new WebhookDispatcher({ storage, log: { info: log("info"), warn: log("warn"), error: log("error") }, options: { baseDelayMs: 20, maxDelayMs: 100, timeoutMs: 3000, disableAfterFailures: 3 } });
  dispatcher.start();
  cleanup.push(async () => {
    await dispatcher.stop();
    await storage.close();
    dir.remove();
  });
  /** A hook on `url` given one test ping; the hook once disabled after its 3 failures. */
  const failing = async (url: string) => {
    const hook = await storage.webhooks.create("s1", { url, events: [], secret: "whsec_x" }, Date.now());
    await dispatcher.sendTest(hook.id);
    const disabled = await waitFor(`${url} disabled`, async () => {
      const h = await storage.webhooks.get(hook.id);
      return h && !h.enabled ? h : undefined;
    });
    const [ping] = await storage.webhooks.deliveries(hook.id, 10);
    return { hook: disabled, ping: ping!, logs: logged.filter((l) => l.fields.hook === hook.id) };
  };
  return { failing };
}

/** A local TCP service that answers every connection with a line that is not HTTP. */
async function notHttp(): Promise<string> {
  const sockets = new Set<Socket>();
  const server: Server = createTcpServer((c) => {
    sockets.add(c);
    c.on("close", () => sockets.delete(c));
    c.end("220 not a web server\r\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanup.push(
    () =>
      new Promise<void>((resolve) => {
        for (const c of sockets) c.destroy();
        server.close(() => resolve());
      }),
  );
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("webhook failures in words", () => {
  it("a receiver that is down: nothing accepts connections at its host and port", async () => {
    const t = await setup();
    const receiver = new WebhookReceiver("");
    await receiver.up();
    await receiver.down();
    const { hook, ping, logs } = await t.failing(receiver.url);
    const why = `ECONNREFUSED: nothing accepts connections at 127.0.0.1:${receiver.port} (is the receiver running, on that port?)`;
    expect(ping).toMatchObject({ status: "pending", attempts: 3, lastError: why, responseStatus: null });
    expect(hook.consecutiveFailures).toBe(3);
    expect(hook.disabledReason).toContain(`last: ${why}`);
    // Logged when the hook began to fail and when it was disabled; not at each of the attempts between.
    expect(logs.map((l) => [l.level, l.msg])).toEqual([
      ["warn", "webhooks: a hook's delivery failed; retrying with backoff"],
      ["warn", "webhooks: a hook keeps failing and is disabled"],
    ]);
    expect(logs[0]!.fields).toMatchObject({ store: "s1", url: receiver.url, err: why });
  });

  it("an http:// receiver given as https://, and a service that does not answer HTTP", async () => {
    const t = await setup();
    const receiver = new WebhookReceiver("");
    await receiver.up();
    cleanup.push(() => receiver.down());
    const tls = await t.failing(receiver.url.replace("http://", "https://"));
    expect(tls.ping.lastError).toMatch(/^ERR_SSL_[A-Z_]+: the TLS handshake with 127\.0\.0\.1:\d+ failed \(an http:\/\/ receiver given as https:\/\/\?\)$/);
    const where = await notHttp();
    const other = await t.failing(`http://${where}/hook`);
    expect(other.ping.lastError).toMatch(new RegExp(`^HPE_[A-Z_]+: the answer from ${where.replace(/\./g, "\\.")} is not HTTP \\(an https:// receiver given as http://, or another service on that port\\?\\)$`));
    expect(receiver.taken).toEqual([]);
  });

  it("a host name that does not exist", async () => {
    const t = await setup();
    // .invalid never resolves (RFC 6761): not found, or no answer from DNS on a machine without one.
    const { ping } = await t.failing("http://footfall-receiver.invalid/hook");
    expect(ping.lastError).toMatch(/^(ENOTFOUND|EAI_AGAIN|EAI_NODATA|EAI_NONAME): the host name "footfall-receiver\.invalid" was not found \(DNS\): check the URL$/);
  });
});
