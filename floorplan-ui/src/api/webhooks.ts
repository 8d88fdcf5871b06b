/** The webhooks API (issue 14.4), with the same bearer token and error shape as ./client.ts. */
import { ApiError } from "./client.js";

export interface Webhook {
  id: string;
  store: string;
  url: string;
  events: string[];
  enabled: boolean;
  disabledReason: string | null;
  createdAt: number;
  consecutiveFailures: number;
  failingSince: number | null;
}
export interface WebhookDelivery {
  deliveryId: string;
  type: string;
  status: "pending" | "delivered" | "given_up";
  attempts: number;
  createdAt: number;
  nextAttemptAt: number | null;
  finishedAt: number | null;
  lastError: string | null;
  responseStatus: number | null;
  payload: string;
}

export function createWebhooksApi(token: string, base = "") {
  async function request<T>(method: "GET" | "POST" | "PATCH" | "DELETE", path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${base}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
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
  const hooks = (store: string) => `/stores/${encodeURIComponent(store)}/webhooks`;
  return {
    list: (store: string) => request<{ webhooks: Webhook[] }>("GET", hooks(store)).then((r) => r.webhooks),
    create: (store: string, url: string, events: string[]) => request<{ webhook: Webhook; secret: string }>("POST", hooks(store), { url, events }),
    update: (store: string, id: string, change: { url?: string; events?: string[]; enabled?: boolean }) => request<Webhook>("PATCH", `${hooks(store)}/${id}`, change),
    remove: (store: string, id: string) => request<null>("DELETE", `${hooks(store)}/${id}`),
    deliveries: (store: string, id: string) => request<{ webhook: Webhook; deliveries: WebhookDelivery[] }>("GET", `${hooks(store)}/${id}/deliveries?limit=50`),
    test: (store: string, id: string) => request<WebhookDelivery>("POST", `${hooks(store)}/${id}/test`),
  };
}
