/**
 * After an agent is added, given a new password or revoked from the API: bring the broker up to
 * date. The embedded broker checks every login against the database (nothing to do). For an
 * external Mosquitto, when FOOTFALL_MOSQUITTO_PASSWD and FOOTFALL_MOSQUITTO_ACL name the files its
 * configuration reads, they are rewritten (as `footfall broker-config` writes them) and Mosquitto,
 * whose pid is in FOOTFALL_MOSQUITTO_PID_FILE (its `pid_file`), gets SIGHUP to read them again. Under systemd
 * (deploy/systemd) the server keeps them in its own folder instead and FOOTFALL_MOSQUITTO_SYNC_UNIT names the root path
 * unit that installs them for Mosquitto and reloads it (footfall-broker-sync.path): the server, unprivileged, neither
 * gives them Mosquitto's owner nor signals it ("handed-over").
 * Whatever cannot be done is answered with the exact command to run.
 */
import { chmodSync, chownSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { keptUsers, mosquittoFiles } from "../broker-files.js";
import type { Storage } from "../storage/types.js";

export interface BrokerSync {
  /**
   * embedded: nothing to do; reloaded: files written and SIGHUP sent; handed-over: files written in the server's folder,
   * which FOOTFALL_MOSQUITTO_SYNC_UNIT's unit installs for Mosquitto and reloads it; manual: run `command`.
   */
  broker: "embedded" | "reloaded" | "handed-over" | "manual";
  message: string;
  command: string | null;
}

const MANUAL = "footfall broker-config --out /etc/mosquitto/footfall && sudo systemctl reload mosquitto";
/** Where a server that may not give Mosquitto its files should look: the way that needs no one with root. */
export const SYNC_UNIT_HINT =
  "or, with no one to run it: keep the files in the server's own folder (FOOTFALL_MOSQUITTO_PASSWD=/var/lib/footfall/broker/passwd, FOOTFALL_MOSQUITTO_ACL=/var/lib/footfall/broker/acl, FOOTFALL_MOSQUITTO_SYNC_UNIT=footfall-broker-sync.path) and enable deploy/systemd/footfall-broker-sync.path, which installs them for Mosquitto as root and reloads it (README, \"A Mosquitto of the system\")";

/**
 * Writes a file whole or not at all (Mosquitto may read it at any moment). A file it replaces keeps its owner, group and
 * mode: Mosquitto reads them as its own user (Debian's starts as root, then reads them as `mosquitto`), so the password
 * file an operator gave it (`chown mosquitto passwd`, or 0640 and its group) must not come back as the server's own 0600
 * file, which Mosquitto cannot open at the reload, refusing every login, the server's too. An owner the server may not
 * give (not root) is said: the file is written, and the caller says what to run.
 */
export function writeAtomic(path: string, text: string, mode: number): string | null {
  const tmp = `${path}.footfall-tmp`;
  const before = statSync(path, { throwIfNoEntry: false });
  writeFileSync(tmp, text, { mode });
  let kept: string | null = null;
  if (before) {
    chmodSync(tmp, before.mode & 0o7777); // not left to the umask (the unit's UMask=0077)
    if (before.uid !== process.getuid?.() || before.gid !== process.getgid?.()) {
      try {
        chownSync(tmp, before.uid, before.gid);
      } catch {
        try {
          chownSync(tmp, -1, before.gid); // a group the server's user is in
        } catch {
          /* said below */
        }
        const now = statSync(tmp);
        if (now.uid !== before.uid || now.gid !== before.gid)
          kept = `${path} was owned by uid ${before.uid}, gid ${before.gid}, which this server's user may not give it: Mosquitto may not read it now; run \`sudo chown ${before.uid}:${before.gid} ${path}\` and reload Mosquitto, or give the file a group this user is in (chgrp, chmod 0640), ${SYNC_UNIT_HINT}`;
      }
    }
  }
  renameSync(tmp, path);
  return kept;
}

export async function syncBroker(storage: Storage, env: NodeJS.ProcessEnv = process.env): Promise<BrokerSync> {
  const passwdPath = env.FOOTFALL_MOSQUITTO_PASSWD;
  const aclPath = env.FOOTFALL_MOSQUITTO_ACL;
  const pidFile = env.FOOTFALL_MOSQUITTO_PID_FILE;
  const syncUnit = env.FOOTFALL_MOSQUITTO_SYNC_UNIT?.trim();
  if (!passwdPath || !aclPath) {
    if (!env.FOOTFALL_MQTT_URL) return { broker: "embedded", message: "the embedded broker checks logins against the database: nothing to do", command: null };
    return {
      broker: "manual",
      message: "the broker's files are not known to this server (set FOOTFALL_MOSQUITTO_PASSWD, FOOTFALL_MOSQUITTO_ACL and FOOTFALL_MOSQUITTO_PID_FILE, or under systemd FOOTFALL_MOSQUITTO_SYNC_UNIT instead of the pid file: README, \"A Mosquitto of the system\"): regenerate them and reload Mosquitto",
      command: MANUAL,
    };
  }
  const password = env.FOOTFALL_MQTT_PASSWORD;
  if (!password)
    return { broker: "manual", message: "FOOTFALL_MQTT_PASSWORD is not set, so the server's own line of the password file cannot be written", command: MANUAL };
  let files: { passwd: string; acl: string };
  try {
    // The bridge and Home Assistant users `footfall broker-config` keeps beside the password file stay.
    files = await mosquittoFiles(storage, { username: env.FOOTFALL_MQTT_USERNAME || "footfall-server", password }, keptUsers(passwdPath), {
      discoveryPrefix: env.FOOTFALL_HA_DISCOVERY_PREFIX || "homeassistant",
    });
  } catch (err) {
    return { broker: "manual", message: `cannot rewrite the broker's files: ${(err as Error).message}`, command: MANUAL };
  }
  if (syncUnit) {
    // The server's own files, in its own folder (made here if `footfall broker-config --out` has not made it yet).
    try {
      for (const p of [passwdPath, aclPath]) mkdirSync(dirname(p), { recursive: true, mode: 0o700 });
      writeAtomic(passwdPath, files.passwd, 0o600);
      writeAtomic(aclPath, files.acl, 0o644);
    } catch (err) {
      return { broker: "manual", message: `cannot write the broker's files: ${(err as Error).message}`, command: `footfall broker-config --out ${dirname(passwdPath)} && sudo systemctl start footfall-broker-sync.service` };
    }
    return {
      broker: "handed-over",
      message: `wrote ${passwdPath} and ${aclPath}; ${syncUnit} installs them for Mosquitto and reloads it (if the agent's login is still refused in a minute: journalctl -u footfall-broker-sync.service)`,
      command: null,
    };
  }
  try {
    const owners = [writeAtomic(passwdPath, files.passwd, 0o600), writeAtomic(aclPath, files.acl, 0o644)].filter((m) => m !== null);
    if (owners.length > 0) return { broker: "manual", message: `wrote ${passwdPath} and ${aclPath}, but ${owners.join("; ")}`, command: `sudo systemctl reload mosquitto` };
  } catch (err) {
    return { broker: "manual", message: `cannot write the broker's files: ${(err as Error).message}`, command: MANUAL };
  }
  const hup = pidFile ? `kill -HUP $(cat ${pidFile})` : "sudo systemctl reload mosquitto";
  if (!pidFile) return { broker: "manual", message: `wrote ${passwdPath} and ${aclPath}; FOOTFALL_MOSQUITTO_PID_FILE is not set: reload Mosquitto`, command: hup };
  try {
    const pid = Number(readFileSync(pidFile, "utf8").trim());
    if (!Number.isInteger(pid) || pid <= 1) throw new Error(`${pidFile} holds no process id`);
    process.kill(pid, "SIGHUP");
    return { broker: "reloaded", message: `wrote ${passwdPath} and ${aclPath} and told Mosquitto (pid ${pid}) to reload`, command: null };
  } catch (err) {
    return { broker: "manual", message: `wrote ${passwdPath} and ${aclPath}, but could not signal Mosquitto: ${(err as Error).message}`, command: hup };
  }
}
