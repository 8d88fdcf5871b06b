/**
 * Agents added, rotated and revoked from the API with an external Mosquitto (Debian's, on a
 * socket): its password file and ACL rewritten, SIGHUP to the pid in its pid_file, and the exact
 * command answered when the server cannot do it. With the embedded broker, the agent's open
 * connection is closed.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestServer } from "../../../test/support/in-process.js";
import { Mosquitto, mosquittoConf } from "../../../test/support/mosquitto.js";
import { connectMqtt } from "../../../test/support/mqtt.js";
import { freePort } from "../../../test/support/ports.js";
import { tempDir, waitFor } from "../../../test/support/wait.js";
import { mosquittoFiles } from "../broker-files.js";

const t = useTestServer({ stores: ["shop"] });

describe("agents from the API (external Mosquitto)", () => {
  const env = ["FOOTFALL_MOSQUITTO_PASSWD", "FOOTFALL_MOSQUITTO_ACL", "FOOTFALL_MOSQUITTO_PID_FILE", "FOOTFALL_MQTT_PASSWORD", "FOOTFALL_MQTT_URL"] as const;
  const saved = Object.fromEntries(env.map((k) => [k, process.env[k]]));
  let broker: Mosquitto;
  let dir: { path: string; remove(): void };
  beforeAll(async () => {
    dir = tempDir("footfall-broker-sync-");
    const passwordFile = join(dir.path, "passwd");
    const aclFile = join(dir.path, "acl");
    const pidFile = join(dir.path, "mosquitto.pid");
    const files = await mosquittoFiles(t.server.services.storage, { username: "footfall-server", password: "server-secret" });
    writeFileSync(passwordFile, files.passwd, { mode: 0o600 });
    writeFileSync(aclFile, files.acl);
    const port = await freePort();
    broker = await Mosquitto.withConf((persistenceDir) => `${mosquittoConf({ port, passwordFile, aclFile, persistenceDir })}pid_file ${pidFile}\n`, port);
    Object.assign(process.env, {
      FOOTFALL_MOSQUITTO_PASSWD: passwordFile,
      FOOTFALL_MOSQUITTO_ACL: aclFile,
      FOOTFALL_MOSQUITTO_PID_FILE: pidFile,
      FOOTFALL_MQTT_PASSWORD: "server-secret",
      FOOTFALL_MQTT_URL: broker.url,
    });
  }, 60_000);
  afterAll(async () => {
    for (const k of env) if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
    await broker?.dispose();
    dir?.remove();
  });

  const login = (username: string, password: string) =>
    connectMqtt({ url: broker.url, username, password }, { reconnectPeriod: 0 }).then(
      (c) => {
        c.end(true);
        return true;
      },
      () => false,
    );

  it("the password file and ACL are rewritten and Mosquitto reloads them: the new agent logs in, a revoked one no longer does", async () => {
    const added = await t.request("POST", "/api/v1/stores/shop/agents", { agent: "door-5", kind: "door" });
    expect(added.status).toBe(200);
    expect(added.body.broker).toMatchObject({ broker: "reloaded", command: null });
    expect(readFileSync(process.env.FOOTFALL_MOSQUITTO_PASSWD!, "utf8")).toMatch(/^shop\.door-5:/m);
    expect(readFileSync(process.env.FOOTFALL_MOSQUITTO_ACL!, "utf8")).toContain("topic write footfall/v1/shop/agents/door-5/events");
    await waitFor("mosquitto accepts the new agent", () => login("shop.door-5", added.body.password));
    expect(await login("shop.door-5", "wrong")).toBe(false);

    const revoked = await t.request("DELETE", "/api/v1/stores/shop/agents/door-5");
    expect(revoked.body.broker.broker).toBe("reloaded");
    expect(readFileSync(process.env.FOOTFALL_MOSQUITTO_PASSWD!, "utf8")).not.toMatch(/^shop\.door-5:/m);
    await waitFor("mosquitto refuses the revoked agent", async () => !(await login("shop.door-5", added.body.password)));
  }, 60_000);

  it("without the pid file it writes the files and answers the command to run; without the files' paths, the broker-config command", async () => {
    const pidFile = process.env.FOOTFALL_MOSQUITTO_PID_FILE!;
    delete process.env.FOOTFALL_MOSQUITTO_PID_FILE;
    try {
      const res = await t.request("POST", "/api/v1/stores/shop/agents", { agent: "door-6", kind: "door" });
      expect(res.body.broker).toEqual({ broker: "manual", message: expect.stringMatching(/FOOTFALL_MOSQUITTO_PID_FILE is not set/), command: "sudo systemctl reload mosquitto" });
      process.env.FOOTFALL_MOSQUITTO_PID_FILE = join(dir.path, "missing.pid");
      const res2 = await t.request("POST", "/api/v1/stores/shop/agents/door-6/rotate");
      expect(res2.body.broker).toMatchObject({ broker: "manual", command: `kill -HUP $(cat ${join(dir.path, "missing.pid")})` });
      const passwd = process.env.FOOTFALL_MOSQUITTO_PASSWD!;
      delete process.env.FOOTFALL_MOSQUITTO_PASSWD;
      try {
        const res3 = await t.request("DELETE", "/api/v1/stores/shop/agents/door-6");
        expect(res3.body.broker).toMatchObject({ broker: "manual", command: expect.stringMatching(/^footfall broker-config --out .* && sudo systemctl reload mosquitto$/) });
      } finally {
        process.env.FOOTFALL_MOSQUITTO_PASSWD = passwd;
      }
    } finally {
      process.env.FOOTFALL_MOSQUITTO_PID_FILE = pidFile;
    }
  });
});

describe("agents from the API (embedded broker on a socket)", () => {
  it("revoking or rotating closes the agent's open connection; the old password no longer logs in", async () => {
    const url = `mqtt://127.0.0.1:${t.server.mqttPort}`;
    const added = await t.request("POST", "/api/v1/stores/shop/agents", { agent: "cam-7", kind: "camera" });
    const rotating = await connectMqtt({ url, username: "shop.cam-7", password: added.body.password }, { clientId: "shop-cam-7", reconnectPeriod: 0 });
    const rotated = await t.request("POST", "/api/v1/stores/shop/agents/cam-7/rotate");
    await waitFor("the rotated agent's connection closed", () => !rotating.connected);
    rotating.end(true);
    await expect(connectMqtt({ url, username: "shop.cam-7", password: added.body.password }, { reconnectPeriod: 0 })).rejects.toThrow();
    const live = await connectMqtt({ url, username: "shop.cam-7", password: rotated.body.password }, { clientId: "shop-cam-7", reconnectPeriod: 0 });
    expect((await t.request("DELETE", "/api/v1/stores/shop/agents/cam-7")).status).toBe(200);
    await waitFor("the revoked agent's connection closed", () => !live.connected);
    live.end(true);
    await expect(connectMqtt({ url, username: "shop.cam-7", password: rotated.body.password }, { reconnectPeriod: 0 })).rejects.toThrow();
  }, 30_000);
});
