import { createConnection } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` until it returns something other than undefined/false, or fails after `timeoutMs`
 * with `what` and the last error (so a hung wait says what it waited for).
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  let lastError: unknown = null;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? `: ${lastError.message}` : "";
      throw new Error(`timed out after ${opts.timeoutMs ?? 10_000} ms waiting for ${what}${why}`);
    }
    await sleep(opts.intervalMs ?? 50);
  }
}

/** Resolves once something accepts TCP connections on host:port. */
export function waitForPort(port: number, host = "127.0.0.1", timeoutMs = 10_000): Promise<true> {
  return waitFor(
    `a listener on ${host}:${port}`,
    () =>
      new Promise<boolean>((resolve) => {
        const socket = createConnection({ port, host });
        socket.once("connect", () => (socket.destroy(), resolve(true)));
        socket.once("error", () => (socket.destroy(), resolve(false)));
      }),
    { timeoutMs },
  );
}

/** A fresh temporary folder; `remove()` deletes it. */
export function tempDir(prefix = "footfall-test-"): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
