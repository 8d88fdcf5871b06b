import { newSecret, tokenHash } from "../../auth/secrets.js";
import type { Db } from "../database.js";

export const ROLES = ["viewer", "staff", "admin"] as const;
export type Role = (typeof ROLES)[number];
export interface Principal {
  role: Role;
  /** Limited to this store, or null for every store. */
  store: string | null;
}

/** API bearer tokens: only their SHA-256 is stored. */
export class TokensRepo {
  private readonly q;
  constructor(db: Db) {
    this.q = {
      insert: db.prepare("INSERT INTO tokens (hash, role, store, label, created_at) VALUES (?, ?, ?, ?, ?)"),
      get: db.prepare<[string], Principal>("SELECT role, store FROM tokens WHERE hash = ?"),
    };
  }
  /** Create a token; the plain token is returned once and never stored. */
  add(role: Role, store: string | null, now: number, label: string | null = null): string {
    const token = `ff_${newSecret(24)}`;
    this.q.insert.run(tokenHash(token), role, store, label, now);
    return token;
  }
  verify(token: string): Principal | undefined {
    return this.q.get.get(tokenHash(token));
  }
}

/** admin implies staff implies nothing else; viewer and staff are separate grants that admin both holds. */
export function roleAllows(role: Role, needed: Role | readonly Role[]): boolean {
  if (role === "admin") return true;
  return typeof needed === "string" ? role === needed : needed.includes(role);
}
