/**
 * The audit log's one entry point for routes: `await audit(req, "token.create", id, {role})`
 * after an admin action succeeded. Who did it comes from the request's token (id, role and
 * label); the store from `:store` in the URL unless given. Never put a secret in `details`.
 *
 * A failed write is logged (error) and counted, never thrown: the action it records is done.
 */
import type { FastifyRequest } from "fastify";
import type { AuditActor, AuditEntry, AuditQuery, Storage } from "../storage/types.js";

/** Audit entries that could not be written (since start). */
export const auditFailures = { count: 0 };

/** The actor of a request: its token, with the token's label (null fields for an anonymous request). */
export async function actorOf(storage: Storage, req: FastifyRequest): Promise<AuditActor> {
  const p = req.principal;
  if (!p) return { tokenId: null, role: null, label: null };
  const info = await storage.tokens.get(p.tokenId).catch(() => undefined);
  return { tokenId: p.tokenId, role: p.role, label: info?.label ?? null };
}

export async function audit(req: FastifyRequest, action: string, target: string | null, details: Record<string, unknown> | null = null, opts: { store?: string | null } = {}): Promise<void> {
  const { storage, services } = req.server;
  const param = (req.params as { store?: unknown } | undefined)?.store;
  const store = opts.store !== undefined ? opts.store : typeof param === "string" ? param : (req.principal?.store ?? null);
  try {
    await storage.audit.append({ ts: services.now(), actor: await actorOf(storage, req), action, target, store, details });
  } catch (err) {
    auditFailures.count++;
    req.log.error({ err, action, target }, "audit log: the entry could not be written");
  }
}

/** An entry written by the server itself or the command line (no token). */
export async function auditSystem(storage: Storage, now: number, action: string, target: string | null, details: Record<string, unknown> | null, store: string | null, who = "cli"): Promise<void> {
  await storage.audit.append({ ts: now, actor: { tokenId: null, role: null, label: who }, action, target, store, details });
}

/** One page of the log as GET /api/v1/audit and `footfall audit list` answer it: newest first, and `next`, the `before` of the next page (null: none). */
export async function auditPage(storage: Storage, q: AuditQuery): Promise<{ entries: AuditEntry[]; next: number | null }> {
  const entries = await storage.audit.list(q);
  return { entries, next: entries.length === q.limit ? entries.at(-1)!.id : null };
}
