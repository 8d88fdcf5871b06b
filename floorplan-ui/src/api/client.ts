/**
 * The HTTP API of DESIGN.md (`/api/v1`, same origin, bearer token). Errors come back as
 * `ApiError` carrying Fastify's `{statusCode, error, message}` so views can say what went wrong.
 */
import type { Bucket, Layout, LayoutInput, Occupancy, PathReport, TrafficBucket, ZoneDwell } from "@footfall/core";
import { isRole, type Me } from "../model/auth.js";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly error = "",
  ) {
    super(message);
    this.name = "ApiError";
  }
  /** 401: the token is wrong, expired or revoked. */
  get unauthorized(): boolean {
    return this.status === 401;
  }
}

export interface StoreInfo {
  id: string;
  name: string;
}
export interface AgentInfo {
  agent: string;
  kind: string;
  state: "online" | "offline" | string;
  version: string | null;
  lastStatusTs: number | null;
  lastEventTs: number | null;
  lagMs: number | null;
  events: number;
  /** Events ignored as repeats of an accepted id (when the server reports it). */
  duplicates?: number;
  rejects: number;
  store?: string;
}
export interface RangeQuery {
  from: number;
  to: number;
}

export type Api = ReturnType<typeof createApi>;

export function createApi(token: string, base = "", fetcher: typeof fetch = (...args) => fetch(...args)) {
  async function request<T>(method: "GET" | "PUT", path: string, query?: Record<string, string | number | undefined>, body?: unknown, signal?: AbortSignal): Promise<T> {
    const qs = query ? new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)])).toString() : "";
    let res: Response;
    try {
      res = await fetcher(`${base}/api/v1${path}${qs ? `?${qs}` : ""}`, {
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
      /* not JSON: fall through to the status */
    }
    if (!res.ok) {
      const e = (json ?? {}) as { message?: string; error?: string };
      throw new ApiError(res.status, e.message || e.error || `${res.status} ${res.statusText}`, e.error ?? "");
    }
    return json as T;
  }
  const store = (id: string) => `/stores/${encodeURIComponent(id)}`;
  return {
    token,
    async me(): Promise<Me> {
      const me = await request<{ role: unknown; store?: string | null }>("GET", "/me");
      if (!isRole(me.role)) throw new ApiError(500, `The server answered with an unknown role "${String(me.role)}".`);
      return { role: me.role, store: me.store ?? null };
    },
    stores: (signal?: AbortSignal) => request<{ stores: StoreInfo[] }>("GET", "/stores", undefined, undefined, signal).then((r) => r.stores),
    layout: (id: string, at?: number, signal?: AbortSignal) => request<Layout>("GET", `${store(id)}/layout`, { at }, undefined, signal),
    layouts: (id: string, signal?: AbortSignal) => request<{ layouts: { version: number; validFrom: number }[] }>("GET", `${store(id)}/layouts`, undefined, undefined, signal).then((r) => r.layouts),
    saveLayout: (id: string, input: LayoutInput) => request<Layout>("PUT", `${store(id)}/layout`, undefined, input),
    occupancy: (id: string, signal?: AbortSignal) => request<Occupancy>("GET", `${store(id)}/occupancy`, undefined, undefined, signal),
    dwell: (id: string, r: RangeQuery, signal?: AbortSignal) => request<{ zones: ZoneDwell[] }>("GET", `${store(id)}/dwell`, { from: r.from, to: r.to }, undefined, signal).then((x) => x.zones),
    paths: (id: string, r: RangeQuery, limit: number, signal?: AbortSignal) => request<PathReport>("GET", `${store(id)}/paths`, { from: r.from, to: r.to, limit }, undefined, signal),
    traffic: (id: string, r: RangeQuery, bucket: Bucket, signal?: AbortSignal) =>
      request<{ buckets: TrafficBucket[] }>("GET", `${store(id)}/traffic`, { from: r.from, to: r.to, bucket }, undefined, signal).then((x) => x.buckets),
    agents: (id: string, signal?: AbortSignal) => request<{ agents: AgentInfo[] }>("GET", `${store(id)}/agents`, undefined, undefined, signal).then((r) => r.agents),
  };
}

/** Whether a failed request means "this store has no layout yet" (a fresh store). */
export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.status === 404;
}
