/**
 * Accuracy audits (issue 18): each agent's latest audit and the store's history, and door-counter
 * audits entered here. The types are the server's TypeBox schemas (server/src/audits/schemas.ts),
 * imported as types only.
 */
import type { Static } from "@sinclair/typebox";
import type { AuditsBody, ManualAuditInput, StoredAuditBody } from "../../../server/src/audits/schemas.js";
import { ApiError } from "./client.js";

export type AuditsReport = Static<typeof AuditsBody>;
export type AgentAudit = AuditsReport["agents"][number];
export type StoredAudit = Static<typeof StoredAuditBody>;
export type ManualAudit = Static<typeof ManualAuditInput>;

export function createAuditsApi(token: string, base = "") {
  async function request<T>(method: "GET" | "POST", path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${base}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      if ((err as Error).name === "AbortError") throw err;
      throw new ApiError(0, "The server cannot be reached. Check the connection and try again.");
    }
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    if (!res.ok) {
      const e = (json ?? {}) as { message?: string; error?: string };
      throw new ApiError(res.status, e.message || e.error || `${res.status} ${res.statusText}`, e.error ?? "");
    }
    return json as T;
  }
  const store = (id: string) => `/stores/${encodeURIComponent(id)}`;
  return {
    audits: (s: string, signal?: AbortSignal) => request<AuditsReport>("GET", `${store(s)}/audits`, undefined, signal),
    auditDoor: (s: string, agent: string, input: ManualAudit) => request<StoredAudit>("POST", `${store(s)}/agents/${encodeURIComponent(agent)}/audits`, input),
  };
}
