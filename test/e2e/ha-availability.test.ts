/**
 * Home Assistant's availability follows the server (issue 14.4): `footfall serve` on Debian's
 * mosquitto says "online" (retained) when it connects, and when it is killed with SIGKILL the
 * broker publishes its will, "offline"; restarted, it says "online" again.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { topics } from "@footfall/core";
import { brokerConfig, Mosquitto, requireTool, ServerProcess, tempDir, waitFor } from "../support/index.js";
import { mosquittoSubRetained } from "../support/mosquitto-sub.js";

const dataDir = tempDir("footfall-ha-avail-");
const serverUser = { username: "footfall-server", password: randomBytes(12).toString("hex") };
let ha: { username: string; password: string };
let mosquitto: Mosquitto;
let server: ServerProcess;

beforeAll(async () => {
  requireTool("mosquitto");
  requireTool("mosquitto_sub");
  // Home Assistant's read-only user, as `footfall broker-config --home-assistant` makes it (before the server's first start
  // and any agent: --new-data-dir).
  const files = await brokerConfig(dataDir.path, join(dataDir.path, "mosquitto"), serverUser, ["--home-assistant", "--new-data-dir"]);
  ha = { username: "homeassistant", password: files.passwords!.homeassistant! };
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
