/**
 * Accuracy audits (issue 18): each agent's latest audit and the store's history, and door-counter
 * audits entered here. The types are the server's TypeBox schemas (server/src/audits/schemas.ts),
 * imported as types only.
 */
import type { Static } from "@sinclair/typebox";
import type { AuditsBody, ManualAuditInput, StoredAuditBody } from "../../../server/src/audits/schemas.js";
import { jsonRequester, type Method } from "./client.js";

export type AuditsReport = Static<typeof AuditsBody>;
export type AgentAudit = AuditsReport["agents"][number];
export type StoredAudit = Static<typeof StoredAuditBody>;
export type ManualAudit = Static<typeof ManualAuditInput>;

export function createAuditsApi(token: string, base = "") {
  const send = jsonRequester(token, base);
  const request = <T>(method: Method, path: string, body?: unknown, signal?: AbortSignal) => send<T>(method, path, { body, signal });
  const store = (id: string) => `/stores/${encodeURIComponent(id)}`;
  return {
    audits: (s: string, signal?: AbortSignal) => request<AuditsReport>("GET", `${store(s)}/audits`, undefined, signal),
    auditDoor: (s: string, agent: string, input: ManualAudit) => request<StoredAudit>("POST", `${store(s)}/agents/${encodeURIComponent(agent)}/audits`, input),
  };
}
