/**
 * The broker files the server rewrites when an admin adds, rotates or revokes an agent (FOOTFALL_MOSQUITTO_PASSWD / _ACL)
 * keep the owner, group and mode the operator gave them. Mosquitto reads them as its own user (Debian's starts as root and
 * reads them as `mosquitto`); the server wrote a new file of its own, 0600, so at the reload it told Mosquitto to do,
 * Mosquitto could not open its password file and refused every login, the server's own too (seen with Debian's
 * mosquitto 2.0.11: `Connection Refused: not authorised` for every user after the UI added an agent). Real SQLite file.
 */
import { chmodSync, chownSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "../../../test/support/wait.js";
import { openSqliteStorage } from "../storage/sqlite.js";
import { syncBroker } from "./broker-sync.js";

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
});
