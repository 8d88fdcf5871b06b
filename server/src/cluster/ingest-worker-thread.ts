/**
 * The ingest worker thread of a chain server (./ingest-worker.ts): the server's ingest half, no HTTP.
 * Its log lines go to the process's output with `half: "ingest"`. Asked to close, it hands its shards
 * over and exits; anything uncaught ends the thread, and with it the process (the main thread exits).
 */
import { parentPort, workerData } from "node:worker_threads";
import type { FootfallEvent } from "@footfall/core";
import { createLogger } from "../log.js";
import { startHalf } from "../server.js";
import type { FromWorker, IngestWorkerData, ToWorker } from "./ingest-worker.js";

/** The tap's pending events go to the front at most this often per store (the live push itself is ≤ 10 a second). */
const PENDING_EVERY_MS = 100;

const port = parentPort!;
const data = workerData as IngestWorkerData;
const log = createLogger().child({ half: "ingest" });
const post = (m: FromWorker) => port.postMessage(m);

let watched = new Set<string>();
let latency: unknown = null;
/** The front's URL (`cluster status` shows it from the next heartbeat on). */
let http: string | null = null;
const dirty = new Map<string, (store: string) => readonly FootfallEvent[]>();

const server = await startHalf(
  data.config,
  { log },
  {
    role: "ingest",
    serverId: data.serverId,
    info: () => ({ http, ...(latency ? { latency } : {}) }),
    watched: (store) => watched.has(store),
    tapChanged: (stores, pending) => {
      for (const s of stores) if (watched.has(s)) dirty.set(s, pending);
    },
  },
);

// The ingest's health (shard sessions connected, commits failing) for the front's /health, when it changes or every 5 s.
let lastState = "";
let lastStateAt = 0;
const stateTimer = setInterval(() => {
  const state = server.live.ingestState();
  const key = JSON.stringify(state);
  if (key === lastState && performance.now() - lastStateAt < 5_000) return;
  lastState = key;
  lastStateAt = performance.now();
  post({ type: "state", state });
}, 250);
stateTimer.unref();

const flush = setInterval(() => {
  if (dirty.size === 0) return;
  const entries: [string, FootfallEvent[]][] = [...dirty].map(([s, pending]) => [s, [...pending(s)]]);
  dirty.clear();
  post({ type: "pending", entries });
}, PENDING_EVERY_MS);
flush.unref();

port.on("message", (m: ToWorker) => {
  if (m.type === "front") http = m.http;
  else if (m.type === "watched") {
    const before = watched;
    watched = new Set(m.stores);
    // A store no longer followed: the front forgets its pending events.
    const gone = [...before].filter((s) => !watched.has(s));
    if (gone.length) post({ type: "pending", entries: gone.map((s) => [s, []]) });
  } else if (m.type === "latency") latency = m.window;
  else if (m.type === "metrics")
    void server.services.metrics.registry.metrics().then(
      (text) => post({ type: "metrics", id: m.id, text }),
      (err: Error) => log.warn({ err: err.message }, "the ingest worker could not read its metrics"),
    );
  else if (m.type === "rejects") post({ type: "rejects", id: m.id, agents: server.services.metrics.rejectsByAgent(m.store) });
  else if (m.type === "close") {
    clearInterval(flush);
    clearInterval(stateTimer);
    void server.close().then(
      () => {
        post({ type: "closed" });
        process.exit(0);
      },
      (err: Error) => {
        log.error({ err: err.message }, "the ingest worker did not close cleanly");
        process.exit(1);
      },
    );
  }
});

// Fault drills and tests: an uncaught error in the ingest thread this long after it is ready (the process must exit non-zero).
const throwAfter = Number(process.env.FOOTFALL_TEST_INGEST_WORKER_THROW_AFTER_MS ?? "");
if (throwAfter > 0)
  setTimeout(() => {
    throw new Error(`FOOTFALL_TEST_INGEST_WORKER_THROW_AFTER_MS: the ingest worker fails on purpose after ${throwAfter} ms`);
  }, throwAfter);

post({ type: "ready", shards: server.cluster?.leases.leases().map((l) => l.shard) ?? [] });
