/**
 * Home Assistant's availability follows the server (issue 14.4): `footfall serve` on Debian's
 * mosquitto says "online" (retained) when it connects, and when it is killed with SIGKILL the
 * broker publishes its will, "offline"; restarted, it says "online" again.
 */
import { randomBytes } from "node:crypto";
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topics } from "@footfall/core";
import { brokerConfig, Mosquitto, requireTool, ServerProcess, tempDir, waitFor } from "../support/index.js";
import { mosquittoSubRetained } from "../support/mosquitto-sub.js";
import { run } from "../support/cli.js";

const dataDir = tempDir("footfall-ha-avail-");
const serverUser = { username: "footfall-server", password: randomBytes(12).toString("hex") };
const ha = { username: "homeassistant", password: randomBytes(12).toString("hex") };
let mosquitto: Mosquitto;
let server: ServerProcess;

beforeAll(async () => {
  requireTool("mosquitto");
  requireTool("mosquitto_sub");
  requireTool("mosquitto_passwd");
  const files = await brokerConfig(dataDir.path, join(dataDir.path, "mosquitto"), serverUser);
  const pw = await run("mosquitto_passwd", ["-b", files.passwd, ha.username, ha.password]);
  expect(pw.code, pw.stderr).toBe(0);
  appendFileSync(files.acl, `\nuser ${ha.username}\ntopic read homeassistant/#\ntopic read footfall/v1/#\n`);
  mosquitto = await Mosquitto.start({ passwordFile: files.passwd, aclFile: files.acl });
  server = await ServerProcess.start({ dataDir: dataDir.path, mqttUrl: mosquitto.url, mqttUsername: serverUser.username, mqttPassword: serverUser.password });
}, 60_000);
afterAll(async () => {
  await server?.dispose();
  await mosquitto?.dispose();
  dataDir.remove();
});

const availability = async () => (await mosquittoSubRetained({ url: mosquitto.url, ...ha }, topics.availability(), 1)).get(topics.availability());

describe("the server's availability on the broker", () => {
  it("is online while the server runs, offline (its will) once it is killed, online again after a restart", async () => {
    await waitFor("online", async () => (await availability()) === "online");
    await server.kill9();
    await waitFor("offline from the will", async () => (await availability()) === "offline", { timeoutMs: 15_000 });
    await server.restart();
    await waitFor("online again", async () => (await availability()) === "online", { timeoutMs: 30_000 });
  }, 90_000);
});
