import { topics, subscriptions } from "@footfall/core";
import { hashPassword } from "./auth/secrets.js";
import type { Storage } from "./storage/types.js";

/**
 * A Mosquitto password file and ACL for every known agent, plus the server's own user:
 * each agent may write only its own events, status and audits and read its store's layout and its
 * own receipts; the server reads events, status and audits, writes layouts and receipts.
 */
export async function mosquittoFiles(storage: Storage, server: { username: string; password: string }): Promise<{ passwd: string; acl: string }> {
  const agents = await storage.agents.passwordEntries();
  const passwd = [`${server.username}:${hashPassword(server.password)}`, ...agents.map((a) => `${a.username}:${a.hash}`)].join("\n") + "\n";
  const acl = [
    "# Written by `footfall broker-config`: regenerate after `footfall agent add`, then reload mosquitto (SIGHUP).",
    `user ${server.username}`,
    `topic read ${subscriptions.events}`,
    `topic read ${subscriptions.status}`,
    `topic read ${subscriptions.audits}`,
    `topic readwrite ${topics.layout("+")}`,
    `topic write ${topics.receipts("+", "+")}`,
    // Issue 14.4: retained occupancy, queues, alerts, availability and Home Assistant discovery, written by the server
    // only (no agent line grants them: mosquitto refuses what the ACL does not list).
    `topic write ${topics.occupancy("+")}`,
    `topic write ${topics.zoneOccupancy("+", "+")}`,
    `topic write ${topics.queue("+", "+")}`,
    `topic write ${topics.alert("+", "+")}`,
    `topic write ${topics.availability()}`,
    "topic write homeassistant/#",
    "",
    ...agents.flatMap((a) => [
      `user ${a.username}`,
      `topic write ${topics.events(a.store, a.agent)}`,
      `topic write ${topics.status(a.store, a.agent)}`,
      `topic write ${topics.audits(a.store, a.agent)}`,
      `topic read ${topics.layout(a.store)}`,
      `topic read ${topics.receipts(a.store, a.agent)}`,
      "",
    ]),
  ].join("\n");
  return { passwd, acl };
}
