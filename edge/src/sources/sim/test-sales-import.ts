import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

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
