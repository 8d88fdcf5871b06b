import { newSecret, tokenHash } from "../../auth/secrets.js";
import { ROLES, type Principal, type Role, type TokenCheck, type TokenInfo, type TokenOptions } from "../../storage/types.js";
import type { Db } from "../database.js";

export { isRole, roleAllows } from "../../auth/roles.js";
export { ROLES };
export type { Principal, Role, TokenCheck, TokenInfo };

/** `last_used_at` is written at most this often per token (a write per request would be wasteful). */
const TOUCH_EVERY_MS = 60_000;
/** Public ids are this many hex digits of the token's SHA-256 (48 bits: collisions are not a concern). */
const ID_LENGTH = 12;

interface Row {
  id: string;
  role: Role;
  store: string | null;
  store_group: string | null;
  label: string | null;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
}
const info = (r: Row): TokenInfo => ({
  id: r.id,
  role: r.role,
  store: r.store,
  group: r.store_group,
  label: r.label,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
  lastUsedAt: r.last_used_at,
});

/**
 * API bearer tokens: only their SHA-256 is stored, with a public id (the hash's first 12 hex
 * digits), an optional expiry and a revocation time. A revoked or expired token is refused at
 * once; listeners (the live hub) hear of revocations made in this process.
 */
export class TokensRepo {
  private readonly q;
  private readonly touched = new Map<string, number>();
  private readonly revokeListeners: ((id: string) => void)[] = [];
  constructor(db: Db) {
    this.q = {
      insert: db.prepare(
        "INSERT INTO tokens (id, hash, role, store, store_group, label, created_at, expires_at) VALUES (@id, @hash, @role, @store, @group, @label, @createdAt, @expiresAt)",
      ),
      byHash: db.prepare<[string], Row>("SELECT * FROM tokens WHERE hash = ?"),
      byId: db.prepare<[string], Row>("SELECT * FROM tokens WHERE id = ?"),
      list: db.prepare<[], Row>("SELECT * FROM tokens ORDER BY created_at, id"),
      revoke: db.prepare<[number, string]>("UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL"),
      touch: db.prepare<[number, string]>("UPDATE tokens SET last_used_at = ? WHERE id = ?"),
      relabel: db.prepare<[string | null, string]>("UPDATE tokens SET label = ? WHERE id = ?"),
    };
  }

  /** Create a token; the plain token is returned once and never stored. */
  create(role: Role, store: string | null, now: number, opts: TokenOptions = {}): { token: string; info: TokenInfo } {
    const token = `ff_${newSecret(24)}`;
    const hash = tokenHash(token);
    const group = store === null ? (opts.group ?? null) : null;
    const row = { id: hash.slice(0, ID_LENGTH), hash, role, store, group, label: opts.label ?? null, createdAt: now, expiresAt: opts.expiresAt ?? null };
    this.q.insert.run(row);
    return { token, info: info(this.q.byId.get(row.id)!) };
  }

  /** Create a token and return it (the short form of {@link create}). */
  add(role: Role, store: string | null, now: number, label: string | null = null, expiresAt: number | null = null): string {
    return this.create(role, store, now, { label, expiresAt }).token;
  }

  /** Who a token is, or why it is refused. Notes its use (at most once a minute). */
  check(token: string, now: number): TokenCheck {
    const c = this.inspect(token, now);
    if (c.ok) this.touch(c.principal.tokenId, now);
    return c;
  }

  /** Like {@link check}, without noting the use (a read only). */
  inspect(token: string, now: number): TokenCheck {
    const r = this.q.byHash.get(tokenHash(token));
    if (!r) return { ok: false, why: "unknown" };
    const problem = refusal(r, now);
    if (problem) return problem;
    return { ok: true, principal: { role: r.role, store: r.store, group: r.store_group, tokenId: r.id } };
  }

  /** Whether {@link touch} would write now (the use was not noted in the last minute). */
  wantsTouch(id: string, now: number): boolean {
    const last = this.touched.get(id);
    return !(last !== undefined && now - last < TOUCH_EVERY_MS && now >= last);
  }

  /** The principal of a valid token, or undefined. */
  verify(token: string, now: number = Date.now()): Principal | undefined {
    const c = this.check(token, now);
    return c.ok ? c.principal : undefined;
  }

  /** Whether the token with this id is still valid at `now` (known, not revoked, not expired). */
  isValid(id: string, now: number): boolean {
    const r = this.q.byId.get(id);
    return r !== undefined && refusal(r, now) === null;
  }

  get(id: string): TokenInfo | undefined {
    const r = this.q.byId.get(id);
    return r && info(r);
  }

  /** Every token, oldest first, revoked and expired ones included (they show as such). */
  list(): TokenInfo[] {
    return this.q.list.all().map(info);
  }

  /**
   * Revoke a token by its id (or by the token itself, hashed here). Returns the token as revoked,
   * or undefined when there is no such token. Revoking twice keeps the first time.
   */
  revoke(idOrToken: string, now: number): TokenInfo | undefined {
    const id = idOrToken.startsWith("ff_") ? tokenHash(idOrToken).slice(0, ID_LENGTH) : idOrToken;
    if (!this.q.byId.get(id)) return undefined;
    this.q.revoke.run(now, id);
    for (const l of this.revokeListeners) l(id);
    return this.get(id);
  }

  /** A new label for the token `id` (null: none); the token as changed, or undefined when unknown. */
  relabel(id: string, label: string | null): TokenInfo | undefined {
    if (!this.q.byId.get(id)) return undefined;
    this.q.relabel.run(label, id);
    return this.get(id);
  }

  /** Called with a token's id when it is revoked in this process. */
  onRevoked(listener: (id: string) => void): void {
    this.revokeListeners.push(listener);
  }

  /** Note a use of the token `id` (written at most once a minute; a failure to write is ignored). */
  touch(id: string, now: number): void {
    if (!this.wantsTouch(id, now)) return;
    this.touched.set(id, now);
    try {
      this.q.touch.run(now, id);
    } catch {
      // "last used" is a courtesy: a busy or full database must not refuse the request.
    }
  }
}

function refusal(r: Row, now: number): (TokenCheck & { ok: false }) | null {
  if (r.revoked_at !== null) return { ok: false, why: "revoked", at: r.revoked_at };
  if (r.expires_at !== null && now >= r.expires_at) return { ok: false, why: "expired", at: r.expires_at };
  return null;
}
