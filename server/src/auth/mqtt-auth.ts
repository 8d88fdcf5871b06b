/**
 * MQTT logins for the embedded broker, cheap for honest agents and useless to hammer:
 * - PBKDF2 runs on libuv's thread pool (never on the event loop), on at most all cores but one at
 *   a time, so that a storm of first logins (every agent after a server restart) leaves a core to
 *   the event loop;
 * - a verified password is remembered (as an HMAC under a key of this process, never in clear)
 *   together with the stored hash it matched, so a reconnect storm of hundreds of agents costs
 *   one hash lookup each, and a changed password (a new stored hash) is checked again;
 * - failed attempts per user name are counted, and over the limit a login is refused at once,
 *   without running the KDF, until the window has passed; a password remembered as good still
 *   passes, so a flood of wrong guesses cannot lock the real agent out;
 * - an MQTT client id belongs to its agent: `${store}-${agent}` (how agents connect) is refused to
 *   any other agent.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { availableParallelism } from "node:os";
import type { AgentIdentity, AgentSecret } from "../storage/types.js";
import type { Logger } from "../log.js";
import { rateLimitedWarn } from "../log.js";
import { verifyPasswordAsync } from "./secrets.js";

/** Where agents are looked up (the storage's `agents`, or a test's table). */
export interface AgentLookup {
  credentials(username: string): Promise<AgentSecret | undefined> | AgentSecret | undefined;
  ownersOfClientId(clientId: string): Promise<AgentIdentity[]> | AgentIdentity[];
}

/** CONNACK return codes of MQTT 3.1.1 used here. */
export const CONNACK = { identifierRejected: 2, serverUnavailable: 3, badCredentials: 4 } as const;

export type LoginOutcome =
  | { ok: true; who: AgentIdentity; cached: boolean; /** The stored hash the password matched: a connection made with it ends when it changes (revoked, a new password). */ hash?: string }
  | {
      ok: false;
      returnCode: (typeof CONNACK)[keyof typeof CONNACK];
      /** unavailable: the login could not be checked (the database does not answer); refused with "server unavailable", so the agent retries. */
      reason: "bad_credentials" | "rate_limited" | "client_id" | "unavailable";
      message: string;
    };

export interface MqttAuthOptions {
  log: Logger;
  now?: () => number;
  /** Failed attempts per user name within `windowMs` before logins are refused without a check. */
  maxFailures?: number;
  windowMs?: number;
  /** How long a verified password is remembered. */
  cacheTtlMs?: number;
  /** The password check (tests count its calls). */
  verify?: (password: string, stored: string) => Promise<boolean>;
  /** Password checks running at once (default: the cores but one, at least 1). */
  maxConcurrentChecks?: number;
}

export class MqttAuthenticator {
  private readonly key = randomBytes(32);
  private readonly verified = new Map<string, { hash: string; digest: Buffer; at: number }>();
  private readonly attempts = new Map<string, { start: number; failures: number; pending: number; refused: number }>();
  private readonly warn;
  private readonly now: () => number;
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly cacheTtlMs: number;
  private readonly verify: (password: string, stored: string) => Promise<boolean>;

  constructor(
    private readonly agents: AgentLookup,
    o: MqttAuthOptions,
  ) {
    this.warn = rateLimitedWarn(o.log);
    this.now = o.now ?? Date.now;
    this.maxFailures = o.maxFailures ?? 10;
    this.windowMs = o.windowMs ?? 60_000;
    this.cacheTtlMs = o.cacheTtlMs ?? 15 * 60_000;
    const verify = o.verify ?? verifyPasswordAsync;
    const slots = o.maxConcurrentChecks ?? Math.max(1, availableParallelism() - 1);
    let running = 0;
    const waiting: (() => void)[] = [];
    this.verify = async (password, stored) => {
      // A freed slot passes straight to the next waiter, so `running` never exceeds `slots`.
      if (running >= slots) await new Promise<void>((resolve) => waiting.push(resolve));
      else running++;
      try {
        return await verify(password, stored);
      } finally {
        const next = waiting.shift();
        if (next) next();
        else running--;
      }
    };
  }

  /** Checks a login and the client id it comes with. Never throws (a failing check refuses with "server unavailable"). */
  async login(username: string, password: string, clientId: string): Promise<LoginOutcome> {
    try {
      const outcome = await this.check(username, password);
      if (!outcome.ok) return outcome;
      // Its own id (how agents connect) needs no look-up; any other may belong to another agent.
      const owners = clientId === `${outcome.who.store}-${outcome.who.agent}` ? [] : await this.agents.ownersOfClientId(clientId);
      if (owners.length > 0 && !owners.some((a) => a.store === outcome.who.store && a.agent === outcome.who.agent)) {
        const owner = owners[0]!;
        return {
          ok: false,
          returnCode: CONNACK.identifierRejected,
          reason: "client_id",
          message: `client id "${clientId}" belongs to agent ${owner.store}/${owner.agent}; agent ${outcome.who.store}/${outcome.who.agent} must connect as "${outcome.who.store}-${outcome.who.agent}"`,
        };
      }
      return outcome;
    } catch (err) {
      return { ok: false, returnCode: CONNACK.serverUnavailable, reason: "unavailable", message: `login check failed: ${(err as Error).message}` };
    }
  }

  private async check(username: string, password: string): Promise<LoginOutcome> {
    const bad = (message: string): LoginOutcome => ({ ok: false, returnCode: CONNACK.badCredentials, reason: "bad_credentials", message });
    const row = await this.agents.credentials(username);
    if (!row) return bad("unknown agent (create one with `footfall agent add`)");
    const who = { store: row.store, agent: row.agent, kind: row.kind };
    const digest = createHmac("sha256", this.key).update(password).digest();
    const t = this.now();
    const known = this.verified.get(username);
    if (known && known.hash === row.hash && t - known.at < this.cacheTtlMs && timingSafeEqual(known.digest, digest)) return { ok: true, who, cached: true, hash: row.hash };

    // Attempts still being checked count too: a burst of 300 guesses at once runs at most `maxFailures` checks.
    let f = this.attempts.get(username);
    if (f && t - f.start >= this.windowMs && f.pending === 0) f = undefined;
    if (!f) this.attempts.set(username, (f = { start: t, failures: 0, pending: 0, refused: 0 }));
    if (f.failures + f.pending >= this.maxFailures) {
      const n = ++f.refused;
      this.warn(`mqtt-login/${username}`, { username, failures: f.failures, refused: n }, `MQTT login refused without checking the password: too many failed attempts for "${username}" in the last ${Math.round(this.windowMs / 1000)} s`);
      return { ok: false, returnCode: CONNACK.badCredentials, reason: "rate_limited", message: `too many failed attempts for "${username}"; try again in ${Math.max(1, Math.ceil((f.start + this.windowMs - t) / 1000))} s` };
    }
    f.pending++;
    let good: boolean;
    try {
      good = await this.verify(password, row.hash);
    } finally {
      f.pending--;
    }
    if (good) {
      this.verified.set(username, { hash: row.hash, digest, at: this.now() });
      if (f.failures === 0 && f.pending === 0) this.attempts.delete(username);
      return { ok: true, who, cached: false, hash: row.hash };
    }
    f.failures++;
    return bad("wrong password");
  }
}
