import { createConnection, createServer, type Server, type Socket } from "node:net";

/**
 * A TCP proxy to a local port that can drop what flows back to the clients (for example MQTT
 * acknowledgements), so a test decides exactly which messages a client never saw acknowledged.
 */
export class TcpProxy {
  /** While true, bytes from the target to clients are discarded. */
  dropDownstream = false;
  /** While true (after `cut()`), every connection is refused: the link is down. */
  private down = false;
  private readonly sockets = new Set<Socket>();
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number, targetHost = "127.0.0.1"): Promise<TcpProxy> {
    let proxy: TcpProxy | null = null;
    const server = createServer({ noDelay: true }, (client) => {
      if (proxy!.down) {
        client.destroy();
        return;
      }
      const upstream = createConnection({ port: targetPort, host: targetHost, noDelay: true });
      proxy!.sockets.add(client).add(upstream);
      client.on("data", (chunk) => upstream.write(chunk));
      upstream.on("data", (chunk) => {
        if (!proxy!.dropDownstream) client.write(chunk);
      });
      const close = () => {
        client.destroy();
        upstream.destroy();
        proxy!.sockets.delete(client);
        proxy!.sockets.delete(upstream);
      };
      client.on("close", close).on("error", close);
      upstream.on("close", close).on("error", close);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    proxy = new TcpProxy(server, typeof address === "object" && address ? address.port : 0);
    return proxy;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }
  /** A network outage: every connection through the proxy is cut, and new ones are refused until `restore()`. */
  cut(): void {
    this.down = true;
    for (const s of this.sockets) s.destroy();
  }
  /** The link is back: connections are accepted again. */
  restore(): void {
    this.down = false;
  }
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
