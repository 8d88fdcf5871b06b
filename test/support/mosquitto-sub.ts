import { spawn } from "node:child_process";
import type { BrokerLogin } from "./mqtt.js";
import { requireTool } from "./tools.js";

/**
 * The retained messages under `filter`, read with Debian's `mosquitto_sub` (a client we did not
 * write): it subscribes, prints what the broker holds retained, and exits at the first live
 * message or after `waitSeconds`. Topic -> payload.
 */
export function mosquittoSubRetained(login: BrokerLogin, filter: string, waitSeconds = 2): Promise<Map<string, string>> {
  requireTool("mosquitto_sub");
  const u = new URL(login.url);
  const args = ["-h", u.hostname, "-p", u.port || "1883", "-u", login.username, "-P", login.password, "-t", filter, "-q", "1", "--retained-only", "-W", String(waitSeconds), "-F", "%t\t%p"];
  return new Promise((resolve, reject) => {
    const child = spawn("mosquitto_sub", args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString("utf8")));
    child.stderr.on("data", (d: Buffer) => (err += d.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => {
      // 27: the -W timeout, the normal end when no live message came.
      if (code !== 0 && code !== 27) return reject(new Error(`mosquitto_sub exited ${code}: ${err.trim()}`));
      const messages = new Map<string, string>();
      for (const line of out.split("\n")) {
        if (!line) continue;
        const tab = line.indexOf("\t");
        messages.set(line.slice(0, tab), line.slice(tab + 1));
      }
      resolve(messages);
    });
  });
}
