/**
 * TensorFlow.js backend choice: `@tensorflow/tfjs-node` when it is installed (an optional
 * dependency whose native download may fail), else WASM with the binaries shipped in
 * `@tensorflow/tfjs-backend-wasm/dist` (never fetched from a CDN). WASM threads are off in Node:
 * to use several cores run one backend per worker_thread (see `pool.ts`).
 */
import * as tf from "@tensorflow/tfjs-core";
import { createRequire } from "node:module";
import path from "node:path";
import type { BackendChoice } from "./types.js";

const require = createRequire(import.meta.url);
let ready: Promise<string> | null = null;

/** Directory of the local `.wasm` files. */
export function wasmDir(): string {
  return path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"));
}

async function tryTensorflow(): Promise<boolean> {
  const name = "@tensorflow/tfjs-node";
  try {
    await import(/* @vite-ignore */ name);
    return tf.findBackend("tensorflow") !== null || tf.engine().registryFactory["tensorflow"] !== undefined;
  } catch {
    return false;
  }
}

async function useWasm(): Promise<void> {
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  wasm.setWasmPaths(wasmDir() + path.sep);
  if (!(await tf.setBackend("wasm"))) throw new Error("the WASM backend failed to initialise");
}

async function choose(choice: BackendChoice): Promise<string> {
  if (choice === "tensorflow" || choice === "auto") {
    if (await tryTensorflow()) {
      if (await tf.setBackend("tensorflow")) return "tensorflow";
    }
    if (choice === "tensorflow") throw new Error("backend 'tensorflow' asked for, but @tensorflow/tfjs-node is not installed or failed to load");
  }
  if (choice === "cpu") {
    await import("@tensorflow/tfjs-backend-cpu");
    await tf.setBackend("cpu");
    return "cpu";
  }
  await useWasm();
  return "wasm";
}

/** Initialise the backend once per thread; later calls return the same name. */
export function initBackend(choice: BackendChoice = "auto"): Promise<string> {
  ready ??= choose(choice).then(async (name) => {
    await tf.ready();
    return name;
  });
  return ready;
}
