import type { Layout, LayoutInput, Occupancy, PathReport, TrafficBucket, ZoneDwell } from "@footfall/core";

export interface Health {
  status: string;
  mqtt: string;
  db: string;
}
export interface AgentInfo {
  agent: string;
  kind: string;
  state: string;
  version: string | null;
  lastStatusTs: number | null;
  lastEventTs: number | null;
  lagMs: number | null;
  events: number;
  duplicates: number;
  rejects: number;
}
export interface TimeRange {
  from: number | string;
  to: number | string;
}

/** A non-2xx answer. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    super(`${what} answered ${status}: ${typeof body === "string" ? body : JSON.stringify(body)}`);
  }
}

/** Raw answer of {@link FootfallApi.request}. */
export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** A typed client of the Footfall HTTP API (fetch, so it runs in Node and browsers alike). */
export class FootfallApi {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
  ) {}

  /** The same client with another token (or none). */
  as(token: string | undefined): FootfallApi {
    return new FootfallApi(this.baseUrl, token);
  }

  /** Any request; the body is parsed as JSON when the answer is JSON. Never throws on a status. */
  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    const parsed = (res.headers.get("content-type") ?? "").includes("json") && text ? (JSON.parse(text) as T) : (text as T);
    return { status: res.status, body: parsed, headers: res.headers };
  }

  private async ok<T>(method: string, path: string, body?: unknown): Promise<T> {
    const r = await this.request<T>(method, path, body);
    if (r.status < 200 || r.status >= 300) throw new ApiError(r.status, r.body, `${method} ${path}`);
    return r.body;
  }

  private static query(params: Record<string, string | number | undefined>): string {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v));
    const s = q.toString();
    return s ? `?${s}` : "";
  }

  health(): Promise<Health> {
    return this.ok("GET", "/api/v1/health");
  }
  me(): Promise<{ role: string; store: string | null }> {
    return this.ok("GET", "/api/v1/me");
  }
  stores(): Promise<{ stores: { id: string; name: string }[] }> {
    return this.ok("GET", "/api/v1/stores");
  }
  layout(store: string, at?: number | string): Promise<Layout> {
    return this.ok("GET", `/api/v1/stores/${store}/layout${FootfallApi.query({ at })}`);
  }
  layouts(store: string): Promise<{ layouts: { version: number; validFrom: number }[] }> {
    return this.ok("GET", `/api/v1/stores/${store}/layouts`);
  }
  putLayout(store: string, layout: LayoutInput | Omit<LayoutInput, "store">): Promise<Layout> {
    return this.ok("PUT", `/api/v1/stores/${store}/layout`, layout);
  }
  occupancy(store: string): Promise<Occupancy> {
    return this.ok("GET", `/api/v1/stores/${store}/occupancy`);
  }
  dwell(store: string, range: TimeRange): Promise<{ zones: ZoneDwell[] }> {
    return this.ok("GET", `/api/v1/stores/${store}/dwell${FootfallApi.query({ ...range })}`);
  }
  paths(store: string, range: TimeRange, limit?: number): Promise<PathReport> {
    return this.ok("GET", `/api/v1/stores/${store}/paths${FootfallApi.query({ ...range, limit })}`);
  }
  traffic(store: string, range: TimeRange, bucket: "hour" | "day" = "hour"): Promise<{ buckets: TrafficBucket[] }> {
    return this.ok("GET", `/api/v1/stores/${store}/traffic${FootfallApi.query({ ...range, bucket })}`);
  }
  agents(store: string): Promise<{ agents: AgentInfo[] }> {
    return this.ok("GET", `/api/v1/stores/${store}/agents`);
  }
  /** Prometheus text of /metrics. */
  metrics(): Promise<string> {
    return this.ok("GET", "/metrics");
  }
}

/**
 * The value of a Prometheus sample in `text`: the sum over the series of `name` whose labels
 * include `labels` (0 when there is none).
 */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = new Map<string, string>();
    for (const pair of (m[3] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) have.set(pair[1]!, pair[2]!);
    if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) sum += Number(m[4]);
  }
  return sum;
}
