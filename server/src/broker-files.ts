import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { isId, topics, subscriptions } from "@footfall/core";
import { hashPassword, newSecret } from "./auth/secrets.js";
import type { Storage } from "./storage/types.js";

/**
 * Broker users besides the agents and the server, kept in `broker-users.json` beside the password
 * file (so that every regeneration, by `footfall broker-config` or after an agent change from the
 * API, keeps them): a read-only Home Assistant user, and one bridge user per store site
 * (deploy/site/mosquitto.conf) with the topics of that site's stores. Their password hashes are
 * kept from the password file; a new user gets a new password, shown once.
 */
export interface BrokerUsersSpec {
  homeAssistant?: { username: string } | null;
  bridges?: { site: string; stores: string[] }[];
}

/** The users of a spec with their hashes. */
export interface BrokerUsers {
  homeAssistant?: { username: string; hash: string } | null;
  bridges?: { site: string; username: string; stores: string[]; hash: string }[];
}

export const BROKER_USERS_FILE = "broker-users.json";
export const DEFAULT_HA_USERNAME = "homeassistant";

/** A user name `broker-config` writes into Mosquitto's password file and ACL (no `:`, space or wildcard). */
export const isBrokerUserName = (name: string): boolean => /^[A-Za-z0-9_.-]{1,64}$/.test(name);

/** A site bridge's user name on the central broker. */
export const bridgeUsername = (site: string) => `site-${site}`;

/** Reads `broker-users.json` in `dir` (none: an empty spec); a broken file throws, saying which. */
export function readUsersSpec(dir: string): BrokerUsersSpec {
  const path = join(dir, BROKER_USERS_FILE);
  if (!existsSync(path)) return {};
  let spec: BrokerUsersSpec;
  try {
    spec = JSON.parse(readFileSync(path, "utf8")) as BrokerUsersSpec;
  } catch (err) {
    throw new Error(`${path} is not valid JSON (${(err as Error).message}): fix it or remove it and run footfall broker-config again`, { cause: err });
  }
  for (const b of spec.bridges ?? [])
    if (!isId(b.site) || !Array.isArray(b.stores) || !b.stores.every(isId)) throw new Error(`${path}: bridge ${JSON.stringify(b)} needs a site id and store ids`);
  if (spec.homeAssistant && !isBrokerUserName(spec.homeAssistant.username)) throw new Error(`${path}: the Home Assistant user name must be letters, digits, _ . or -`);
  return spec;
}

/** User name -> hash, from an existing Mosquitto password file (none: empty). */
export function readPasswdHashes(path: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(path)) return out;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const i = line.indexOf(":");
    if (i > 0) out.set(line.slice(0, i), line.slice(i + 1));
  }
  return out;
}

/**
 * The users of `spec` with hashes: kept from `hashes` (the password file written before), else a
 * new password (returned in `passwords`, to be shown once).
 */
export function resolveUsers(spec: BrokerUsersSpec, hashes: ReadonlyMap<string, string>): { users: BrokerUsers; passwords: Record<string, string> } {
  const passwords: Record<string, string> = {};
  const hashOf = (username: string) => {
    const kept = hashes.get(username);
    if (kept) return kept;
    const password = newSecret(18);
    passwords[username] = password;
    return hashPassword(password);
  };
  const users: BrokerUsers = {
    homeAssistant: spec.homeAssistant ? { username: spec.homeAssistant.username, hash: hashOf(spec.homeAssistant.username) } : null,
    bridges: (spec.bridges ?? []).map((b) => ({ site: b.site, stores: b.stores, username: bridgeUsername(b.site), hash: hashOf(bridgeUsername(b.site)) })),
  };
  return { users, passwords };
}

/** The extra users kept beside an existing password file (for regenerations that take no options: agent changes from the API). */
export function keptUsers(passwdPath: string): BrokerUsers {
  const hashes = readPasswdHashes(passwdPath);
  const spec = readUsersSpec(dirname(passwdPath));
  // Only users whose hash is there: a password nobody would see is not made here.
  return resolveUsers(
    {
      homeAssistant: spec.homeAssistant && hashes.has(spec.homeAssistant.username) ? spec.homeAssistant : null,
      bridges: (spec.bridges ?? []).filter((b) => hashes.has(bridgeUsername(b.site))),
    },
    hashes,
  ).users;
}

/** The ACL lines of a read-only Home Assistant user: discovery configs and the state topics they point at. */
export function homeAssistantAcl(username: string, discoveryPrefix = "homeassistant"): string[] {
  return [
    `user ${username}`,
    `topic read ${discoveryPrefix}/#`,
    `topic read ${topics.occupancy("+")}`,
    `topic read ${topics.zoneOccupancy("+", "+")}`,
    `topic read ${topics.queue("+", "+")}`,
    `topic read ${topics.alert("+", "+")}`,
    `topic read ${topics.availability()}`,
    `topic read ${topics.availability()}/+`,
  ];
}

/** The central broker's ACL lines of a store site's bridge: its stores' agents' events, status and audits in, receipts and layouts out. */
export function bridgeAcl(username: string, stores: readonly string[]): string[] {
  return [
    `user ${username}`,
    ...stores.flatMap((s) => [
      `topic write ${topics.events(s, "+")}`,
      `topic write ${topics.status(s, "+")}`,
      `topic write ${topics.audits(s, "+")}`,
      `topic read ${topics.receipts(s, "+")}`,
      `topic read ${topics.layout(s)}`,
    ]),
  ];
}

/**
 * A Mosquitto password file and ACL for every known agent, plus the server's own user:
 * each agent may write only its own events, status and audits and read its store's layout and its
 * own receipts; the server reads events, status and audits, writes layouts and receipts.
 */
export async function mosquittoFiles(
  storage: { agents: Pick<Storage["agents"], "passwordEntries"> },
  server: { username: string; password: string },
  extra: BrokerUsers = {},
  o: { discoveryPrefix?: string } = {},
): Promise<{ passwd: string; acl: string }> {
  const agents = await storage.agents.passwordEntries();
  const bridges = extra.bridges ?? [];
  const ha = extra.homeAssistant ?? null;
  const passwd =
    [
      `${server.username}:${hashPassword(server.password)}`,
      ...agents.map((a) => `${a.username}:${a.hash}`),
      ...bridges.map((b) => `${b.username}:${b.hash}`),
      ...(ha ? [`${ha.username}:${ha.hash}`] : []),
    ].join("\n") + "\n";
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
    // A chain's shard sessions: their stores' availability (and its will).
    `topic write ${topics.availability()}/+`,
    `topic write ${o.discoveryPrefix ?? "homeassistant"}/#`,
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
    ...bridges.flatMap((b) => [`# the bridge of store site "${b.site}" (deploy/site/mosquitto.conf)`, ...bridgeAcl(b.username, b.stores), ""]),
    ...(ha ? ["# Home Assistant: discovery and the state topics, read only", ...homeAssistantAcl(ha.username, o.discoveryPrefix), ""] : []),
  ].join("\n");
  return { passwd, acl };
}
