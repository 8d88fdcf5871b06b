/** Worker-thread entry of `ForecastTrainer`: trains one model per message, with its own TF.js backend. */
import { parentPort } from "node:worker_threads";
import { trainForecastModel } from "./forecaster.js";
import type { TrainerReply, TrainJob } from "./trainer.js";

if (!parentPort) throw new Error("forecast/worker.js must run in a worker_thread");
const port = parentPort;

port.on("message", (msg: { id: number; job: TrainJob }) => {
  void (async () => {
    try {
      const { timeZone, starts, values, special, opts } = msg.job;
      const model = await trainForecastModel({ grain: "hour", timeZone, starts, values }, special ?? {}, opts ?? {});
      port.postMessage({ id: msg.id, model } satisfies TrainerReply);
    } catch (err) {
      port.postMessage({ id: msg.id, error: String((err as Error)?.message ?? err) } satisfies TrainerReply);
    }
  })();
});
