import { storedWithStatus, type AgentKind, type AgentStatus } from "@footfall/core";
import { hashPassword, newSecret, verifyPassword, verifyPasswordAsync } from "../../auth/secrets.js";
import type { AgentCredentials, AgentIdentity, AgentPasswordEntry, AgentRow, AgentSecret, IngestTally, ZoneAgentRow } from "../../storage/types.js";
import type { Db } from "../database.js";
import { forgetUnusedStoreSql } from "../../storage/unused-store.js";

export type { AgentCredentials, AgentIdentity, AgentRow, IngestTally };

/** The MQTT user name of an agent: ids never hold a dot, so this is unique and reversible. */
export const agentUsername = (store: string, agent: string) => `${store}.${agent}`;

/** Agents: credentials (hashed), last status and ingest counters. */
/** The columns of an {@link AgentRow}, as listed. */
const AGENT_ROW = `store, agent, kind, username, state, version, status_ts AS statusTs, last_event_ts AS lastEventTs,
  last_received_at AS lastReceivedAt, events, duplicates, rejects, revoked_at AS revokedAt, status_metrics AS statusMetrics,
  clock_samples AS clockSamples`;

export class AgentsRepo {
  private readonly q;
  constructor(db: Db) {
    this.q = {
      upsert: db.prepare(
        `INSERT INTO agents (store, agent, kind, username, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(store, agent) DO UPDATE SET kind = excluded.kind, password_hash = excluded.password_hash, revoked_at = NULL`,
      ),
      byUsername: db.prepare<[string], AgentSecret>("SELECT store, agent, kind, password_hash AS hash FROM agents WHERE username = ? AND revoked_at IS NULL"),
      get: db.prepare<[string, string], AgentIdentity>("SELECT store, agent, kind FROM agents WHERE store = ? AND agent = ?"),
      ofStore: db.prepare<[string], AgentIdentity>("SELECT store, agent, kind FROM agents WHERE store = ? ORDER BY agent"),
      byClientId: db.prepare<[string], AgentIdentity>("SELECT store, agent, kind FROM agents WHERE store || '-' || agent = ? AND revoked_at IS NULL"),
      list: db.prepare<[string], AgentRow>(`SELECT ${AGENT_ROW} FROM agents WHERE store = ? ORDER BY agent`),
      all: db.prepare<[], AgentRow>(`SELECT ${AGENT_ROW} FROM agents ORDER BY store, agent`),
      hashes: db.prepare<[], AgentPasswordEntry>(
        "SELECT username, password_hash AS hash, store, agent FROM agents WHERE revoked_at IS NULL ORDER BY username",
      ),
      revoke: db.prepare("UPDATE agents SET revoked_at = coalesce(revoked_at, ?), password_hash = '!' WHERE store = ? AND agent = ?"),
      forget: db.prepare<[{ store: string }]>(forgetUnusedStoreSql("@store")),
      status: db.prepare("UPDATE agents SET state = ?, version = ?, status_ts = ?, status_metrics = ? WHERE store = ? AND agent = ?"),
      clockSamples: db.prepare<[string, string], { samples: string | null }>("SELECT clock_samples AS samples FROM agents WHERE store = ? AND agent = ?"),
      setClockSamples: db.prepare("UPDATE agents SET clock_samples = ? WHERE store = ? AND agent = ?"),
      tally: db.prepare(
        `UPDATE agents SET events = events + ?, duplicates = duplicates + ?, rejects = rejects + ?,
           last_event_ts = nullif(max(coalesce(last_event_ts, 0), coalesce(?, 0)), 0), last_received_at = ? WHERE store = ? AND agent = ?`,
      ),
      zone: db.prepare(
        `INSERT INTO agent_zones (store, zone, agent, last_event_ts, last_received_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (store, zone, agent) DO UPDATE SET last_event_ts = max(last_event_ts, excluded.last_event_ts), last_received_at = excluded.last_received_at`,
      ),
      zoneAgents: db.prepare("SELECT agent, last_event_ts AS lastEventTs, last_received_at AS lastReceivedAt FROM agent_zones WHERE store = ? AND zone = ? ORDER BY agent"),
    };
  }

