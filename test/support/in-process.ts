/**
 * The server started in this process (`startServer` with ports 0 and a temporary data folder),
 * for `app.inject` tests of the HTTP API and direct ingest. Imports the TypeScript sources.
 */
import type { FootfallEvent, LayoutInput } from "@footfall/core";
import { afterAll, beforeAll } from "vitest";
import { createLogger } from "../../server/src/log.js";
import type { ServerConfig } from "../../server/src/config.js";
import { startServer, type RunningServer } from "../../server/src/server.js";
import type { Role } from "../../server/src/storage/types.js";
import { batchJson, smallLayout } from "./fixtures.js";
import { tempDir } from "./wait.js";

export interface TestServerOptions {
  /** The server's clock (default Date.now). */
  now?: () => number;
  visitTimeoutMs?: number;
  maxAgeMs?: number;
  /** Keep data here instead of a fresh temporary folder. */
  dataDir?: string;
  /** More of the server's config (e.g. aggregateRetentionDays). */
  config?: Partial<ServerConfig>;
}

export type InjectMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** An answer of `app.inject`: `body` is the JSON it holds, or its text when it is not JSON (empty, CSV, HTML). */
export interface InjectAnswer<T> {
  status: number;
  body: T;
  text: string;
}

export interface TestServer {
  server: RunningServer;
  dataDir: string;
  /** An admin token for every store. */
  admin: string;
  token(role: Role, store?: string): Promise<string>;
  /** `PUT /api/v1/stores/:store/layout` as admin; fails unless 200. */
  putLayout(store: string, layout: LayoutInput): Promise<void>;
  /** Hands one MQTT payload to the ingest pipeline as `agent` of `store`; resolves once committed. */
  ingestPayload(store: string, agent: string, payload: string | Buffer): Promise<void>;
  /** Ingests `events` as one batch message of `agent`. */
  ingest(store: string, agent: string, events: readonly unknown[]): Promise<void>;
  /** `app.inject` GET with a bearer token (or none, `null`; the admin's by default). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test bodies are checked by toEqual and field reads
  get<T = any>(url: string, token?: string | null): Promise<InjectAnswer<T>>;
  /**
   * `app.inject` of `method` on `url` (the whole path, `/api/v1/...`) with `payload` as JSON, if any,
   * and a bearer token (or none, `null`; the admin's by default). Never throws on a status.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test bodies are checked by toEqual and field reads
  request<T = any>(method: InjectMethod, url: string, payload?: object, token?: string | null): Promise<InjectAnswer<T>>;
  close(): Promise<void>;
}

/**
 * A server's config for a test: this machine only, ports chosen by the system (0), the embedded
 * broker, SQLite in `dataDir`, the default visit timeout and event age; `extra` changes any of it.
 */
export function localServerConfig(dataDir: string, extra: Partial<ServerConfig> = {}): ServerConfig {
  return {
    httpPort: 0,
    httpHost: "127.0.0.1",
    mqttPort: 0,
    mqttHost: "127.0.0.1",
    mqttUrl: null,
    mqttUsername: undefined,
    mqttPassword: undefined,
    dataDir,
    visitTimeoutMs: 30 * 60_000,
    maxAgeMs: 7 * 86_400_000,
    ...extra,
  };
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const dir = opts.dataDir ? null : tempDir("footfall-inject-");
  const dataDir = opts.dataDir ?? dir!.path;
  const server = await startServer(
    localServerConfig(dataDir, {
      ...(opts.visitTimeoutMs !== undefined ? { visitTimeoutMs: opts.visitTimeoutMs } : {}),
      ...(opts.maxAgeMs !== undefined ? { maxAgeMs: opts.maxAgeMs } : {}),
      ...opts.config,
    }),
    { log: createLogger("silent"), uiDir: null, ...(opts.now ? { now: opts.now } : {}) },
  );
  const { storage } = server.services;
  const now = () => server.services.now();
  const token = (role: Role, store?: string) => storage.tokens.add(role, store ?? null, now());
  const admin = await token("admin");
  const ingestPayload = (store: string, agent: string, payload: string | Buffer) =>
    new Promise<void>((resolve, reject) =>
      server.ingest.submit({
        store,
        agent,
        payload: Buffer.isBuffer(payload) ? payload : Buffer.from(payload),
        done: (err) => (err ? reject(err) : resolve()),
      }),
    );
  const request = async <T>(method: InjectMethod, url: string, payload?: object, tok: string | null = admin): Promise<InjectAnswer<T>> => {
    const res = await server.app.inject({
      method,
      url,
      headers: tok ? { authorization: `Bearer ${tok}` } : {},
      ...(payload !== undefined ? { payload } : {}),
    });
    let body: unknown = res.body;
    try {
      body = res.json();
    } catch {
      /* not JSON */
    }
    return { status: res.statusCode, body: body as T, text: res.body };
  };
  return {
    server,
    dataDir,
    admin,
    token,
    async putLayout(store, layout) {
      const res = await server.app.inject({
        method: "PUT",
        url: `/api/v1/stores/${store}/layout`,
        headers: { authorization: `Bearer ${admin}` },
        payload: layout,
      });
      if (res.statusCode !== 200) throw new Error(`PUT layout of ${store} answered ${res.statusCode}: ${res.body}`);
    },
    ingestPayload,
    ingest: (store, agent, events) => ingestPayload(store, agent, batchJson(agent, events)),
    get: (url, tok) => request("GET", url, undefined, tok),
    request,
    async close() {
      await server.close();
      dir?.remove();
    },
  };
}

/**
 * The in-process server of a test file (or describe block): started in the block's beforeAll with
 * `opts` and the small test layout put under each of `stores`, closed in its afterAll. The object
 * returned is that TestServer from the beforeAll on (the file's own beforeAll, after this call, can
 * use it to put other layouts or ingest).
 */
export function useTestServer(opts: TestServerOptions & { stores?: readonly string[] } = {}): TestServer {
  const t = {} as TestServer;
  beforeAll(async () => {
    Object.assign(t, await startTestServer(opts));
    for (const store of opts.stores ?? []) await t.putLayout(store, smallLayout());
  });
  afterAll(async () => {
    await (t as Partial<TestServer>).close?.();
  });
  return t;
}

export type { FootfallEvent };
