/**
 * The HTTP API of DESIGN.md (`/api/v1`, same origin, bearer token). Errors come back as
 * `ApiError` carrying Fastify's `{statusCode, error, message}` so views can say what went wrong.
 */
import type { Bucket, Layout, LayoutInput, Occupancy, PathReport, TrafficBucket, ZoneDwell, ZoneUsed } from "@footfall/core";
import { isRole, type Me } from "../model/auth.js";
import { noteServerDate } from "../model/server-clock.js";
import type { Static } from "@sinclair/typebox";
import type { StoresBody, TrafficBody } from "../../../server/src/routes/schemas.js";
import type { AgentInfo, AllAgentsPage, ConversionReport, RetentionInfo, Departments, Experiment, ExperimentInput, ExperimentResult, ForecastReport, OccupancyForecastReport, FunnelBy, FunnelReport, SalesDays, SalesImportResult, SalesRow } from "./types.js";

/** The open hours in which the store's entrance was counted by no agent (GET .../traffic's outages, the overview's rule). */
export type TrafficOutage = NonNullable<Static<typeof TrafficBody>["outages"]>;
/** GET .../traffic: its buckets, and its outages (null when none). */
export interface TrafficAnswer {
  buckets: TrafficBucket[];
  outages: TrafficOutage | null;
}

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

