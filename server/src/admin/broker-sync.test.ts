/**
 * The broker files the server rewrites when an admin adds, rotates or revokes an agent (FOOTFALL_MOSQUITTO_PASSWD / _ACL)
 * keep the owner, group and mode the operator gave them. Mosquitto reads them as its own user (Debian's starts as root and
 * reads them as `mosquitto`); the server wrote a new file of its own, 0600, so at the reload it told Mosquitto to do,
 * Mosquitto could not open its password file and refused every login, the server's own too (seen with Debian's
 * mosquitto 2.0.11: `Connection Refused: not authorised` for every user after the UI added an agent). Real SQLite file.
 */
import { chmodSync, chownSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "../../../test/support/wait.js";
import { openSqliteStorage } from "../storage/sqlite.js";
import { SYNC_UNIT_HINT, syncBroker, writeAtomic } from "./broker-sync.js";

const dirs: { remove(): void }[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove();
});

describe("syncBroker's rewrite of Mosquitto's files", () => {
  it("keeps the replaced files' mode (and owner and group), and writes new files 0600 and 0644", async () => {
    const dir = tempDir("footfall-broker-sync-");
    dirs.push(dir);
    const storage = openSqliteStorage(join(dir.path, "data"));
    await storage.agents.add("shop", "door-1", "door", Date.now());
    const passwd = join(dir.path, "passwd");
    const acl = join(dir.path, "acl");
    const env = { FOOTFALL_MQTT_URL: "mqtt://127.0.0.1:1", FOOTFALL_MQTT_PASSWORD: "s3cret", FOOTFALL_MOSQUITTO_PASSWD: passwd, FOOTFALL_MOSQUITTO_ACL: acl };

    // New files: the modes the server gives them.
    const first = await syncBroker(storage, env);
    expect(first.message).toBe(`wrote ${passwd} and ${acl}; FOOTFALL_MOSQUITTO_PID_FILE is not set: reload Mosquitto`);
    expect([statSync(passwd).mode & 0o777, statSync(acl).mode & 0o777]).toEqual([0o600, 0o644]);

    // The operator lets Mosquitto's group read the password file and hides the ACL from others.
    chmodSync(passwd, 0o640);
    chmodSync(acl, 0o640);
    const root = process.getuid?.() === 0;
    if (root) chownSync(passwd, 65534, 65534); // Mosquitto's own user, as `chown mosquitto passwd` makes it
    writeFileSync(passwd, "stale\n");
    const again = await syncBroker(storage, env);
    expect(again.broker).toBe("manual");
    expect(readFileSync(passwd, "utf8")).toMatch(/^footfall-server:\$7\$/m);
    expect(readFileSync(passwd, "utf8")).toMatch(/^shop\.door-1:\$7\$/m);
    expect([statSync(passwd).mode & 0o777, statSync(acl).mode & 0o777]).toEqual([0o640, 0o640]);
    if (root) expect([statSync(passwd).uid, statSync(passwd).gid]).toEqual([65534, 65534]);
    await storage.close();
  });

  it("with FOOTFALL_MOSQUITTO_SYNC_UNIT (systemd's footfall-broker-sync.path) writes its own copies in its own folder, made if missing, and hands them over: no pid file, no owner to give", async () => {
    const dir = tempDir("footfall-broker-sync-");
    dirs.push(dir);
    const storage = openSqliteStorage(join(dir.path, "data"));
    await storage.agents.add("shop", "door-1", "door", Date.now());
    const passwd = join(dir.path, "state", "broker", "passwd");
    const acl = join(dir.path, "state", "broker", "acl");
    const env = {
      FOOTFALL_MQTT_URL: "mqtt://127.0.0.1:1",
      FOOTFALL_MQTT_PASSWORD: "s3cret",
      FOOTFALL_MOSQUITTO_PASSWD: passwd,
      FOOTFALL_MOSQUITTO_ACL: acl,
      FOOTFALL_MOSQUITTO_SYNC_UNIT: "footfall-broker-sync.path",
    };
    expect(await syncBroker(storage, env)).toEqual({
      broker: "handed-over",
      message: `wrote ${passwd} and ${acl}; footfall-broker-sync.path installs them for Mosquitto and reloads it (if the agent's login is still refused in a minute: journalctl -u footfall-broker-sync.service)`,
      command: null,
    });
    expect(readFileSync(passwd, "utf8")).toMatch(/^shop\.door-1:\$7\$/m);
    expect([statSync(join(dir.path, "state", "broker")).mode & 0o777, statSync(passwd).mode & 0o777, statSync(acl).mode & 0o777]).toEqual([0o700, 0o600, 0o644]);
    // Without it, the same files are the server's to hand over by a pid file it has not: the old answer, a command to run.
    const { FOOTFALL_MOSQUITTO_SYNC_UNIT: _unit, ...old } = env;
    expect(await syncBroker(storage, old)).toMatchObject({ broker: "manual", command: "sudo systemctl reload mosquitto" });
    await storage.close();
  });

  it("a file the server may not give back its owner says the chown to run and names the way that needs no one with root", () => {
    // As the unprivileged server: the effective uid of a user that is not the file's owner (root: CI's and this machine's
    // tests run as root, and only root may take another uid).
    expect(process.getuid?.(), "this test takes another user's uid, which only root may").toBe(0);
    const dir = tempDir("footfall-broker-sync-");
    dirs.push(dir);
    const folder = join(dir.path, "broker");
    mkdirSync(folder, { mode: 0o755 });
    chownSync(folder, 65534, 65534);
    chmodSync(dir.path, 0o755);
    const passwd = join(folder, "passwd");
    writeFileSync(passwd, "stale\n", { mode: 0o600 });
    chownSync(passwd, 12345, 12345); // Mosquitto's, as README's `chown mosquitto` left it
    let kept: string | null;
    process.seteuid!(65534);
    try {
      kept = writeAtomic(passwd, "fresh\n", 0o600);
    } finally {
      process.seteuid!(0);
    }
    expect(readFileSync(passwd, "utf8")).toBe("fresh\n");
    expect(kept).toContain(`run \`sudo chown 12345:12345 ${passwd}\` and reload Mosquitto`);
    expect(kept).toContain(SYNC_UNIT_HINT);
    expect(SYNC_UNIT_HINT).toContain("FOOTFALL_MOSQUITTO_SYNC_UNIT=footfall-broker-sync.path) and enable deploy/systemd/footfall-broker-sync.path");
  });
});
