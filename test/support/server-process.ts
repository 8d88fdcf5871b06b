import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import { Child } from "./child.js";
import { FOOTFALL_CLI, REPO_ROOT, requireBuilt } from "./paths.js";
import { freePort } from "./ports.js";
import { tempDir, waitFor } from "./wait.js";

export interface ServerProcessOptions {
  /** Data folder (SQLite); a fresh temporary one when left out. */
  dataDir?: string;
  httpPort?: number;
  /** Port of the embedded broker; ignored with `mqttUrl`. */
  mqttPort?: number;
  /** Port of the Prometheus listener (FOOTFALL_METRICS_PORT); a free one by default. */
  metricsPort?: number;
  /** An external broker; then none is embedded. */
  mqttUrl?: string;
  mqttUsername?: string;
  mqttPassword?: string;
  visitTimeoutMs?: number;
  maxEventAgeMs?: number;
  /** More environment for the process. */
  env?: Record<string, string>;
  /**
   * How long to wait for /api/v1/health to answer 200 (default 40 s: a bound on a hang, not a
   * timing check; on a CI runner loaded by other work a start has taken over 20 s).
   */
  startTimeoutMs?: number;
  /**
   * A command that runs `node footfall serve` (its arguments follow): e.g. `unshare` to give the
   * server a small or read-only file system of its own. It must exec node, not fork it: a stop signals
   * the launcher's pid (faketime's wrapper forks: use tools' requireLibFaketime in `env` instead).
   */
  launcher?: readonly string[];
}

/**
 * `footfall serve` as a real child process on free ports and its own data folder, ready once
 * /api/v1/health says ok. `kill9()` and `restart()` exercise crashes; the ports and the data
 * folder stay the same across restarts.
 */
export class ServerProcess {
  private child: Child | null = null;
  private readonly removeDir: (() => void) | null;
  readonly dataDir: string;
  readonly httpPort: number;
  readonly mqttPort: number;
  readonly metricsPort: number;
  private constructor(
    private readonly opts: ServerProcessOptions,
    dataDir: string,
    removeDir: (() => void) | null,
    httpPort: number,
    mqttPort: number,
    metricsPort: number,
  ) {
    this.dataDir = dataDir;
    this.removeDir = removeDir;
    this.httpPort = httpPort;
    this.mqttPort = mqttPort;
    this.metricsPort = metricsPort;
  }

