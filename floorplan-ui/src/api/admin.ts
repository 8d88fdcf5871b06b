/**
 * The admin API of issue 15 (tokens, agents, audit log, digests, store settings, groups), with the
 * same bearer token and error shape as ./client.ts. Opening hours are ./alerts.ts's (one wrapper,
 * the one the hours editor uses, in Admin > Store settings and the Alerts view alike).
 */
import { jsonRequester, type Method } from "./client.js";

export interface TokenRow {
  id: string;
  role: string;
  store: string | null;
  group?: string | null;
  label: string | null;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
  state: "active" | "expired" | "revoked";
}
export interface BrokerSync {
  broker: "embedded" | "reloaded" | "handed-over" | "manual";
  message: string;
  command: string | null;
}
export interface AgentCredentials {
  agent: string;
  store: string;
  username: string;
  password: string;
  broker: BrokerSync;
}
export interface AuditEntry {
  id: number;
  ts: number;
  actor: { tokenId: string | null; role: string | null; label: string | null };
  action: string;
  target: string | null;
  store: string | null;
  details: Record<string, unknown> | null;
}
export interface DigestRow {
  id: string;
  scope: "store" | "group";
  target: string;
  frequency: "daily" | "weekly";
  recipients: string[];
  hour: number;
  createdAt: number;
  lastPeriod: string | null;
  lastSentAt: number | null;
  lastError: string | null;
  /** The digest's own time zone (null: its stores'). */
  timeZone: string | null;
  /** The period the last failed send was for, the attempts at it that failed or were interrupted, the next attempt, when the server gave up. */
  failedPeriod: string | null;
  attempts: number;
  retryAt: number | null;
  gaveUpAt: number | null;
  /** The zone the schedule follows now (null: none: see problem). */
  zone: string | null;
  problem: string | null;
  nextPeriod: string | null;
  /** When the next scheduled digest goes out (epoch ms), and the period it covers; null without a time zone to follow. */
  nextSendAt: number | null;
  nextSendPeriod: string | null;
  /** The webhook (a hook's id) it is also delivered to, or null: mail only. */
  webhook: string | null;
  /** That hook's URL (whichever store's it is), or null (none, or deleted); absent from a server before it. */
  webhookUrl?: string | null;
}
export interface DigestPreview {
  id: string;
  period: string;
  subject: string;
  recipients: string[];
  text: string;
  /** data:image/png;base64 URL of the chart the mail carries. */
  chart: string;
  mailProblem: string | null;
  /** The webhook it would be queued for, and the JSON body that hook would receive; null: none. */
  webhook: string | null;
  webhookBody: string | null;
}
/** A webhook a digest may be delivered to (GET /digests/webhooks: a store's digest, that store's; a group's, its stores'). */
export interface DigestHook {
  id: string;
  store: string;
  url: string;
  events: string[];
  enabled: boolean;
}
/** What "Send now" did on each channel: mailed, and its webhook delivery (queued now, or by an earlier attempt whose mail failed). */
export interface DigestSent {
  period: string;
  subject: string;
  recipients: string[];
  webhook: string | null;
  webhookDelivery: { id: string; queuedNow: boolean; status: string } | null;
  mailed: boolean;
}
export type DigestInput = Pick<DigestRow, "scope" | "target" | "frequency" | "recipients" | "hour"> & { timeZone?: string | null; webhook?: string | null };
export interface GroupRow {
  id: string;
  name: string;
  kind: string | null;
  stores: string[];
}
export type AdminApi = ReturnType<typeof createAdminApi>;

export function createAdminApi(token: string, base = "") {
  const send = jsonRequester(token, base);
  const request = <T>(method: Method, path: string, body?: unknown, query?: Record<string, string | number | undefined>) => send<T>(method, path, { body, query });
  const store = (id: string) => `/stores/${encodeURIComponent(id)}`;
  return {
    tokens: () => request<{ tokens: TokenRow[] }>("GET", "/tokens").then((r) => r.tokens),
    createToken: (input: { role: string; store?: string; group?: string; label?: string; expires?: string }) => request<TokenRow & { token: string }>("POST", "/tokens", input),
    revokeToken: (id: string) => request<TokenRow>("DELETE", `/tokens/${encodeURIComponent(id)}`),
    /** A new label for a token (null: none). */
    relabelToken: (id: string, label: string | null) => request<TokenRow>("PATCH", `/tokens/${encodeURIComponent(id)}`, { label }),
    addAgent: (s: string, agent: string, kind: string) => request<AgentCredentials>("POST", `${store(s)}/agents`, { agent, kind }),
    rotateAgent: (s: string, agent: string) => request<AgentCredentials>("POST", `${store(s)}/agents/${encodeURIComponent(agent)}/rotate`),
    revokeAgent: (s: string, agent: string) => request<{ agent: string; revokedAt: number; broker: BrokerSync }>("DELETE", `${store(s)}/agents/${encodeURIComponent(agent)}`),
    audit: (q: { action?: string; before?: number; limit?: number; store?: string }) => request<{ entries: AuditEntry[]; next: number | null }>("GET", "/audit", undefined, q),
    /** The digests, and why none goes out now (no mail server), if so. */
    digests: () => request<{ digests: DigestRow[]; mailProblem: string | null }>("GET", "/digests"),
    createDigest: (d: DigestInput) => request<DigestRow>("POST", "/digests", d),
    deleteDigest: (id: string) => request<{ deleted: string }>("DELETE", `/digests/${encodeURIComponent(id)}`),
    updateDigest: (id: string, d: DigestInput) => request<DigestRow>("PUT", `/digests/${encodeURIComponent(id)}`, d),
    /** Sends the last finished period now, or `period` (a failed one, again). */
    sendDigest: (id: string, period?: string) => request<DigestSent>("POST", `/digests/${encodeURIComponent(id)}/send`, period ? { period } : undefined),
    /** The webhooks a digest of this store or group may go to (a store's digest: its hooks; a group's: its stores'). */
    digestWebhooks: (scope: "store" | "group", target: string) => request<{ webhooks: DigestHook[] }>("GET", "/digests/webhooks", undefined, { scope, target }).then((r) => r.webhooks),
    /** What send now would mail (or of `period`), built but not sent; `mailProblem` says why it would not go out (no mail server). */
    previewDigest: (id: string, period?: string) => request<DigestPreview>("GET", `/digests/${encodeURIComponent(id)}/preview`, undefined, { period }),
    groups: () => request<{ groups: GroupRow[] }>("GET", "/groups").then((r) => r.groups),
    createGroup: (g: { id: string; name: string; stores: string[] }) => request<GroupRow>("POST", "/groups", g),
    storeGroups: (s: string) => request<{ groups: string[] }>("GET", `${store(s)}/groups`).then((r) => r.groups),
    setStoreGroups: (s: string, groups: string[]) => request<{ groups: string[] }>("PUT", `${store(s)}/groups`, { groups }),
  };
}
