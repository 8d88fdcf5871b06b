/** Worker-thread entry: one TF.js backend and one detector per thread (WASM threads are off in Node). */
import { parentPort, workerData } from "node:worker_threads";
import { createDetector } from "./centernet.js";
import type { DetectorOptions } from "./types.js";
import type { WorkerReply, WorkerRequest } from "./pool.js";

if (!parentPort) throw new Error("worker.js must run in a worker_thread");
const port = parentPort;
const detectorReady = createDetector(workerData as DetectorOptions);

detectorReady.then(
  (d) => port.postMessage({ type: "ready", backend: d.backend } satisfies WorkerReply),
  (err: unknown) => port.postMessage({ type: "failed", error: String((err as Error)?.message ?? err) } satisfies WorkerReply),
);

port.on("message", (msg: WorkerRequest) => {
  void (async () => {
    try {
      const detector = await detectorReady;
      const persons = await detector.detect({ width: msg.width, height: msg.height, data: new Uint8Array(msg.data) });
      port.postMessage({ type: "result", id: msg.id, persons } satisfies WorkerReply);
    } catch (err) {
      port.postMessage({ type: "error", id: msg.id, error: String((err as Error)?.message ?? err) } satisfies WorkerReply);
    }
  })();
});
