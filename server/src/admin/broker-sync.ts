/**
 * After an agent is added, given a new password or revoked from the API: bring the broker up to
 * date. The embedded broker checks every login against the database (nothing to do). For an
 * external Mosquitto, when FOOTFALL_MOSQUITTO_PASSWD and FOOTFALL_MOSQUITTO_ACL name the files its
 * configuration reads, they are rewritten (as `footfall broker-config` writes them) and Mosquitto,
 * whose pid is in FOOTFALL_MOSQUITTO_PID_FILE (its `pid_file`), gets SIGHUP to read them again.
 * Whatever cannot be done is answered with the exact command to run.
 */
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { keptUsers, mosquittoFiles } from "../broker-files.js";
import type { Storage } from "../storage/types.js";

export interface BrokerSync {
  /** embedded: nothing to do; reloaded: files written and SIGHUP sent; manual: run `command`. */
  broker: "embedded" | "reloaded" | "manual";
  message: string;
  command: string | null;
}

const MANUAL = "footfall broker-config --out /etc/mosquitto/footfall && sudo systemctl reload mosquitto";

/** Writes a file whole or not at all (Mosquitto may read it at any moment). */
function writeAtomic(path: string, text: string, mode: number): void {
  const tmp = `${path}.footfall-tmp`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, path);
}

export async function syncBroker(storage: Storage, env: NodeJS.ProcessEnv = process.env): Promise<BrokerSync> {
  const passwdPath = env.FOOTFALL_MOSQUITTO_PASSWD;
  const aclPath = env.FOOTFALL_MOSQUITTO_ACL;
  const pidFile = env.FOOTFALL_MOSQUITTO_PID_FILE;
  if (!passwdPath || !aclPath) {
    if (!env.FOOTFALL_MQTT_URL) return { broker: "embedded", message: "the embedded broker checks logins against the database: nothing to do", command: null };
    return {
      broker: "manual",
      message: "the broker's files are not known to this server (set FOOTFALL_MOSQUITTO_PASSWD, FOOTFALL_MOSQUITTO_ACL and FOOTFALL_MOSQUITTO_PID_FILE): regenerate them and reload Mosquitto",
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
  try {
    writeAtomic(passwdPath, files.passwd, 0o600);
    writeAtomic(aclPath, files.acl, 0o644);
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
