import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, vi } from "vitest";
import type { SaleUpload } from "./sales-upload.js";

/**
 * Sales imports for tests: one on a real socket (for a simulator in a child process or a real
 * uploader's fetch), and a fake `fetch` with the set-up of the uploader's property tests.
 */

/**
 * A sales import on a real socket, for tests: it refuses everything (503) while `state.busy` (noting
 * each transaction offered in `tried`), else it stores each transaction, counting repeats in `stored`
 * (keyed by `keyOf`: the transaction id, unless told), and answers as the server's import does.
 */
export async function testSalesImport(keyOf: (path: string, transaction: string) => string = (_path, t) => t) {
  const tried = new Set<string>();
  const stored = new Map<string, number>();
  const state = { busy: true };
  const server: Server = createServer((req, res) => {
    let text = "";
    req.on("data", (c: Buffer) => (text += String(c)));
    req.on("end", () => {
      const { sales } = JSON.parse(text) as { sales: Array<{ transaction: string }> };
      if (state.busy) {
        for (const s of sales) tried.add(s.transaction);
        res.writeHead(503, { "content-type": "application/json" }).end(JSON.stringify({ message: "busy" }));
        return;
      }
      let accepted = 0;
      for (const s of sales) {
        const key = keyOf(req.url ?? "", s.transaction);
        stored.set(key, (stored.get(key) ?? 0) + 1);
        if (stored.get(key) === 1) accepted++;
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ accepted, duplicates: sales.length - accepted, rejected: [], rejectedCount: 0 }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, url: `${base}/api/v1/stores/demo/sales`, tried, stored, state, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/**
 * The sales import as a count per transaction id, answering 503 while `state.busy`: a stand-in for
 * `fetch` (no socket), so that thousands of property runs take seconds.
 */
export function fakeSalesImport() {
  const stored = new Map<string, number>();
  const state = { busy: false };
  const fetch = vi.fn((_url: string, init: { body: string }) => {
    if (state.busy) return Promise.resolve(new Response(JSON.stringify({ message: "busy" }), { status: 503 }));
    const { sales } = JSON.parse(init.body) as { sales: SaleUpload[] };
    let accepted = 0;
    for (const s of sales) {
      stored.set(s.transaction, (stored.get(s.transaction) ?? 0) + 1);
      if (stored.get(s.transaction) === 1) accepted++;
    }
    return Promise.resolve(new Response(JSON.stringify({ accepted, duplicates: sales.length - accepted, rejected: [], rejectedCount: 0 }), { status: 200 }));
  });
  return { stored, state, fetch };
}

/**
 * The set-up of a property test file of the uploader with a sales file: registers a temporary
 * directory (named from `prefix`) made before each test and removed after it, with the globals
 * unstubbed; returns `run()`, for each run of a property: a new {@link fakeSalesImport} stubbed as
 * the global `fetch`, and a sales file of its own in that directory.
 */
export function salesImportRuns(prefix: string): () => { imp: ReturnType<typeof fakeSalesImport>; file: string } {
  let dir: string;
  let run = 0;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const imp = fakeSalesImport();
    vi.stubGlobal("fetch", imp.fetch);
    return { imp, file: join(dir, `run-${run++}.sales.jsonl`) };
  };
}