  static async start(opts: ServerProcessOptions = {}): Promise<ServerProcess> {
    const dir = opts.dataDir ? null : tempDir("footfall-server-");
    // Ports picked here may be taken by another test before the server binds them: then pick again.
    for (let attempt = 1; ; attempt++) {
      const s = new ServerProcess(
        opts,
        opts.dataDir ?? dir!.path,
        dir ? dir.remove : null,
        opts.httpPort ?? (await freePort()),
        opts.mqttPort ?? (await freePort()),
        opts.metricsPort ?? (await freePort()),
      );
      try {
        await s.launch();
        return s;
      } catch (err) {
        await s.stop();
        const portsChosenHere = opts.httpPort === undefined && opts.mqttPort === undefined && opts.metricsPort === undefined;
        if (!(portsChosenHere && attempt < 3 && /EADDRINUSE/.test(s.output()))) {
          dir?.remove();
          throw err;
        }
      }
    }
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }
  /** The broker agents connect to: the embedded one, or the external one given. */
  get mqttUrl(): string {
    return this.opts.mqttUrl ?? `mqtt://127.0.0.1:${this.mqttPort}`;
  }
  /** The Prometheus listener: `GET /metrics` without a token (127.0.0.1 only). */
  get metricsUrl(): string {
    return `http://127.0.0.1:${this.metricsPort}/metrics`;
  }
  get pid(): number | undefined {
    return this.child?.pid;
  }
  /** What the process printed (the tail), for failure messages. */
  output(): string {
    return this.child?.output() ?? "";
  }
  /** The JSON log lines it printed whose msg matches, from `since` on (a length of `output()` read earlier). */
  logLines(msg: RegExp, since = 0): Record<string, unknown>[] {
    return this.output()
      .slice(since)
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => typeof l.msg === "string" && msg.test(l.msg));
  }
  /** How the process ended (null while it runs), and a wait for it. */
  get exit(): { code: number | null; signal: NodeJS.Signals | null } | null {
    return this.child?.exit ?? null;
  }
  waitExit(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.child) throw new Error("the server was never started");
    return this.child.waitExit();
  }
  get running(): boolean {
    return this.child !== null && this.child.exit === null;
  }

  private env(): Record<string, string> {
    const o = this.opts;
    const env: Record<string, string> = {
      FOOTFALL_DATA_DIR: this.dataDir,
      FOOTFALL_HTTP_PORT: String(this.httpPort),
      FOOTFALL_HTTP_HOST: "127.0.0.1",
      FOOTFALL_MQTT_PORT: String(this.mqttPort),
      FOOTFALL_METRICS_PORT: String(this.metricsPort),
      FOOTFALL_LOG_LEVEL: process.env.FOOTFALL_TEST_LOG_LEVEL ?? "warn",
    };
    if (o.mqttUrl) env.FOOTFALL_MQTT_URL = o.mqttUrl;
    if (o.mqttUsername) env.FOOTFALL_MQTT_USERNAME = o.mqttUsername;
    if (o.mqttPassword) env.FOOTFALL_MQTT_PASSWORD = o.mqttPassword;
    if (o.visitTimeoutMs !== undefined) env.FOOTFALL_VISIT_TIMEOUT_MS = String(o.visitTimeoutMs);
    if (o.maxEventAgeMs !== undefined) env.FOOTFALL_MAX_EVENT_AGE_MS = String(o.maxEventAgeMs);
    return { ...env, ...o.env };
  }

  private async launch(): Promise<void> {
    const base = { ...process.env };
    for (const k of Object.keys(base)) if (k.startsWith("FOOTFALL_")) delete base[k];
    const serve = [process.execPath, requireBuilt(FOOTFALL_CLI), "serve"];
    const [command, ...args] = this.opts.launcher ? [...this.opts.launcher, ...serve] : serve;
    const child = new Child("footfall serve", command!, args, { cwd: REPO_ROOT, env: { ...base, ...this.env() } });
    this.child = child;
    // FOOTFALL_TEST_SERVER_LOGS=<dir>: the whole output of each server started, kept past the run (a flaky test's
    // evidence; with FOOTFALL_TEST_LOG_LEVEL=info for the servers' info lines). Without it, only the tail in memory.
    const logDir = process.env.FOOTFALL_TEST_SERVER_LOGS;
    if (logDir) {
      mkdirSync(logDir, { recursive: true });
      const file = createWriteStream(join(logDir, `${this.opts.env?.FOOTFALL_SERVER_ID ?? "server"}-${this.httpPort}-${child.pid ?? "nopid"}.log`));
      child.proc.stdout?.on("data", (chunk: Buffer) => file.write(chunk));
      child.proc.stderr?.on("data", (chunk: Buffer) => file.write(chunk));
      child.proc.once("close", () => file.end());
    }
    await waitFor(
      `footfall serve to answer /api/v1/health with 200 on ${this.httpUrl}`,
      async () => {
        if (child.exit) throw new Error(`footfall serve exited (${JSON.stringify(child.exit)}):\n${child.output()}`);
        const res = await fetch(`${this.httpUrl}/api/v1/health`).catch(() => null);
        return res?.status === 200;
      },
      { timeoutMs: this.opts.startTimeoutMs ?? 40_000, intervalMs: 50 },
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n--- server output ---\n${child.output()}`);
    });
  }

  /** SIGTERM (or `signal`, e.g. SIGINT, a Ctrl-C at a terminal): a clean shutdown. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    await this.child?.stop(signal);
  }
  /** kill -9 in the middle of whatever it is doing. */
  async kill9(): Promise<void> {
    await this.child?.kill9();
  }
  /** Starts it again on the same ports and data folder (stopping it first if it runs). */
  async restart(): Promise<void> {
    if (this.running) await this.stop();
    await this.launch();
  }
  /** Stops it and removes the data folder when it was a temporary one. */
  async dispose(): Promise<void> {
    await this.stop();
    this.removeDir?.();
  }
}