  /** Create an agent (or give an existing one a new password); the password is returned once. */
  add(store: string, agent: string, kind: AgentKind, now: number): AgentCredentials {
    const password = newSecret(18);
    const username = agentUsername(store, agent);
    this.q.upsert.run(store, agent, kind, username, hashPassword(password), now);
    return { agent, store, username, password };
  }
  authenticate(username: string, password: string): AgentIdentity | undefined {
    const row = this.q.byUsername.get(username);
    if (!row || !verifyPassword(password, row.hash)) return undefined;
    return { store: row.store, agent: row.agent, kind: row.kind };
  }
  /** The agent and its stored password hash, by MQTT user name (for a caller that caches verified credentials). */
  credentials(username: string): AgentSecret | undefined {
    return this.q.byUsername.get(username);
  }
  /** Like {@link authenticate}, with PBKDF2 off the event loop. */
  async authenticateAsync(username: string, password: string): Promise<AgentIdentity | undefined> {
    const row = this.q.byUsername.get(username);
    if (!row || !(await verifyPasswordAsync(password, row.hash))) return undefined;
    return { store: row.store, agent: row.agent, kind: row.kind };
  }
  /** Agents whose own MQTT client id (`${store}-${agent}`, as agents connect) is `clientId`. */
  ownersOfClientId(clientId: string): AgentIdentity[] {
    return this.q.byClientId.all(clientId);
  }
  get(store: string, agent: string): AgentIdentity | undefined {
    return this.q.get.get(store, agent);
  }
  ofStores(stores: readonly string[]): AgentIdentity[] {
    return [...new Set(stores)].flatMap((store) => this.q.ofStore.all(store));
  }
  list(store: string): AgentRow[] {
    return this.q.list.all(store);
  }
  /** Every agent of every store, by store then agent. */
  listAll(): AgentRow[] {
    return this.q.all.all();
  }
  /** User names with their hashes, for a Mosquitto password file. */
  passwordEntries(): AgentPasswordEntry[] {
    return this.q.hashes.all();
  }
  /** Revoke: the password no longer works, the agent leaves the broker files; false when unknown. */
  revoke(store: string, agent: string, now: number): boolean {
    return this.q.revoke.run(now, store, agent).changes > 0;
  }
  /** Forget a store that never was more than its revoked, never-heard agents' name (storage/types.ts AgentsStore.forgetUnusedStore). */
  forgetUnusedStore(store: string): boolean {
    return this.q.forget.run({ store }).changes > 0;
  }
  /** The status; with `receivedAt` (a live online status), a clock sample too. */
  recordStatus(store: string, agent: string, status: AgentStatus, receivedAt?: number): void {
    const { state, version, ts, kind: _kind, ...metrics } = status;
    this.q.status.run(state, version, ts, JSON.stringify(metrics), store, agent);
    if (receivedAt === undefined) return;
    const row = this.q.clockSamples.get(store, agent);
    if (!row) return;
    this.q.setClockSamples.run(storedWithStatus(row.samples, ts, receivedAt), store, agent);
  }
  recordIngest(store: string, agent: string, t: IngestTally & { zones?: ReadonlyMap<string, number> }): void {
    this.q.tally.run(t.events, t.duplicates, t.rejects, t.lastEventTs, t.receivedAt, store, agent);
    if (t.zones) for (const [zone, ts] of t.zones) this.q.zone.run(store, zone, agent, ts, t.receivedAt);
  }
  /** (issue 14) The agents whose events named the zone. */
  zoneAgents(store: string, zone: string): ZoneAgentRow[] {
    return this.q.zoneAgents.all(store, zone) as ZoneAgentRow[];
  }
}
