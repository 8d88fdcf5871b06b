import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { FastHistogram } from "./fast-histogram.js";

/**
 * Which part of a server a registry holds: `whole` (one thread), or one half of a chain server split in two
 * threads (./cluster/ingest-worker.ts): the `front` (HTTP, live push, the process's own figures) or the
 * `ingest` worker (events, receipts, commits, and its thread's event loop, heap and GC). The two halves'
 * registries hold disjoint names, so the front serves its text and the worker's as one scrape.
 */
export type MetricsPart = "whole" | "front" | "ingest";

/** The worker's own thread figures (its event loop, heap, GC, handles), beside the front's `footfall_process_` ones. */
export const INGEST_THREAD_PREFIX = "footfall_ingest_thread_";

/** Prometheus metrics of one server; each server has its own registry (tests build many). */
export function createMetrics(part: MetricsPart = "whole") {
  const registry = new Registry();
  // A metric of the other half exists (the code that counts it runs on either) but is served by that half only.
  const front = part === "ingest" ? [] : [registry];
  const ingest = part === "front" ? [] : [registry];
  if (part === "ingest") {
    // Per-thread figures only: the process's CPU, memory, descriptors and version are the front's.
    collectDefaultMetrics({ register: registry, prefix: INGEST_THREAD_PREFIX });
    for (const m of registry.getMetricsAsArray()) {
      if (!m.name.startsWith(`${INGEST_THREAD_PREFIX}nodejs_`) || m.name.endsWith("_version_info")) registry.removeSingleMetric(m.name);
    }
  } else collectDefaultMetrics({ register: registry, prefix: "footfall_process_" });
  /** PostgreSQL's link as the storage sees it (storage-pg/pool.ts PgLink), read at each scrape; null: SQLite. */
  const database: { link: { readonly reachable: boolean; readonly errors: number } | null } = { link: null };
  return {
    registry,
    database,
    databaseReachable: new Gauge({
      name: "footfall_database_reachable",
      help: "PostgreSQL: 0 from its first connection error (a restart, a network cut; logged once) until a connection succeeds again (logged once, with how long), else 1; SQLite: always 1",
      registers: front,
      collect() {
        this.set(database.link && !database.link.reachable ? 0 : 1);
      },
    }),
    databaseConnectionErrors: new Counter({
      name: "footfall_database_connection_errors_total",
      help: "PostgreSQL: connection errors since start (pooled connections ended by a restart, connections refused, requests and commits that failed for it): counted here, not logged one by one",
      registers: front,
      collect() {
        this.reset();
        if (database.link?.errors) this.inc(database.link.errors);
      },
    }),
    eventsAccepted: new Counter({ name: "footfall_events_accepted_total", help: "Events stored and counted", labelNames: ["store"], registers: ingest }),
    eventsDuplicate: new Counter({ name: "footfall_events_duplicate_total", help: "Events ignored because their id was already accepted", labelNames: ["store"], registers: ingest }),
    eventsRejected: new Counter({
      name: "footfall_events_rejected_total",
      help: "Events or whole messages (statuses and wills included) rejected, by reason (schema, malformed, oversized, too_deep, future, too_old, unknown_zone, unknown_store, unknown_agent, forged, foreign_id, personal_id, forbidden_topic, internal_error)",
      labelNames: ["reason"],
      registers: ingest,
    }),
    receiptsSettled: new Counter({ name: "footfall_receipts_settled_total", help: "Event ids listed in receipts sent to agents after their commit", registers: ingest }),
    // Observed for every accepted event: a histogram whose observe allocates nothing (./fast-histogram.ts).
    ingestLag: new FastHistogram({
      name: "footfall_ingest_lag_seconds",
      help: "From an event's ts to its commit",
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600],
      registers: ingest,
    }),
    commitSeconds: new Histogram({ name: "footfall_ingest_commit_seconds", help: "Duration of one group commit", buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5], registers: ingest }),
    mqttConnected: new Gauge({ name: "footfall_mqtt_connected", help: "1 when the server's MQTT ingest is connected", registers: front }),
    mqttLoginsRefused: new Counter({
      name: "footfall_mqtt_logins_refused_total",
      help: "Connections the embedded broker refused, by reason: bad_credentials, no_credentials, rate_limited, client_id, unavailable (the login could not be checked: the database does not answer; the agent retries; logged once per spell)",
      labelNames: ["reason"],
      registers: front,
    }),
    liveClients: new Gauge({ name: "footfall_live_clients", help: "Socket.IO clients connected", registers: front }),
    agentsClockOff: new Gauge({
      name: "footfall_agents_clock_off",
      help: "Online agents whose clock is off the server's by more than FOOTFALL_CLOCK_WARN_MS (the Agents view's Clock flag, footfall agent list's !), read from the database at each scrape: every server of a chain says the chain's count",
      registers: front,
    }),
    agents: new Gauge({
      name: "footfall_agents",
      help: "Agents by state: online, offline (said goodbye, or the broker sent its last will), never-seen (added, no status yet), revoked, closed (offline since its store closed or shortly before, until its agent-offline rule pages for it (the store open for the rule's threshold and forSeconds; 10 min without one): a box switched off at night, not counted as offline); read from the database at each scrape, so every server of a chain says the chain's; no store label (a chain of 1,000 stores is still 5 series): footfall agent list --status offline names them (--status closed the closed ones); alert on e.g. footfall_agents{state=\"offline\"} > 0",
      labelNames: ["state"],
      registers: front,
    }),
    commitFailures: new Counter({ name: "footfall_commit_failures_total", help: "Group commits of events that failed (disk full, database locked or read-only)", registers: ingest }),
    overviewMemo: new Counter({
      name: "footfall_overview_memo_stores_total",
      help: "Chain overview: stores' period sketches answered from memory (hit), read for a request (read), or read ahead in the background (warmed)",
      labelNames: ["answer"],
      registers: front,
    }),
    // Webhooks are sent by the server (or the worker) that ingests their store; digests by the thread that serves HTTP.
    webhookFailures: new Counter({
      name: "footfall_webhook_failures_total",
      help: "Webhook delivery attempts that failed (no answer, or an answer other than 2xx): each is in its hook's delivery log and retried with backoff",
      registers: ingest,
    }),
    webhookGivenUp: new Counter({ name: "footfall_webhook_given_up_total", help: "Webhook deliveries given up after FOOTFALL_WEBHOOK_MAX_ATTEMPTS failed attempts", registers: ingest }),
    webhooksDisabled: new Counter({
      name: "footfall_webhooks_disabled_total",
      help: "Webhooks disabled for failing (FOOTFALL_WEBHOOK_DISABLE_AFTER_FAILURES or _AFTER_MS): their deliveries wait until an admin enables them again",
      registers: ingest,
    }),
    webhooksRetrying: new Gauge({
      name: "footfall_webhooks_retrying",
      help: "Enabled webhooks whose next delivery failed and waits for a retry, read from the database at each scrape (every server of a chain says the chain's)",
      registers: front,
    }),
    digestFailures: new Counter({
      name: "footfall_digest_failures_total",
      help: "Scheduled digest sends that failed (the mail server refused, or did not answer); each period is retried with backoff",
      registers: front,
    }),
    digestGivenUp: new Counter({
      name: "footfall_digest_given_up_total",
      help: "Digest periods the scheduler gave up on (FOOTFALL_DIGEST_ATTEMPTS failed or interrupted attempts, or the next period came due first): not sent unless an admin sends them again",
      registers: front,
    }),
    digestsFailing: new Gauge({
      name: "footfall_digests_failing",
      help: "Digests whose last period failed, by state: retrying, or given_up (listed so in Admin > Digests until sent), read from the database at each scrape",
      labelNames: ["state"],
      registers: front,
    }),
    commitFailing: new Gauge({ name: "footfall_commit_failing", help: "1 while the last group commit failed (then /api/v1/health says degraded), 0 after a success", registers: ingest }),
    /** Rejects since this server started, by store and agent, then by reason: the Agents view says why events were refused. */
    rejectReasons: new Map<string, Map<string, number>>(),
    /** Counts one reject of `agent` for `reason` (the reasons are a fixed, small set). */
    noteReject(store: string, agent: string, reason: string): void {
      const key = `${store}\u0000${agent}`;
      let byReason = this.rejectReasons.get(key);
      if (!byReason) this.rejectReasons.set(key, (byReason = new Map()));
      byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
    },
    /** An agent's rejects by reason since this server started. */
    rejectsOf(store: string, agent: string): Record<string, number> {
      return Object.fromEntries(this.rejectReasons.get(`${store}\u0000${agent}`) ?? []);
    },
    /** The rejects by reason of each agent of `store` that had any since this server started. */
    rejectsByAgent(store: string): Record<string, Record<string, number>> {
      const prefix = `${store}\u0000`;
      const byAgent: Record<string, Record<string, number>> = {};
      for (const [key, byReason] of this.rejectReasons) if (key.startsWith(prefix)) byAgent[key.slice(prefix.length)] = Object.fromEntries(byReason);
      return byAgent;
    },
    /**
     * The last commit's failure (message and since when), or null after a success: /api/v1/health reads it.
     * `connectionLost`: it failed because PostgreSQL did not answer, so it is mended when PostgreSQL answers again.
     */
    commitProblem: null as { error: string; since: number; connectionLost?: boolean } | null,
    /** The ingest pipeline reports each group commit: `err` when it failed (`connectionLost`: PostgreSQL did not answer). */
    noteCommit(err?: unknown, connectionLost = false): void {
      if (err === undefined) {
        this.commitFailing.set(0);
        this.commitProblem = null;
        return;
      }
      this.commitFailures.inc();
      this.commitFailing.set(1);
      this.commitProblem = { error: err instanceof Error ? err.message : String(err), since: this.commitProblem?.since ?? Date.now(), ...(connectionLost ? { connectionLost } : {}) };
    },
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
