import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../../log.js";

/** How a pushed JSON body maps to counts. */
export interface PushMapping {
  items?: string | undefined;
  in: string;
  out: string;
  mode: "delta" | "total";
  /** Dotted path of a record's sensor id (mode "total": each sensor's totals are compared with its own). */
  sensor?: string | undefined;
}

/** One record of a push: its counts, and its sensor's id when the mapping names where it is. */
export interface PushRecord {
  sensor: string | null;
  in: number;
  out: number;
}

/** Counts read from one push: summed over its records, and each record's. */
export type PushReading = { ok: true; in: number; out: number; records: number; each: PushRecord[] } | { ok: false; error: string };

function at(value: unknown, path: string): unknown {
  let v = value;
  for (const key of path.split(".")) {
    if (key === "") continue;
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function count(v: unknown): number | null {
  const n = typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : v;
  return typeof n === "number" && Number.isInteger(n) && n >= 0 ? n : null;
}

/**
 * Read a pushed body with `mapping` (pure): the records are the array at `items`, or the body
 * itself (an object, or an array of objects); each must have non-negative integers at `in` and
 * `out` (numbers or digit strings), and a sensor id at `sensor` when the mapping names it. With
 * mode "total" each record is one sensor's counters, compared by the caller with that sensor's own
 * baseline (never added up first).
 */
export function readPush(body: unknown, mapping: PushMapping): PushReading {
  const list = mapping.items ? at(body, mapping.items) : body;
  const records = Array.isArray(list) ? list : [list];
  if (mapping.items && !Array.isArray(list)) return { ok: false, error: `${mapping.items}: expected an array of records` };
  let nIn = 0;
  let nOut = 0;
  const each: PushRecord[] = [];
  for (const [i, r] of records.entries()) {
    const where = Array.isArray(list) ? `${mapping.items ? mapping.items + "." : ""}${i}.` : "";
    const a = count(at(r, mapping.in));
    const b = count(at(r, mapping.out));
    if (a === null) return { ok: false, error: `${where}${mapping.in}: expected an integer >= 0, got ${JSON.stringify(at(r, mapping.in)) ?? "nothing"}` };
    if (b === null) return { ok: false, error: `${where}${mapping.out}: expected an integer >= 0, got ${JSON.stringify(at(r, mapping.out)) ?? "nothing"}` };
    let sensor: string | null = null;
    if (mapping.sensor) {
      const v = at(r, mapping.sensor);
      sensor = typeof v === "number" && Number.isFinite(v) ? String(v) : typeof v === "string" && v !== "" && v.length <= 128 ? v : null;
      if (sensor === null) return { ok: false, error: `${where}${mapping.sensor}: expected the sensor's id (a string of 1-128 characters or a number), got ${JSON.stringify(v)?.slice(0, 40) ?? "nothing"}` };
    }
    nIn += a;
    nOut += b;
    each.push({ sensor, in: a, out: b });
  }
  return { ok: true, in: nIn, out: nOut, records: records.length, each };
}

export interface PushEndpointOptions {
  host: string;
  port: number;
  path: string;
  secret: string;
  mapping: PushMapping;
  maxBodyBytes: number;
  /**
   * A valid push, read with the mapping (`from`: the sensor's address); returns why its counts were
   * refused (a 400), or null when they were taken.
   */
  onCounts: (reading: { in: number; out: number; each: PushRecord[]; from: string }) => string | null;
  /** A push was refused (401 wrong secret, 400 not JSON or not fitting the mapping): counted in the agent's status. */
  onRefused?: () => void;
  log: Logger;
}

/** A running push endpoint. */
export interface PushEndpoint {
  /** The port it listens on (useful with port 0). */
  readonly port: number;
  close(): Promise<void>;
}

const digest = (s: string) => createHash("sha256").update(s).digest();

function send(res: ServerResponse, status: number, body?: object): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) }).end(text);
}

/**
 * An HTTP endpoint (node:http) people-counting sensors POST JSON counts to. Answers 204 when the
 * counts were taken, 400 naming the field when the body does not fit the mapping (or saying why
 * the counts were refused: more than a report carries), 401 without the
 * shared secret (bearer token, `X-Footfall-Secret` header or `?secret=`), 404/405/413/415 otherwise.
 */
export async function startPushEndpoint(opts: PushEndpointOptions): Promise<PushEndpoint> {
  const expected = digest(opts.secret);
  const authorized = (req: IncomingMessage, url: URL): boolean => {
    const auth = req.headers.authorization;
    const given = auth?.startsWith("Bearer ") ? auth.slice(7) : (req.headers["x-footfall-secret"] as string | undefined) ?? url.searchParams.get("secret") ?? "";
    return timingSafeEqual(digest(given), expected);
  };
  // Refused pushes are counted and said, the first five then every hundredth: a sensor set up wrong
  // pushes every few seconds, and one line each filled the log (17,000 a day at one every 5 s).
  let refused = 0;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://sensor");
    const say = (reason: string): void => {
      refused++;
      opts.onRefused?.();
      if (refused <= 5 || refused % 100 === 0) opts.log.warn({ from: req.socket.remoteAddress, refused }, reason);
    };
    if (url.pathname !== opts.path) return send(res, 404, { error: `not found: POST counts to ${opts.path}` });
    if (req.method !== "POST" && req.method !== "PUT") return send(res, 405, { error: "use POST" });
    if (!authorized(req, url)) {
      say("push refused: wrong or missing secret (the sensor's secret must be http.secret)");
      return send(res, 401, { error: "wrong or missing secret" });
    }
    const type = req.headers["content-type"] ?? "application/json";
    if (!/json|text\/plain/.test(type)) return send(res, 415, { error: "send JSON (content-type: application/json)" });
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > opts.maxBodyBytes) tooBig = true;
      else chunks.push(chunk);
    });
    req.on("end", () => {
      if (tooBig) return send(res, 413, { error: `body larger than ${opts.maxBodyBytes} bytes` });
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch (err) {
        opts.onRefused?.();
        return send(res, 400, { error: `body is not JSON: ${(err as Error).message}` });
      }
      const reading = readPush(body, opts.mapping);
      if (!reading.ok) {
        say(`push refused: ${reading.error}`);
        return send(res, 400, { error: reading.error });
      }
      const refusal = opts.onCounts({ in: reading.in, out: reading.out, each: reading.each, from: req.socket.remoteAddress ?? "unknown" });
      if (refusal !== null) return send(res, 400, { error: refusal });
      send(res, 204);
    });
    req.on("error", () => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => reject(new Error(`cannot listen on ${opts.host}:${opts.port}: ${err.code ?? err.message}`)));
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  opts.log.info({ mode: opts.mapping.mode }, `listening for pushed counts on http://${opts.host}:${port}${opts.path}`);
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