/** The answer's JSON body (null when empty), or the `ApiError` its status and message say. */
export async function readJson<T>(res: Response): Promise<T> {
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

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
export interface JsonRequest {
  body?: unknown;
  /** Query parameters; undefined and empty values are left out. */
  query?: Record<string, string | number | undefined>;
  signal?: AbortSignal;
}
/**
 * The JSON requester of the admin, alerts, webhooks and audits clients: `/api/v1` with the bearer
 * token, a JSON body, the answer through `readJson`; a network failure is `ApiError` 0.
 */
export function jsonRequester(token: string, base = "") {
  return async function request<T>(method: Method, path: string, { body, query, signal }: JsonRequest = {}): Promise<T> {
    const qs = query ? new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== "").map(([k, v]) => [k, String(v)])).toString() : "";
    let res: Response;
    const sentAt = Date.now();
    try {
      res = await fetch(`${base}/api/v1${path}${qs ? `?${qs}` : ""}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      if ((err as Error).name === "AbortError") throw err;
      throw new ApiError(0, "The server cannot be reached. Check the connection and try again.");
    }
    noteServerDate(res.headers.get("date"), sentAt, Date.now());
    return readJson<T>(res);
  };
}

type StoresList = Static<typeof StoresBody>;
/** A store as `GET /stores` lists it (the server's schema). */
export type StoreInfo = StoresList["stores"][number];
export type { AgentInfo };

export interface RangeQuery {
  from: number;
  to: number;
}

export type Api = ReturnType<typeof createApi>;

export function createApi(token: string, base = "", fetcher: typeof fetch = (...args) => fetch(...args)) {
  /** A body sent as is (e.g. CSV text) rather than as JSON. */
  interface Raw {
    raw: string;
    type: string;
  }
  const isRaw = (body: unknown): body is Raw => typeof body === "object" && body !== null && "raw" in body && "type" in body;
  async function send(method: "GET" | "PUT" | "POST" | "DELETE", path: string, query?: Record<string, string | number | undefined>, body?: unknown, signal?: AbortSignal): Promise<Response> {
    const qs = query ? new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)])).toString() : "";
    const type = body === undefined ? null : isRaw(body) ? body.type : "application/json";
    const sentAt = Date.now();
    try {
      const res = await fetcher(`${base}/api/v1${path}${qs ? `?${qs}` : ""}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(type ? { "content-type": type } : {}) },
        ...(body === undefined ? {} : { body: isRaw(body) ? body.raw : JSON.stringify(body) }),
        ...(signal ? { signal } : {}),
      });
      // The server's clock, for what the views judge past or future (model/server-clock.ts).
      noteServerDate(res.headers?.get("date"), sentAt, Date.now());
      return res;
    } catch (err) {
      if ((err as Error).name === "AbortError") throw err;
      throw new ApiError(0, "The server cannot be reached. Check the connection and try again.");
    }
  }
  async function failure(res: Response): Promise<ApiError> {
    const text = await res.text();
    let e: { message?: string; error?: string } = {};
    try {
      e = text ? (JSON.parse(text) as typeof e) : {};
    } catch {
      /* not JSON */
    }
    return new ApiError(res.status, e.message || e.error || `${res.status} ${res.statusText}`, e.error ?? "");
  }
  async function request<T>(method: "GET" | "PUT" | "POST" | "DELETE", path: string, query?: Record<string, string | number | undefined>, body?: unknown, signal?: AbortSignal): Promise<T> {
    return readJson<T>(await send(method, path, query, body, signal));
  }
  const store = (id: string) => `/stores/${encodeURIComponent(id)}`;
  return {
    token,
    async me(): Promise<Me> {
      const me = await request<{ role: unknown; store?: string | null; group?: string | null }>("GET", "/me");
      if (!isRole(me.role)) throw new ApiError(500, `The server answered with an unknown role "${String(me.role)}".`);
      return { role: me.role, store: me.store ?? null, group: me.group ?? null };
    },
    stores: (signal?: AbortSignal) => request<{ stores: StoreInfo[] }>("GET", "/stores", undefined, undefined, signal).then((r) => r.stores),
    /** How long raw events are kept (FOOTFALL_RETENTION_DAYS), as `GET /stores` says. */
    retention: (signal?: AbortSignal) => request<{ retention: RetentionInfo }>("GET", "/stores", undefined, undefined, signal).then((r) => r.retention),
    layout: (id: string, at?: number, signal?: AbortSignal) => request<Layout>("GET", `${store(id)}/layout`, { at }, undefined, signal),
    layouts: (id: string, signal?: AbortSignal) => request<{ layouts: { version: number; validFrom: number }[] }>("GET", `${store(id)}/layouts`, undefined, undefined, signal).then((r) => r.layouts),
    /** Every zone id the store's layout versions have had, with its name and version where it was last (a new zone takes none of them). */
    zonesUsed: (id: string, signal?: AbortSignal) =>
      request<{ zones?: ZoneUsed[] }>("GET", `${store(id)}/layouts`, undefined, undefined, signal).then((r) => r.zones ?? []),
    /** One layout version (a version saved for later, to correct it). */
    layoutVersion: (id: string, version: number, signal?: AbortSignal) => request<Layout>("GET", `${store(id)}/layouts/${encodeURIComponent(String(version))}`, undefined, undefined, signal),
    /** Save a new version; with `replaces`, it replaces (corrects) that version saved for later, in one step (409 once it is in force). */
    /** `seen`: the newest version the editor had seen; the server refuses (409) when a newer one was saved since. */
    saveLayout: (id: string, input: LayoutInput, replaces?: number, seen?: number) => request<Layout>("PUT", `${store(id)}/layout`, { replaces, seen }, input),
    /** Cancel a version saved for later, before it takes effect (409 once it is in force or past). */
    cancelLayout: (id: string, version: number) =>
      request<{ version: number; validFrom: number; cancelled: true }>("DELETE", `${store(id)}/layouts/${encodeURIComponent(String(version))}`),
    occupancy: (id: string, signal?: AbortSignal) => request<Occupancy>("GET", `${store(id)}/occupancy`, undefined, undefined, signal),
    dwell: (id: string, r: RangeQuery, signal?: AbortSignal) => request<{ zones: ZoneDwell[] }>("GET", `${store(id)}/dwell`, { from: r.from, to: r.to }, undefined, signal).then((x) => x.zones),
    /** The dwell answer with its outages: the open hours a zone was counted by no agent (null when none, and from a server before them). */
    dwellAnswer: (id: string, r: RangeQuery, signal?: AbortSignal) =>
      request<{ zones: ZoneDwell[]; outages?: TrafficOutage | null }>("GET", `${store(id)}/dwell`, { from: r.from, to: r.to }, undefined, signal).then((x) => ({ zones: x.zones, outages: x.outages ?? null })),
    /** The paths, and their outages: the open hours a zone was counted by no agent (null when none, and from a server before them). */
    paths: (id: string, r: RangeQuery, limit: number, signal?: AbortSignal) =>
      request<PathReport & { outages?: TrafficOutage | null }>("GET", `${store(id)}/paths`, { from: r.from, to: r.to, limit }, undefined, signal),
    traffic: (id: string, r: RangeQuery, bucket: Bucket, signal?: AbortSignal) =>
      request<{ buckets: TrafficBucket[] }>("GET", `${store(id)}/traffic`, { from: r.from, to: r.to, bucket }, undefined, signal).then((x) => x.buckets),
    /** The traffic answer with its outages: the open hours nobody counted the store's entrance (null when none, and from a server before them). */
    trafficAnswer: (id: string, r: RangeQuery, bucket: Bucket, signal?: AbortSignal) =>
      request<{ buckets: TrafficBucket[]; outages?: TrafficOutage | null }>("GET", `${store(id)}/traffic`, { from: r.from, to: r.to, bucket }, undefined, signal).then(
        (x): TrafficAnswer => ({ buckets: x.buckets, outages: x.outages ?? null }),
      ),
    forecast: (id: string, opts: { zone?: string; horizon?: "24h" | "14d" } = {}, signal?: AbortSignal) =>
      request<ForecastReport>("GET", `${store(id)}/forecast`, { zone: opts.zone, horizon: opts.horizon }, undefined, signal),
    forecastOccupancy: (id: string, opts: { zone?: string } = {}, signal?: AbortSignal) =>
      request<OccupancyForecastReport>("GET", `${store(id)}/forecast/occupancy`, { zone: opts.zone }, undefined, signal),
    /** The store's agents, and past what clock offset one is flagged (`clockWarnMs`, the server's FOOTFALL_CLOCK_WARN_MS). */
    agents: (id: string, signal?: AbortSignal) => request<{ agents: AgentInfo[]; clockWarnMs?: number }>("GET", `${store(id)}/agents`, undefined, undefined, signal),
    /** Every store's agents the token may see, those needing attention first (`problems`: only them); a page from `offset`. */
    allAgents: (q: { problems?: boolean; offset?: number; limit?: number; store?: string | null }, signal?: AbortSignal) =>
      request<AllAgentsPage>("GET", "/agents", { problems: q.problems ? 1 : undefined, offset: q.offset, limit: q.limit, store: q.store ?? undefined }, undefined, signal),
    departments: (id: string, signal?: AbortSignal) => request<{ departments: Departments }>("GET", `${store(id)}/departments`, undefined, undefined, signal).then((r) => r.departments),
    saveDepartments: (id: string, departments: Departments) => request<{ departments: Departments }>("PUT", `${store(id)}/departments`, undefined, { departments }).then((r) => r.departments),
    /** Sales as the CSV text of a file (`timestamp,zone,department,amount,items,transaction`). */
    uploadSalesCsv: (id: string, csv: string) => request<SalesImportResult>("POST", `${store(id)}/sales`, undefined, { raw: csv, type: "text/csv" }),
    salesDays: (id: string, days: number, signal?: AbortSignal) => request<SalesDays>("GET", `${store(id)}/sales/days`, { days }, undefined, signal),
    uploadSales: (id: string, sales: SalesRow[]) => request<SalesImportResult>("POST", `${store(id)}/sales`, undefined, { sales }),
    conversion: (id: string, r: RangeQuery, signal?: AbortSignal) => request<ConversionReport>("GET", `${store(id)}/conversion`, { from: r.from, to: r.to }, undefined, signal),
    funnel: (id: string, r: RangeQuery, steps: readonly string[], by: FunnelBy, alias: boolean, signal?: AbortSignal) =>
      request<FunnelReport>("GET", `${store(id)}/funnel`, { from: r.from, to: r.to, steps: steps.join(","), by, alias: alias ? 1 : 0 }, undefined, signal),
    experiments: (signal?: AbortSignal) => request<{ experiments: Experiment[] }>("GET", "/experiments", undefined, undefined, signal).then((r) => r.experiments),
    createExperiment: (input: ExperimentInput) => request<Experiment>("POST", "/experiments", undefined, input),
    /** Deletes an experiment (merchandiser or admin reaching all its stores); answers its definition. */
    deleteExperiment: (id: string) => request<Experiment>("DELETE", `/experiments/${encodeURIComponent(id)}`),
    experimentResult: (id: string, signal?: AbortSignal) => request<ExperimentResult>("GET", `/experiments/${encodeURIComponent(id)}/result`, undefined, undefined, signal),
    /** The result as CSV, fetched with the token (a plain link could not carry it). */
    async experimentCsv(id: string): Promise<Blob> {
      const res = await send("GET", `/experiments/${encodeURIComponent(id)}/result.csv`);
      if (!res.ok) throw await failure(res);
      return res.blob();
    },
  };
}

/** Whether a failed request means "this store has no layout yet" (a fresh store). */
export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.status === 404;
}
