import { topics, subscriptions } from "@footfall/core";
import { hashPassword } from "./auth/secrets.js";
import type { Storage } from "./storage.js";

/**
 * A Mosquitto password file and ACL for every known agent, plus the server's own user:
 * each agent may write only under its own topic prefix and read its store's layout.
 */
export function mosquittoFiles(storage: Storage, server: { username: string; password: string }): { passwd: string; acl: string } {
  const agents = storage.agents.passwordEntries();
  const passwd = [`${server.username}:${hashPassword(server.password)}`, ...agents.map((a) => `${a.username}:${a.hash}`)].join("\n") + "\n";
  const acl = [
    "# Written by `footfall broker-config`: regenerate after `footfall agent add`, then reload mosquitto (SIGHUP).",
    `user ${server.username}`,
    `topic read ${subscriptions.events}`,
    `topic read ${subscriptions.status}`,
    "topic readwrite footfall/v1/+/layout",
    "",
    ...agents.flatMap((a) => [`user ${a.username}`, `topic write ${topics.agentPrefix(a.store, a.agent)}#`, `topic read ${topics.layout(a.store)}`, ""]),
  ].join("\n");
  return { passwd, acl };
}
