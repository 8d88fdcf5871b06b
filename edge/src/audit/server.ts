/**
 * The agent's audit page on the store's LAN (node:http): every request needs the agent's audit
 * token, as a bearer token or the cookie `GET /?token=...` sets; anything else gets 401 and
 * nothing of a clip. The page records clips, serves their frames to the installer, takes the hand
 * count and keeps the result (counts, accuracy, who and when: no image) in
 * `<audits>/results.jsonl`; the clip is deleted as the result is stored.
 */
import { createReadStream, appendFileSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { timingSafeEqual, createHash } from "node:crypto";
import type { Logger } from "../log.js";
import type { ClipStore } from "./clips.js";
import { AUDIT_PAGE } from "./page.js";
import { auditResult, type AuditResult, type Mark } from "./result.js";

export interface AuditServerOptions {
  host: string;
  /** 0: any free port (see `port` once listening). */
  port: number;
  /** The shared secret of this agent's audit page (16 characters or more). */
  token: string;
  agent: string;
  clips: ClipStore;
  /** Start recording a clip of this many seconds; returns its id or why not. */
  record(seconds: number): { ok: true; id: string } | { ok: false; error: string };
  maxSeconds: number;
  log: Logger;
  now(): number;
  /** Told of each stored result (to pass it on). */
  onResult?: (r: AuditResult) => void;
}

const COOKIE = "footfall_audit";
const MAX_BODY = 64 * 1024;

const digest = (s: string): Buffer => createHash("sha256").update(s).digest();

export class AuditServer {
  private server: Server | null = null;

  constructor(private readonly o: AuditServerOptions) {
    if (o.token.length < 16) throw new Error("audit.token: give at least 16 characters (a long random string); the audit page shows the store's video");
  }

  get port(): number | null {
    const a = this.server?.address();
    return a && typeof a === "object" ? (a as AddressInfo).port : null;
  }

  get resultsFile(): string {
    return join(this.o.clips.dir, "results.jsonl");
  }

  /** Stored results, newest first. */
  results(): AuditResult[] {
    let text: string;
    try {
      text = readFileSync(this.resultsFile, "utf8");
    } catch {
      return [];
    }
    return text
      .split("\n")
      .filter((l) => l.trim() !== "")
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as AuditResult];
        } catch {
          return [];
        }
      })
      .reverse();
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.o.log.warn({ error: (err as Error).message }, "audit page request failed");
        if (!res.headersSent) send(res, 500, { error: "internal error" });
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.o.port, this.o.host, () => resolve());
    });
    this.o.log.info({ url: `http://${this.o.host}:${this.port}/?token=…` }, "audit page listening");
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private authorised(req: IncomingMessage, url: URL): "header" | "cookie" | "query" | null {
    const given: [string, "header" | "cookie" | "query"][] = [];
    const auth = req.headers.authorization;
    if (auth?.startsWith("Bearer ")) given.push([auth.slice(7), "header"]);
    const cookie = (req.headers.cookie ?? "").split(/;\s*/).find((c) => c.startsWith(`${COOKIE}=`));
    if (cookie) given.push([decodeURIComponent(cookie.slice(COOKIE.length + 1)), "cookie"]);
    const q = url.searchParams.get("token");
    if (q !== null && url.pathname === "/") given.push([q, "query"]);
    const want = digest(this.o.token);
    for (const [value, how] of given) if (timingSafeEqual(digest(value), want)) return how;
    return null;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://audit");
    const how = this.authorised(req, url);
    if (!how) {
      res.setHeader("www-authenticate", 'Bearer realm="footfall audit"');
      return send(res, 401, { error: "the audit page needs this agent's audit token: open /?token=<audit.token from the agent's config>" });
    }
    res.setHeader("cache-control", "no-store");
    res.setHeader("x-content-type-options", "nosniff");
    res.setHeader("referrer-policy", "no-referrer");
    const parts = url.pathname.split("/").filter(Boolean);
    const method = req.method ?? "GET";
    if (url.pathname === "/" && method === "GET") {
      if (how === "query") {
        // Trade the token in the address for a cookie, and drop it from the address bar.
        res.setHeader("set-cookie", `${COOKIE}=${encodeURIComponent(this.o.token)}; HttpOnly; SameSite=Strict; Path=/`);
        res.writeHead(303, { location: "/" });
        res.end();
        return;
      }
      res.setHeader("content-security-policy", "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self'");
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(AUDIT_PAGE);
      return;
    }
    if (parts[0] !== "api" || parts[1] !== "clips") return send(res, 404, { error: `no ${method} ${url.pathname} here` });
    const id = parts[2];
    if (id === undefined) {
      if (method === "GET")
        return send(res, 200, { agent: this.o.agent, recording: this.o.clips.active, clips: this.o.clips.list(), results: this.results().slice(0, 50) });
      if (method === "POST") {
        const body = await readJson(req);
        if (!body.ok) return send(res, 400, { error: body.error });
        const seconds = (body.value as { seconds?: unknown }).seconds;
        if (typeof seconds !== "number" || !(seconds >= 5) || seconds > this.o.maxSeconds)
          return send(res, 400, { error: `seconds: a number from 5 to ${this.o.maxSeconds}` });
        const r = this.o.record(seconds);
        return r.ok ? send(res, 202, { id: r.id }) : send(res, 409, { error: r.error });
      }
      return send(res, 405, { error: "GET or POST" });
    }
    const manifest = this.o.clips.get(id);
    if (!manifest) return send(res, 404, { error: `no clip ${id} (deleted after its audit, or 24 hours after recording)` });
    if (parts.length === 3) {
      if (method === "GET") return send(res, 200, manifest);
      if (method === "DELETE") return this.o.clips.delete(id) ? send(res, 200, { deleted: id }) : send(res, 409, { error: "the clip is still recording" });
      return send(res, 405, { error: "GET or DELETE" });
    }
    if (parts[3] === "frames" && parts.length === 5 && method === "GET") {
      const file = this.o.clips.framePath(id, Number(parts[4]));
      if (!file) return send(res, 404, { error: `no frame ${parts[4]} in ${id}` });
      res.writeHead(200, { "content-type": "image/jpeg" });
      createReadStream(file).pipe(res);
      return;
    }
    if (parts[3] === "result" && parts.length === 4 && method === "POST") {
      if (manifest.state !== "ready") return send(res, 409, { error: `the clip is ${manifest.state}` });
      const body = await readJson(req);
      if (!body.ok) return send(res, 400, { error: body.error });
      const v = body.value as { auditor?: unknown; hand?: unknown; marks?: unknown };
      const inCount = manifest.crossings.filter((c) => c.dir === "in").length;
      const r = auditResult({
        id,
        agent: this.o.agent,
        auditor: v.auditor as string,
        from: manifest.startedAt,
        to: manifest.endedAt ?? manifest.startedAt,
        at: this.o.now(),
        hand: v.hand as { in: number; out: number },
        system: { in: inCount, out: manifest.crossings.length - inCount },
        marks: Array.isArray(v.marks) ? (v.marks as Mark[]) : [],
        systemCrossings: manifest.crossings.length,
      });
      if (!r.ok) return send(res, 400, { error: r.error });
      appendFileSync(this.resultsFile, JSON.stringify(r.value) + "\n");
      this.o.clips.delete(id);
      this.o.log.info(
        {
          clip: id,
          auditor: r.value.auditor,
          accuracyIn: r.value.accuracy.in,
          accuracyOut: r.value.accuracy.out,
          certified: r.value.certified,
        },
        "audit stored",
      );
      this.o.onResult?.(r.value);
      return send(res, 201, r.value);
    }
    return send(res, 404, { error: `no ${method} ${url.pathname} here` });
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<{ ok: true; value: unknown } | { ok: false; error: string }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) return { ok: false, error: `body over ${MAX_BODY} bytes` };
    chunks.push(chunk);
  }
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
    return typeof value === "object" && value !== null ? { ok: true, value } : { ok: false, error: "send a JSON object" };
  } catch {
    return { ok: false, error: "not JSON: send a JSON object" };
  }
}
