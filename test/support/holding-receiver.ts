/**
 * A webhook receiver that holds every request until the test answers it (oldest first), to force the order in which a
 * dispatcher's outcomes are written. Each request's `Footfall-Delivery` id is kept in `got`.
 */
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface HoldingReceiver {
  url: string;
  /** The delivery ids of the requests taken, in order. */
  got: string[];
  /** The requests not answered yet, oldest first. */
  held: ServerResponse[];
  /** Answers the oldest request held with `status`. */
  answer(status: number): void;
  close(): Promise<void>;
}

export async function holdingReceiver(): Promise<HoldingReceiver> {
  const held: ServerResponse[] = [];
  const got: string[] = [];
  const server = createServer((req, res) => {
    got.push(String(req.headers["footfall-delivery"]));
    req.resume();
    held.push(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    got,
    held,
    answer: (status) =>
      void held
        .shift()!
        .writeHead(status)
        .end(status >= 400 ? "no" : undefined),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
