import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../log.js";
import { SalesUploader, type SaleUpload } from "./sales-upload.js";

/** A real HTTP receiver standing in for the sales import: answers each request with the next status of `statuses` (then 200), recording bodies and headers. */
async function receiver(statuses: number[] = []): Promise<{ url: string; bodies: SaleUpload[][]; auth: string[]; server: Server }> {
  const bodies: SaleUpload[][] = [];
  const auth: string[] = [];
  const seen = new Set<string>();
  const read = async (req: IncomingMessage) => {
    let text = "";
    for await (const chunk of req) text += String(chunk);
    return JSON.parse(text) as { sales: SaleUpload[] };
  };
  const server = createServer((req, res) => {
    void read(req).then(({ sales }) => {
      const status = statuses.shift() ?? 200;
      auth.push(req.headers.authorization ?? "");
      res.writeHead(status, { "content-type": "application/json" });
      if (status !== 200) return res.end(JSON.stringify({ statusCode: status, message: status === 401 ? "unknown token" : "busy" }));
      bodies.push(sales);
      const fresh = sales.filter((s) => !seen.has(s.transaction));
      for (const s of fresh) seen.add(s.transaction);
      const bad = fresh.filter((s) => s.zone === "nowhere");
      res.end(JSON.stringify({ accepted: fresh.length - bad.length, duplicates: sales.length - fresh.length, rejected: bad.map((_, i) => ({ line: i + 1, error: 'unknown zone "nowhere"' })), rejectedCount: bad.length }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/stores/demo/sales`, bodies, auth, server };
}
const servers: Server[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "footfall-sales-"));
  dirs.push(d);
  return d;
};

/** A sales import that takes each request and never answers (a server busy with a back-log, or going down). */
async function hungServer(): Promise<{ url: string; seen: string[]; release: () => void }> {
  const hung: ServerResponse[] = [];
  const seen: string[] = [];
  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (c: Buffer) => (text += String(c)));
    req.on("end", () => seen.push(...(JSON.parse(text) as { sales: SaleUpload[] }).sales.map((s) => s.transaction)));
    hung.push(res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  servers.push(server);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/stores/demo/sales`,
    seen,
    release: () => {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
    },
  };
}

/** What an idempotent import stored from a receiver's bodies: each transaction id and how often it was accepted (once, or it was counted twice). */
function stored(bodies: SaleUpload[][]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of bodies.flat()) counts.set(s.transaction, (counts.get(s.transaction) ?? 0) + 1);
  return counts;
}

const sale = (i: number, zone = "bakery"): SaleUpload => ({ transaction: `t-${i}`, ts: 1_700_000_000_000 + i, zone, amount: 2.5, items: 1 });
function logLines() {
  const lines: string[] = [];
  return { lines, log: createLogger({ level: "debug", write: (l) => lines.push(l) }) };
}

describe("SalesUploader", () => {
  it("flush(withinMs), as a stop calls it, gives up on a server that does not answer after that long and keeps the transactions", async () => {
    // A sales import that takes the request and never answers (a server busy with a back-log).
    const hung: ServerResponse[] = [];
    const server = createServer((_req, res) => void hung.push(res));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    servers.push(server);
    const { log } = logLines();
    const up = new SalesUploader({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sales`, token: "t", log, timeoutMs: 30_000 });
    up.add(sale(1));
    up.add(sale(2));
    const started = Date.now();
    await up.flush(300);
    // Before, the stop waited out the request's 30 s timeout.
    expect(Date.now() - started).toBeLessThan(5000);
    expect(up.waiting).toBe(2);
    expect(up.counts.sent).toBe(0);
    for (const res of hung) res.destroy();
    server.closeAllConnections();
  });

  it("sends what waits in batches, oldest first, with the token", async () => {
    const r = await receiver();
    const { log } = logLines();
    const up = new SalesUploader({ url: r.url, token: "tok", log, batchSize: 4 });
    for (let i = 0; i < 10; i++) up.add(sale(i));
    await up.flush();
    expect(r.bodies.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(r.bodies.flat().map((s) => s.transaction)).toEqual(Array.from({ length: 10 }, (_, i) => `t-${i}`));
    expect(r.auth).toEqual(["Bearer tok", "Bearer tok", "Bearer tok"]);
    expect(up.waiting).toBe(0);
    expect(up.counts).toMatchObject({ sent: 10, accepted: 10, duplicates: 0, dropped: 0 });
  });

  it("keeps the transactions while the server is busy or down, says so once, and sends them when it answers", async () => {
    const r = await receiver([503, 503]);
    const { lines, log } = logLines();
    const up = new SalesUploader({ url: r.url, token: "tok", log });
    up.add(sale(1));
    await up.flush();
    up.add(sale(2));
    await up.flush();
    expect(up.waiting).toBe(2);
    expect(lines.filter((l) => l.includes("cannot take till transactions now"))).toHaveLength(1);
    await up.flush();
    expect(up.waiting).toBe(0);
    expect(r.bodies).toEqual([[sale(1), sale(2)]]);
    expect(lines.some((l) => l.includes("answers again"))).toBe(true);

    // Nobody listening at all: kept as well.
    const down = new SalesUploader({ url: "http://127.0.0.1:9/api/v1/stores/demo/sales", token: "tok", log });
    down.add(sale(3));
    await down.flush();
    expect(down.waiting).toBe(1);
    expect(lines.some((l) => l.includes("cannot reach the sales import"))).toBe(true);
  });

  it("drops a batch the server refuses for good, with the server's reason and what to check", async () => {
    const r = await receiver([401]);
    const { lines, log } = logLines();
    const up = new SalesUploader({ url: r.url, token: "wrong", log });
    up.add(sale(1));
    await up.flush();
    expect(up.waiting).toBe(0);
    expect(up.counts.dropped).toBe(1);
    expect(lines.find((l) => l.includes("refused"))).toMatch(/ERROR.*check the URL and the token.*status=401.*message="unknown token"/);
  });

  it("counts rows the server rejects and repeats it takes as duplicates (the import is idempotent)", async () => {
    const r = await receiver();
    const { lines, log } = logLines();
    const up = new SalesUploader({ url: r.url, token: "tok", log });
    up.add(sale(1));
    up.add(sale(2, "nowhere"));
    await up.flush();
    up.add(sale(1));
    await up.flush();
    expect(up.counts).toMatchObject({ sent: 3, accepted: 1, rejected: 1, duplicates: 1 });
    expect(lines.some((l) => /WARN.*rejected till transactions.*unknown zone/.test(l))).toBe(true);
  });

  it("holds at most maxPending, dropping the oldest with one warning", async () => {
    const { lines, log } = logLines();
    const up = new SalesUploader({ url: "http://127.0.0.1:9/x", token: "tok", log, maxPending: 3 });
    for (let i = 0; i < 5; i++) up.add(sale(i));
    expect(up.waiting).toBe(3);
    expect(up.counts.dropped).toBe(2);
    expect(lines.filter((l) => l.includes("dropping the oldest"))).toHaveLength(1);
  });

  it("keeps the transactions added while a batch is in flight, even when the cap dropped that batch's front meanwhile", async () => {
    const r = await receiver();
    // Each answer waits 150 ms: the adds below land while the first batch is in flight.
    r.server.removeAllListeners("request");
    const seen: string[] = [];
    r.server.on("request", (req: IncomingMessage, res: ServerResponse) => {
      let text = "";
      req.on("data", (c: Buffer) => (text += String(c)));
      req.on("end", () => {
        const { sales } = JSON.parse(text) as { sales: SaleUpload[] };
        seen.push(...sales.map((s) => s.transaction));
        setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ accepted: sales.length, duplicates: 0, rejected: [], rejectedCount: 0 })), 150);
      });
    });
    const up = new SalesUploader({ url: r.url, token: "tok", log: logLines().log, batchSize: 2, maxPending: 3 });
    for (let i = 0; i < 3; i++) up.add(sale(i));
    const flushed = up.flush();
    await new Promise((ok) => setTimeout(ok, 50));
    // t-0 and t-1 are in flight; two more push them out of the held three.
    up.add(sale(3));
    up.add(sale(4));
    await flushed;
    await up.flush();
    expect(up.waiting).toBe(0);
    expect([...new Set(seen)].sort()).toEqual(["t-0", "t-1", "t-2", "t-3", "t-4"]);
  });

  it("runs one flush at a time: a second call waits for the first and sends nothing twice", async () => {
    const r = await receiver();
    const up = new SalesUploader({ url: r.url, token: "tok", log: logLines().log, batchSize: 2 });
    for (let i = 0; i < 5; i++) up.add(sale(i));
    await Promise.all([up.flush(), up.flush()]);
    expect(r.bodies.flat()).toHaveLength(5);
  });

  describe("with a file (the agent's dataDir, or sales.stateFile)", () => {
    it("keeps what a stop could not send and sends it first at the next start: the import gets every transaction once", async () => {
      const file = join(tempDir(), "sim-1.sales.jsonl");
      // First run: the import never answers; the stop gives up after its grace.
      const hung = await hungServer();
      const { lines, log } = logLines();
      const first = new SalesUploader({ url: hung.url, token: "tok", log, file });
      for (let i = 0; i < 25; i++) first.add(sale(i));
      await first.flush(300);
      first.close();
      hung.release();
      expect(first.waiting).toBe(25);
      expect(lines.some((l) => /INFO.*did not take: they are kept and sent at the next start.*unsent=25/.test(l))).toBe(true);

      // Next start, same file: the import answers now; new sales come after the kept ones.
      const r = await receiver();
      const next = new SalesUploader({ url: r.url, token: "tok", log, file, batchSize: 10 });
      expect(next.kept).toBe(25);
      next.add(sale(25));
      await next.flush();
      const got = r.bodies.flat().map((s) => s.transaction);
      expect(got).toEqual(Array.from({ length: 26 }, (_, i) => `t-${i}`));
      expect(next.counts).toMatchObject({ accepted: 26, duplicates: 0 });
      next.close();
      // Nothing waits any more: a third start sends nothing again.
      expect(readFileSync(file, "utf8")).toBe("");
      const third = new SalesUploader({ url: r.url, token: "tok", log, file });
      expect(third.waiting).toBe(0);
    });

    it("keeps what a refusing import (503) left, over several stops, and every transaction is stored exactly once in the end", async () => {
      const file = join(tempDir(), "sim-1.sales.jsonl");
      const r = await receiver([503, 503, 503]);
      let n = 0;
      // Three runs while the import is busy, each making 7 transactions and stopping.
      for (let run = 0; run < 3; run++) {
        const up = new SalesUploader({ url: r.url, token: "tok", log: logLines().log, file });
        for (let i = 0; i < 7; i++) up.add(sale(n++));
        await up.flush(2000);
        up.close();
      }
      const last = new SalesUploader({ url: r.url, token: "tok", log: logLines().log, file });
      expect(last.kept).toBe(21);
      await last.flush();
      const counts = stored(r.bodies);
      expect(counts.size).toBe(21);
      expect([...counts.values()].every((c) => c === 1)).toBe(true);
    });

    it("writes each transaction to the file at the end of the step that made it, before any upload (a crash loses at most that step)", async () => {
      const file = join(tempDir(), "state", "sim-1.sales.jsonl");
      const up = new SalesUploader({ url: "http://127.0.0.1:9/x", token: "tok", log: logLines().log, file });
      up.add(sale(1));
      up.add(sale(2));
      await Promise.resolve();
      expect(readFileSync(file, "utf8").trim().split("\n").map((l) => (JSON.parse(l) as SaleUpload).transaction)).toEqual(["t-1", "t-2"]);
    });

    it("never crashes on a damaged file: bad lines and a line cut short are skipped, the file moved aside, the good ones sent", async () => {
      const dir = tempDir();
      const file = join(dir, "sim-1.sales.jsonl");
      writeFileSync(file, [JSON.stringify(sale(1)), "not json", JSON.stringify({ transaction: "t-x" }), JSON.stringify(sale(2)), '{"transaction":"t-3","ts":17'].join("\n"));
      const { lines, log } = logLines();
      const r = await receiver();
      const up = new SalesUploader({ url: r.url, token: "tok", log, file });
      expect(up.kept).toBe(2);
      await up.flush();
      expect(r.bodies.flat().map((s) => s.transaction)).toEqual(["t-1", "t-2"]);
      expect(lines.some((l) => /WARN.*not transactions.*badLines=2/.test(l))).toBe(true);
      expect(readdirSync(dir).some((f) => f.startsWith("sim-1.sales.jsonl.corrupt-"))).toBe(true);
    });

    it("moves aside a file it cannot read (a folder in its place) and goes on with a new one", async () => {
      const dir = tempDir();
      const file = join(dir, "sim-1.sales.jsonl");
      mkdirSync(file);
      const { lines, log } = logLines();
      const up = new SalesUploader({ url: "http://127.0.0.1:9/x", token: "tok", log, file });
      expect(up.kept).toBe(0);
      expect(lines.some((l) => /ERROR.*cannot read the kept till transactions: moved the file aside/.test(l))).toBe(true);
      up.add(sale(1));
      up.close();
      expect(readFileSync(file, "utf8")).toContain("t-1");
    });

    it("reads back at most maxPending, the newest, and keeps the file within twice that while the import is away", async () => {
      const file = join(tempDir(), "sim-1.sales.jsonl");
      const first = new SalesUploader({ url: "http://127.0.0.1:9/x", token: "tok", log: logLines().log, file, maxPending: 50 });
      for (let i = 0; i < 400; i++) {
        first.add(sale(i));
        if (i % 10 === 9) await Promise.resolve();
      }
      first.close();
      expect(readFileSync(file, "utf8").trim().split("\n").length).toBeLessThanOrEqual(100 + 10);
      const next = new SalesUploader({ url: "http://127.0.0.1:9/x", token: "tok", log: logLines().log, file, maxPending: 50 });
      expect(next.kept).toBe(50);
      const r = await receiver();
      const send = new SalesUploader({ url: r.url, token: "tok", log: logLines().log, file, maxPending: 50 });
      await send.flush();
      expect(r.bodies.flat().map((s) => s.transaction)).toEqual(Array.from({ length: 50 }, (_, i) => `t-${350 + i}`));
    });

    it("forgetFrom drops the kept transactions of customers who came in from then on (a back-fill makes them again), from the file too", () => {
      const file = join(tempDir(), "sim-1.sales.jsonl");
      const up = new SalesUploader({ url: "http://127.0.0.1:9/x", token: "tok", log: logLines().log, file });
      // Customer i came in 3 ms before paying; one kept by an older simulator says only when it paid.
      for (let i = 0; i < 10; i++) up.add({ ...sale(i), arrived: sale(i).ts - 3 });
      up.add(sale(10));
      up.close();
      const next = new SalesUploader({ url: "http://127.0.0.1:9/x", token: "tok", log: logLines().log, file });
      // From t-6's payment on: t-6, t-7 and t-8 came in before it and stay; t-9 and t-10 go.
      expect(next.forgetFrom(sale(6).ts)).toBe(2);
      expect(new SalesUploader({ url: "http://127.0.0.1:9/x", token: "tok", log: logLines().log, file }).kept).toBe(9);
    });

    it("sends the import only the transaction's own fields (when the customer came in stays in the file)", async () => {
      const r = await receiver();
      const up = new SalesUploader({ url: r.url, token: "tok", log: logLines().log, file: join(tempDir(), "s.jsonl") });
      up.add({ ...sale(1), arrived: 5 });
      await up.flush();
      expect(r.bodies).toEqual([[sale(1)]]);
    });

    it("without a file, a stop says the transactions left are lost and how to keep them", async () => {
      const { lines, log } = logLines();
      const up = new SalesUploader({ url: "http://127.0.0.1:9/x", token: "tok", log });
      up.add(sale(1));
      await up.flush(300);
      up.close();
      expect(lines.some((l) => /WARN.*they are lost.*give the agent a dataDir, or the simulator sales.stateFile/.test(l))).toBe(true);
    });
  });
});
