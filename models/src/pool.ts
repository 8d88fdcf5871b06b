/**
 * A pool of worker_threads, each with its own TF.js backend and detector: the way to use more
 * than one core with WASM in Node. `detect` keeps at most one frame in flight per worker and
 * queues the rest in order; a worker that dies is replaced and its frame fails (never hangs).
 */
import { Worker } from "node:worker_threads";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { DetectorOptions, Person, PersonDetector, RgbFrame } from "./types.js";

export interface WorkerRequest {
  id: number;
  width: number;
  height: number;
  data: ArrayBuffer;
}
export type WorkerReply =
  | { type: "ready"; backend: string }
  | { type: "failed"; error: string }
  | { type: "result"; id: number; persons: Person[] }
  | { type: "error"; id: number; error: string };

interface Job {
  id: number;
  frame: RgbFrame;
  resolve: (p: Person[]) => void;
  reject: (e: Error) => void;
}
interface Slot {
  worker: Worker;
  job: Job | null;
  ready: Promise<string>;
}

export interface PoolOptions extends DetectorOptions {
  /** Worker threads; default 2 (one per core of the target edge box). */
  workers?: number;
}

/** Path of the compiled worker entry (the pool runs from `dist/`). */
export function workerPath(): string {
  const here = fileURLToPath(new URL("./worker.js", import.meta.url));
  if (existsSync(here)) return here;
  // Running from TypeScript sources (tests): use the built worker.
  return fileURLToPath(new URL("../dist/worker.js", import.meta.url));
}

export class DetectorPool implements PersonDetector {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  backend = "unknown";

  private constructor(private readonly options: PoolOptions) {}

  static async create(options: PoolOptions = {}): Promise<DetectorPool> {
    const pool = new DetectorPool(options);
    const n = Math.max(1, Math.floor(options.workers ?? 2));
    for (let i = 0; i < n; i++) pool.slots.push(pool.spawn());
    try {
      const names = await Promise.all(pool.slots.map((s) => s.ready));
      pool.backend = names[0] ?? "unknown";
    } catch (err) {
      // A worker that cannot start (its model missing, its backend failing) ends them all: the camera
      // retries a failed start with backoff, and each try used to leave its threads running for good.
      await pool.dispose();
      throw err;
    }
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  private spawn(): Slot {
    const { workers: _n, ...detectorOptions } = this.options;
    const worker = new Worker(workerPath(), { workerData: detectorOptions });
    let settleReady: { resolve: (b: string) => void; reject: (e: Error) => void } | undefined;
    const slot: Slot = {
      worker,
      job: null,
      ready: new Promise<string>((resolve, reject) => (settleReady = { resolve, reject })),
    };
    slot.ready.catch(() => undefined);
    worker.on("message", (msg: WorkerReply) => {
      if (msg.type === "ready") return settleReady?.resolve(msg.backend);
      if (msg.type === "failed") return settleReady?.reject(new Error(`detector worker failed to start: ${msg.error}`));
      const job = slot.job;
      if (!job || job.id !== msg.id) return;
      slot.job = null;
      if (msg.type === "result") job.resolve(msg.persons);
      else job.reject(new Error(msg.error));
      this.pump();
    });
    const onGone = (err?: Error) => {
      settleReady?.reject(err ?? new Error("detector worker exited"));
      const job = slot.job;
      slot.job = null;
      job?.reject(err ?? new Error("detector worker exited"));
      const i = this.slots.indexOf(slot);
      if (i >= 0 && !this.closed) {
        this.slots[i] = this.spawn();
        this.pump();
      }
    };
    worker.on("error", (err: unknown) => onGone(err instanceof Error ? err : new Error(String(err))));
    worker.on("exit", () => onGone());
    return slot;
  }

  detect(frame: RgbFrame): Promise<Person[]> {
    if (this.closed) return Promise.reject(new Error("detector pool is closed"));
    return new Promise<Person[]>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, frame, resolve, reject });
      this.pump();
    });
  }

  /** Frames waiting for a free worker plus frames being detected. */
  get pending(): number {
    return this.queue.length + this.slots.filter((s) => s.job).length;
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.job) continue;
      const job = this.queue.shift();
      if (!job) return;
      slot.job = job;
      // Copy into a fresh buffer that can be transferred (the caller's may be a pooled Buffer slice).
      const data = new Uint8Array(job.frame.data.length);
      data.set(job.frame.data);
      const req: WorkerRequest = { id: job.id, width: job.frame.width, height: job.frame.height, data: data.buffer };
      slot.worker.postMessage(req, [data.buffer]);
    }
  }

  async dispose(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error("detector pool is closed"));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

/** A detector spread over `workers` threads (default 2). */
export function createDetectorPool(options: PoolOptions = {}): Promise<DetectorPool> {
  return DetectorPool.create(options);
}
