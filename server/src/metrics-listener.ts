import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { DEFAULT_CLOCK_WARN_MS } from "@footfall/core";
import { AGENT_GAUGE_STATES, agentStateCountsOpened, clockOffCount } from "./agent-list-format.js";
import { storedOpening } from "./analytics/zone-tracking.js";
import type { Logger } from "./log.js";
import { mqttConnected, type Services } from "./services.js";

/** The Prometheus text of the server's metrics (a split chain server's: both threads'), read at scrape time. */
export async function scrape(
  services: Pick<Services, "metrics" | "mqtt" | "mqttConnected" | "ingestMetrics"> & Partial<Pick<Services, "storage" | "clockWarnMs" | "now">>,
): Promise<{ contentType: string; body: string }> {
  // Read the link at scrape time: an external broker can drop and come back at any moment.
  services.metrics.mqttConnected.set(mqttConnected(services) ? 1 : 0);
  // The agents' clocks from the database (NaN while it does not answer: the rest of the scrape still serves).
  if (services.storage) {
    const warnMs = services.clockWarnMs ?? DEFAULT_CLOCK_WARN_MS;
    const { storage, metrics } = services;
    const now = services.now?.() ?? Date.now();
    const [[clockOff, states], digests, heads] = await Promise.all([
      storage.agents.listAll().then(
        // An offline agent of a store closed since it went down (or within its grace after the opening) is `closed`.
        async (rows) => [clockOffCount(rows, warnMs), await agentStateCountsOpened(rows, now, (s) => storedOpening(storage, s, now))] as const,
        () => [Number.NaN, null] as const,
      ),
      storage.digests.list().catch(() => null),
      storage.webhooks.heads().catch(() => null),
    ]);
    metrics.agentsClockOff.set(clockOff);
    for (const state of AGENT_GAUGE_STATES) metrics.agents.set({ state }, states ? states[state] : Number.NaN);
    // A failed period stays on its digest (failedPeriod) until it is sent; gaveUpAt says the scheduler stopped trying.
    const failing = digests?.filter((d) => d.failedPeriod !== null) ?? null;
    metrics.digestsFailing.set({ state: "retrying" }, failing ? failing.filter((d) => d.gaveUpAt === null).length : Number.NaN);
    metrics.digestsFailing.set({ state: "given_up" }, failing ? failing.filter((d) => d.gaveUpAt !== null).length : Number.NaN);
    metrics.webhooksRetrying.set(heads ? heads.filter((h) => h.attempts > 0).length : Number.NaN);
  }
  const texts = await Promise.all([services.metrics.registry.metrics(), services.ingestMetrics?.() ?? ""]);
  return { contentType: services.metrics.registry.contentType, body: texts.filter((t) => t !== "").map((t) => (t.endsWith("\n") ? t : `${t}\n`)).join("") };
}

export interface MetricsListener {
  /** The port it listens on (the one asked for, or the one the system chose for 0). */
  port: number;
  url: string;
  close(): Promise<void>;
}

/**
 * `GET /metrics` on a listener of its own, as Prometheus exporters do (FOOTFALL_METRICS_HOST,
 * 127.0.0.1 by default, and FOOTFALL_METRICS_PORT, 9464): the metrics name every store, so they
 * stay off the public port unless asked for there with an admin token.
 */
export async function startMetricsListener(services: Parameters<typeof scrape>[0], opts: { host: string; port: number; log: Logger }): Promise<MetricsListener> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" }).end("only GET /metrics here\n");
      return;
    }
    if (path !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("Footfall metrics: GET /metrics (Prometheus text format)\n");
      return;
    }
    scrape(services).then(
      ({ contentType, body }) => res.writeHead(200, { "content-type": contentType, "cache-control": "no-store" }).end(req.method === "HEAD" ? undefined : body),
      (err: Error) => {
        opts.log.error({ err: err.message }, "metrics scrape failed");
        res.writeHead(500, { "content-type": "text/plain" }).end("metrics unavailable\n");
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.unref();
  const port = (server.address() as AddressInfo).port;
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  return {
    port,
    url: `http://${host === "0.0.0.0" || host === "[::]" ? "localhost" : host}:${port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
