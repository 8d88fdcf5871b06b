/** The webhooks API (issue 14.4), with the same bearer token and error shape as ./client.ts. */
import { jsonRequester, type Method } from "./client.js";

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
  const send = jsonRequester(token, base);
  const request = <T>(method: Method, path: string, body?: unknown) => send<T>(method, path, { body });
  const hooks = (store: string) => `/stores/${encodeURIComponent(store)}/webhooks`;
  return {
    list: (store: string) => request<{ webhooks: Webhook[] }>("GET", hooks(store)).then((r) => r.webhooks),
    create: (store: string, url: string, events: string[]) => request<{ webhook: Webhook; secret: string }>("POST", hooks(store), { url, events }),
    update: (store: string, id: string, change: { url?: string; events?: string[]; enabled?: boolean }) => request<Webhook>("PATCH", `${hooks(store)}/${id}`, change),
    remove: (store: string, id: string) => request<null>("DELETE", `${hooks(store)}/${id}`),
    /** A page of the log, newest first; `before`: the previous page's nextBefore (null on the oldest page). */
    deliveries: (store: string, id: string, before?: number) =>
      request<{ webhook: Webhook; deliveries: WebhookDelivery[]; nextBefore: number | null }>("GET", `${hooks(store)}/${id}/deliveries?limit=50${before ? `&before=${before}` : ""}`),
    test: (store: string, id: string) => request<WebhookDelivery>("POST", `${hooks(store)}/${id}/test`),
  };
}
