import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/** Bytes of output kept per process, so a failing test can show what the process said. */
const KEEP = 64 * 1024;

/** Children still running: killed when the test process exits, so a failed test leaves no orphan. */
const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const p of live) p.kill("SIGKILL");
});

/** A long-running child process whose output is kept (the tail) for diagnostics. */
export class Child {
  readonly proc: ChildProcess;
  private out = "";
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | null = null;

  constructor(
    readonly name: string,
    command: string,
    args: readonly string[],
    options: SpawnOptions = {},
  ) {
    this.proc = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...options });
    live.add(this.proc);
    const keep = (chunk: Buffer) => {
      this.out += chunk.toString("utf8");
      if (this.out.length > KEEP) this.out = this.out.slice(-KEEP);
    };
    this.proc.stdout?.on("data", keep);
    this.proc.stderr?.on("data", keep);
    this.exited = new Promise((resolve) => {
      this.proc.once("exit", (code, signal) => {
        live.delete(this.proc);
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
      this.proc.once("error", (err) => {
        this.out += `\n[spawn error] ${err.message}\n`;
        this.exitInfo = { code: -1, signal: null };
        resolve(this.exitInfo);
      });
    });
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }
  /** Whether the process has ended, and how. */
  get exit(): { code: number | null; signal: NodeJS.Signals | null } | null {
    return this.exitInfo;
  }
  /** The tail of what it printed on stdout and stderr. */
  output(): string {
    return this.out;
  }
  waitExit(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.exited;
  }

  /** Ends the process with `signal`, then SIGKILL after `graceMs` if it is still running. */
  async stop(signal: NodeJS.Signals = "SIGTERM", graceMs = 5000): Promise<void> {
    if (this.exitInfo) return;
    this.proc.kill(signal);
    const timer = setTimeout(() => this.proc.kill("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
  /** kill -9: no cleanup, no flush. */
  async kill9(): Promise<void> {
    if (this.exitInfo) return;
    this.proc.kill("SIGKILL");
    await this.exited;
  }
}

/**
 * The pid of a child process of `parentPid` whose command line holds `marker` (read from /proc),
 * or undefined when none runs: e.g. the simulator a demo started, found by its config file's path.
 */
export function childPidHolding(parentPid: number, marker: string): number | undefined {
  const pid = readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .find((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, "utf8").includes(marker) && readFileSync(`/proc/${p}/stat`, "utf8").split(") ")[1]!.split(" ")[1] === String(parentPid);
      } catch {
        return false; // gone meanwhile
      }
    });
  return pid === undefined ? undefined : Number(pid);
}
