import { createConnection, createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll } from "vitest";
import type { PostgresFixture } from "./postgres.js";

/** One relayed connection: the client's side and PostgreSQL's, whether it has gone silent, and whether the client's side ended (sent its FIN). */
export interface RelayedLink {
  client: Socket;
  up: Socket;
  silent: boolean;
  ended: boolean;
}

export interface SilentRelayOptions {
  /**
   * Whether the relay answers the client's FIN with its own once the link is silent. Default false: a silent link passes no
   * FIN either (the socket ended by the client stays half-open). While the link lives a FIN is always answered.
   */
  finWhenSilent?: boolean;
  /** Run on the fresh database (direct, not relayed) before the relay starts: a table to make, say. */
  prepare?: (url: string) => Promise<void>;
}

export interface SilentRelay {
  /** The fresh database's own URL (not through the relay). */
  readonly url: string;
  /** The same database through the relay. */
  readonly relayedUrl: string;
  /** Every connection relayed so far, the closed ones too. */
  readonly links: readonly RelayedLink[];
  /** The relayed connections still open on the client's side. */
  open(): RelayedLink[];
  /**
   * The cable cut: every link open now goes silent, and so does every new one from its start (a new connection is accepted
   * and never answered, as pg sees a link that drops its packets: it has no connect timeout of its own).
   */
  cut(): void;
}

/**
 * A fresh database (`server.database(prefix)`) and a TCP relay in front of it that can go silent, as a link does when a
 * firewall or NAT forgets it or a cable is cut: a link's `silent = true` drops its bytes both ways and leaves both sockets
 * open (no FIN, no RST), so the client learns nothing. Started in beforeAll (after the fixture's server), every link and
 * the relay closed in afterAll. Call it at the top of a test file, after `usePostgres()`.
 */
export function useSilentRelay(server: PostgresFixture, prefix: string, opts: SilentRelayOptions = {}): SilentRelay {
  let url: string | undefined;
  let relayPort = 0;
  let relay: Server | undefined;
  const links: RelayedLink[] = [];
  let cut = false;

  beforeAll(async () => {
    url = server.database(prefix);
    await opts.prepare?.(url);
    const pgPort = Number(new URL(url).port);
    // Half-open allowed: the relay decides whether a FIN is answered.
    relay = createServer({ allowHalfOpen: true }, (client) => {
      const up = createConnection({ host: "127.0.0.1", port: pgPort });
      const link: RelayedLink = { client, up, silent: cut, ended: false };
      links.push(link);
      // Bytes pass while the link lives; once silent they are dropped both ways, the sockets left open (no FIN, no RST).
      client.on("data", (b: Buffer) => void (link.silent || up.write(b)));
      up.on("data", (b: Buffer) => void (link.silent || client.write(b)));
      // A link made after the cut never reaches PostgreSQL: its end there (the startup never sent, authentication_timeout)
      // does not reach the client either.
      const bornCut = cut;
      up.on("error", () => void (bornCut || client.destroy()));
      client.on("error", () => up.destroy());
      up.on("close", () => void (bornCut || client.destroy()));
      client.on("close", () => up.destroy());
      client.on("end", () => {
        link.ended = true;
        if (!link.silent || opts.finWhenSilent) client.end();
      });
    });
    await new Promise<void>((resolve) => relay!.listen(0, "127.0.0.1", resolve));
    const address = relay.address();
    relayPort = typeof address === "object" && address ? address.port : 0;
  });
  afterAll(async () => {
    for (const link of links) {
      link.up.destroy();
      link.client.destroy();
    }
    if (relay) await new Promise<void>((resolve) => relay!.close(() => resolve()));
  });

  return {
    get url() {
      if (!url) throw new Error("useSilentRelay(): the database is made in beforeAll; use it inside a hook or a test");
      return url;
    },
    get relayedUrl() {
      const relayed = new URL(this.url);
      relayed.port = String(relayPort);
      return relayed.toString();
    },
    links,
    open: () => links.filter((l) => !l.client.destroyed),
    cut: () => {
      cut = true;
      for (const link of links) link.silent = true;
    },
  };
}
