/**
 * Checkout queues of a store (server: server/src/routes/queues.ts): live figures for the tablet and
 * the waits report by weekday and hour, with its CSV. Shapes are the server's TypeBox schemas.
 */
import type { LiveQueuesResponse, QueuesResponse } from "../../../server/src/routes/schemas.js";
import { ApiError, type RangeQuery } from "./client.js";

export type { LiveQueuesResponse, QueuesResponse };
export type LiveQueueRow = LiveQueuesResponse["queues"][number];
export type QueueReportRow = QueuesResponse["queues"][number];

export function queuesApi(token: string, base = "") {
  async function get(path: string, signal?: AbortSignal): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${base}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` }, ...(signal ? { signal } : {}) });
    } catch (err) {
      if ((err as Error).name === "AbortError") throw err;
      throw new ApiError(0, "The server cannot be reached. Check the connection and try again.");
    }
    if (!res.ok) {
      let e: { message?: string; error?: string } = {};
      try {
        e = (await res.json()) as typeof e;
      } catch {
        /* not JSON */
      }
      throw new ApiError(res.status, e.message || e.error || `${res.status} ${res.statusText}`, e.error ?? "");
    }
    return res;
  }
  const s = (id: string) => `/stores/${encodeURIComponent(id)}`;
  return {
    live: async (store: string, signal?: AbortSignal) => (await (await get(`${s(store)}/queues/live`, signal)).json()) as LiveQueuesResponse,
    report: async (store: string, r: RangeQuery, signal?: AbortSignal) => (await (await get(`${s(store)}/queues?from=${r.from}&to=${r.to}`, signal)).json()) as QueuesResponse,
    csv: async (store: string, r: RangeQuery) => (await get(`${s(store)}/queues.csv?from=${r.from}&to=${r.to}`)).text(),
  };
}
