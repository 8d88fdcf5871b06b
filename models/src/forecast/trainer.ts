/**
 * Training off the main thread: one worker_thread with its own TF.js backend trains forecast
 * models one job at a time, so a server keeps answering requests (within milliseconds) while a
 * model trains for seconds. A worker that dies fails its job (never hangs) and is replaced for
 * the next one.
 */
import { Worker } from "node:worker_threads";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { EpochMs, SpecialDays } from "@footfall/core";
import type { ForecastModel, TrainOptions } from "./forecaster.js";

/** What a worker needs to train: an hourly series on the store's calendar, as plain arrays. */
export interface TrainJob {
  timeZone: string;
  starts: EpochMs[];
  values: (number | null)[];
  special?: SpecialDays;
  opts?: TrainOptions;
}

export type TrainerReply = { id: number; model: ForecastModel } | { id: number; error: string };

/** Path of the compiled worker entry (from `dist/`, or the built one when running from sources). */
export function trainerWorkerPath(): string {
  const here = fileURLToPath(new URL("./worker.js", import.meta.url));
  if (existsSync(here)) return here;
  return fileURLToPath(new URL("../../dist/forecast/worker.js", import.meta.url));
}

interface Pending {
  id: number;
  job: TrainJob;
  resolve: (m: ForecastModel) => void;
  reject: (e: Error) => void;
}

export class ForecastTrainer {
  private worker: Worker | null = null;
  private readonly queue: Pending[] = [];
  private running: Pending | null = null;
  private nextId = 1;
  private closed = false;

  /** Jobs waiting or running. */
  get busy(): number {
    return this.queue.length + (this.running ? 1 : 0);
  }

  /** Train a model; jobs run one after the other, in order. */
  train(job: TrainJob): Promise<ForecastModel> {
    if (this.closed) return Promise.reject(new Error("the forecast trainer is closed"));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, job, resolve, reject });
      this.pump();
    });
  }

  private spawn(): Worker {
    const w = new Worker(trainerWorkerPath());
    w.unref();
    w.on("message", (msg: TrainerReply) => {
      const p = this.running;
      if (!p || p.id !== msg.id) return;
      this.running = null;
      if ("model" in msg) p.resolve(msg.model);
      else p.reject(new Error(msg.error));
      this.pump();
    });
    const fail = (err: Error) => {
      if (this.worker === w) this.worker = null;
      const p = this.running;
      this.running = null;
      p?.reject(err);
      this.pump();
    };
    w.on("error", (err: Error) => fail(err));
    w.on("exit", (code) => fail(new Error(`the forecast training worker exited (code ${code})`)));
    return w;
  }

  private pump(): void {
    if (this.closed || this.running) return;
    const next = this.queue.shift();
    if (!next) return;
    this.worker ??= this.spawn();
    this.running = next;
    this.worker.postMessage({ id: next.id, job: next.job });
  }

  /** Stop the worker; waiting and running jobs fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new Error("the forecast trainer closed"));
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}
