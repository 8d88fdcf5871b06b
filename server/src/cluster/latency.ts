/**
 * Where a chain server's request time goes (issue 12: query p95 under load): the event loop's delay,
 * the PostgreSQL pools' queues and the HTTP requests' own time, summed over a window and reset at
 * each {@link LatencyProbe.take} (the cluster heartbeat's, every renewal: `footfall cluster status`
 * shows it as `latency`).
 */
import { monitorEventLoopDelay } from "node:perf_hooks";

/** A pool's connections: open, idle, and callers waiting for one. */
export interface PoolState {
  total: number;
  idle: number;
  waiting: number;
}

export interface LatencyWindow {
  /** Length of the window (ms). */
  windowMs: number;
  /** Event-loop delay (ms): how late a timer ran, the wait any callback had before it could start. */
  loop: { p50: number; p99: number; max: number };
  /** Per pool: the most callers waiting for a connection at once in the window (sampled every 100 ms), and the state now. */
  pools: Record<string, PoolState & { maxWaiting: number }>;
  /** HTTP requests answered in the window, by kind, with their time inside the server (ms, from the request's arrival to the response's end). */
  http: Record<string, { n: number; p50: number; p95: number; max: number }>;
}

/** The probes running in this process (a server has one; tests may start several). */
const probes = new Set<LatencyProbe>();

/** An HTTP request (its route's URL pattern) was answered after `ms` inside the server: counted by every probe running. */
export function noteRequest(route: string | undefined, ms: number): void {
  if (probes.size === 0) return;
  const kind = route === undefined ? "other" : route.endsWith("/health") ? "health" : route.startsWith("/api/v1/stores/:store/") ? "store" : "other";
  for (const p of probes) p.request(kind, ms);
}

const round = (n: number) => Math.round(n * 10) / 10;
const pct = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! : 0);

export class LatencyProbe {
  private readonly loop: ReturnType<typeof monitorEventLoopDelay>;
  private readonly maxWaiting = new Map<string, number>();
  private readonly http = new Map<string, number[]>();
  private readonly sampler: ReturnType<typeof setInterval>;
  private since = performance.now();

  constructor(private readonly pools: () => Record<string, PoolState>) {
    this.loop = monitorEventLoopDelay({ resolution: 10 });
    this.loop.enable();
    this.sampler = setInterval(() => {
      for (const [name, p] of Object.entries(this.pools())) this.maxWaiting.set(name, Math.max(this.maxWaiting.get(name) ?? 0, p.waiting));
    }, 100);
    this.sampler.unref();
    probes.add(this);
  }

  /** An HTTP request of this kind took `ms` inside the server. At most 10,000 are kept per kind and window. */
  request(kind: string, ms: number): void {
    let l = this.http.get(kind);
    if (!l) this.http.set(kind, (l = []));
    if (l.length < 10_000) l.push(ms);
  }

  /** The window since the last call, and a new one begins. */
  take(): LatencyWindow {
    const ms = (ns: number) => round(ns / 1e6);
    const now = performance.now();
    const out: LatencyWindow = {
      windowMs: Math.round(now - this.since),
      loop: { p50: ms(this.loop.percentile(50)), p99: ms(this.loop.percentile(99)), max: ms(this.loop.max) },
      pools: {},
      http: {},
    };
    for (const [name, p] of Object.entries(this.pools())) out.pools[name] = { ...p, maxWaiting: Math.max(this.maxWaiting.get(name) ?? 0, p.waiting) };
    for (const [kind, l] of this.http) {
      l.sort((a, b) => a - b);
      out.http[kind] = { n: l.length, p50: round(pct(l, 0.5)), p95: round(pct(l, 0.95)), max: round(l.at(-1) ?? 0) };
    }
    this.loop.reset();
    this.maxWaiting.clear();
    this.http.clear();
    this.since = now;
    return out;
  }

  close(): void {
    probes.delete(this);
    clearInterval(this.sampler);
    this.loop.disable();
  }
}
