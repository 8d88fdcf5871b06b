import { mkdirSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { Child } from "./child.js";
import { freePort } from "./ports.js";
import { requireTool } from "./tools.js";
import { tempDir, waitFor, waitForPort } from "./wait.js";

export interface MosquittoOptions {
  /** From `footfall broker-config`. */
  passwordFile: string;
  aclFile: string;
  port?: number;
  /** false: `persistence false` (a restart loses every session, queued message and retained message). Default true. */
  persistence?: boolean;
}

/** The mosquitto.conf the tests run: the same settings as deploy/mosquitto/mosquitto.conf, on a free port. */
export function mosquittoConf(o: { port: number; passwordFile: string; aclFile: string; persistenceDir: string; persistence?: boolean }): string {
  return [
    `listener ${o.port} 127.0.0.1`,
    "allow_anonymous false",
    `password_file ${o.passwordFile}`,
    `acl_file ${o.aclFile}`,
    `persistence ${o.persistence === false ? "false" : "true"}`,
    `persistence_location ${o.persistenceDir}/`,
    "autosave_interval 60",
    "set_tcp_nodelay true",
    "max_queued_messages 100000",
    "max_inflight_messages 0",
    "max_packet_size 1048576",
    // As root, stay root so the broker can read the 0600 password file the tests wrote.
    `user ${userInfo().username}`,
    "log_dest stderr",
    "log_type error",
    "log_type warning",
    "log_type notice",
    "",
  ].join("\n");
}

/** Debian's `mosquitto` on a free port with a generated configuration; persistence in a temporary folder. */
export class Mosquitto {
  private child: Child | null = null;
  private constructor(
    readonly port: number,
    readonly confFile: string,
    private readonly dir: { path: string; remove(): void },
  ) {}

  static async start(o: MosquittoOptions): Promise<Mosquitto> {
    requireTool("mosquitto");
    const port = o.port ?? (await freePort());
    return Mosquitto.withConf((persistenceDir) => mosquittoConf({ port, passwordFile: o.passwordFile, aclFile: o.aclFile, persistenceDir, persistence: o.persistence }), port);
  }

  /**
   * Debian's `mosquitto` open to anyone on `port` (default: a free one), without persistence, its queues and in-flight
   * messages unbounded (a backlog stays whole), logging errors only: for tests of one client's flow.
   */
  static async anonymous(port?: number): Promise<Mosquitto> {
    port ??= await freePort();
    return Mosquitto.withConf(
      (dir) =>
        [
          `listener ${port} 127.0.0.1`,
          "allow_anonymous true",
          "persistence false",
          `persistence_location ${dir}/`,
          "max_queued_messages 100000",
          "max_inflight_messages 0",
          `user ${userInfo().username}`,
          "log_dest stderr",
          "log_type error",
          "",
        ].join("\n"),
      port,
    );
  }

  /**
   * Debian's `mosquitto` with a configuration of the caller's (e.g. the compose file's, with paths
   * and port rewritten); `conf` gets a fresh persistence folder. `port` is the listener's.
   */
  static async withConf(conf: (persistenceDir: string) => string, port: number): Promise<Mosquitto> {
    requireTool("mosquitto");
    const dir = tempDir("footfall-mosquitto-");
    const persistenceDir = join(dir.path, "data");
    mkdirSync(persistenceDir, { recursive: true });
    const confFile = join(dir.path, "mosquitto.conf");
    writeFileSync(confFile, conf(persistenceDir));
    const m = new Mosquitto(port, confFile, dir);
    await m.launch();
    return m;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }
  output(): string {
    return this.child?.output() ?? "";
  }

  private async launch(): Promise<void> {
    const child = new Child("mosquitto", requireTool("mosquitto"), ["-c", this.confFile]);
    this.child = child;
    await waitFor(`mosquitto listening on port ${this.port}`, async () => {
      if (child.exit) throw new Error(`mosquitto exited (${JSON.stringify(child.exit)})`);
      return waitForPort(this.port, "127.0.0.1", 200).catch(() => false);
    }).catch((err: Error) => {
      throw new Error(`${err.message}\n--- mosquitto output ---\n${child.output()}`);
    });
  }
  /** Re-reads the password file and ACL (after `footfall broker-config` rewrote them). */
  reload(): void {
    this.child?.proc.kill("SIGHUP");
  }
  async stop(): Promise<void> {
    await this.child?.stop("SIGTERM");
  }
  /** kill -9: what it held in memory since its last autosave (queued QoS 1 messages, sessions, retained) is gone. */
  async kill9(): Promise<void> {
    await this.child?.kill9();
  }
  /** Starts it again on the same port, configuration and persistence folder (after stop or kill9). */
  async start(): Promise<void> {
    if (this.child && !this.child.exit) return;
    await this.launch();
  }
  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }
  async dispose(): Promise<void> {
    await this.stop();
    this.dir.remove();
  }
}
