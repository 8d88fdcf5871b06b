/**
 * A real webhook receiver on a local port (node:http), verifying requests as README "Webhooks"
 * tells receivers to (written here from the documentation, not with the server's code):
 * HMAC-SHA256 over `${t}.${raw body}`, a 5-minute window, a delivery id taken once.
 * It can go down (port closed) and come back on the same port, or answer 503 for a while.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedDelivery {
  id: string;
  type: string;
  body: Record<string, unknown> & { id: string; type: string; store: string; at: number; data: unknown };
  /** When it was taken (Date.now()). */
  at: number;
}

export interface Refusal {
  status: number;
  why: string;
  deliveryId: string | undefined;
}

export class WebhookReceiver {
  /** Deliveries taken, in the order they arrived (each id once). */
  readonly taken: ReceivedDelivery[] = [];
  readonly refused: Refusal[] = [];
  /** Requests answered 503 while `failing`. */
  readonly failed: string[] = [];
  failing = false;
  private readonly seen = new Set<string>();
  private server: Server | null = null;
  private listeners: ((d: ReceivedDelivery) => void)[] = [];
  port = 0;

  constructor(
    readonly secret: string,
    readonly windowSeconds = 300,
    /** The receiver's clock (a test's faster clock, shared with the server's). */
    readonly now: () => number = Date.now,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  async up(): Promise<void> {
    const server = createServer((req, res) => {
      void this.handle(req).then(({ status, text }) => res.writeHead(status, { "content-type": "text/plain" }).end(text));
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stop listening (new connections are refused) and drop open ones. */
  async down(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  onDelivery(fn: (d: ReceivedDelivery) => void): void {
    this.listeners.push(fn);
  }

  /** Verify one request as a receiver should; what it answered. */
  private async handle(req: IncomingMessage): Promise<{ status: number; text: string }> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const id = req.headers["footfall-delivery"] as string | undefined;
    const refuse = (status: number, why: string) => {
      this.refused.push({ status, why, deliveryId: id });
      return { status, text: why };
    };
    const header = req.headers["footfall-signature"] as string | undefined;
    const fields = new Map((header ?? "").split(",").map((kv) => kv.split("=", 2) as [string, string]));
    const t = Number(fields.get("t"));
    const v1 = fields.get("v1") ?? "";
    if (!header || !Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(v1) || !id) return refuse(400, "malformed signature or delivery header");
    const expected = createHmac("sha256", this.secret).update(`${t}.${raw}`).digest();
    if (!timingSafeEqual(expected, Buffer.from(v1, "hex"))) return refuse(401, "bad signature");
    if (Math.abs(this.now() / 1000 - t) > this.windowSeconds) return refuse(401, "timestamp outside the replay window");
    if (this.failing) {
      this.failed.push(id);
      return { status: 503, text: "down for maintenance" };
    }
    // A delivery id already taken is not processed again, but answered 2xx: it may be the server's
    // retry of a delivery whose answer was lost, and a non-2xx would make it retry for ever.
    if (this.seen.has(id)) {
      this.refused.push({ status: 200, why: "delivery id already taken (a replay): ignored", deliveryId: id });
      return { status: 200, text: "already taken" };
    }
    this.seen.add(id);
    const d: ReceivedDelivery = { id, type: req.headers["footfall-event"] as string, body: JSON.parse(raw) as ReceivedDelivery["body"], at: this.now() };
    this.taken.push(d);
    for (const l of this.listeners) l(d);
    return { status: 204, text: "" };
  }
}
