import { execFile } from "node:child_process";
import { FOOTFALL_CLI, REPO_ROOT, requireBuilt } from "./paths.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}
export interface CliOptions {
  /** FOOTFALL_DATA_DIR for the command. */
  dataDir?: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs?: number;
}

/** Runs a command to completion; never throws on a non-zero exit (the result has the code). */
export function run(command: string, args: readonly string[], opts: CliOptions = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, FOOTFALL_LOG_LEVEL: "warn", ...opts.env };
  if (opts.dataDir) env.FOOTFALL_DATA_DIR = opts.dataDir;
  return new Promise((resolve) => {
    execFile(command, [...args], { env, cwd: opts.cwd ?? REPO_ROOT, timeout: opts.timeoutMs ?? 30_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** Runs `footfall <args>` (the built CLI). */
export function footfall(args: readonly string[], opts: CliOptions = {}): Promise<CliResult> {
  return run(process.execPath, [requireBuilt(FOOTFALL_CLI), ...args], opts);
}

/** Runs `footfall <args>`, expects exit 0 and one JSON document on stdout, and returns it. */
export async function footfallJson<T>(args: readonly string[], opts: CliOptions = {}): Promise<T> {
  const r = await footfall(args, opts);
  if (r.code !== 0) throw new Error(`footfall ${args.join(" ")} exited ${r.code}:\n${r.stderr}${r.stdout}`);
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`footfall ${args.join(" ")} did not print JSON:\n${r.stdout}`);
  }
}

export interface AgentCredentials {
  agent: string;
  store: string;
  username: string;
  password: string;
}

/** `footfall agent add <agent> --store <store> --kind <kind>`. */
export function addAgent(dataDir: string, store: string, agent: string, kind: "door" | "beacon" | "camera" | "sim" = "sim"): Promise<AgentCredentials> {
  return footfallJson<AgentCredentials>(["agent", "add", agent, "--store", store, "--kind", kind], { dataDir });
}

/** `footfall token add --role <role> [--store <store>]`: the token. */
export async function addToken(dataDir: string, role: "viewer" | "staff" | "merchandiser" | "admin", store?: string): Promise<string> {
  const r = await footfallJson<{ token: string }>(["token", "add", "--role", role, ...(store ? ["--store", store] : [])], { dataDir });
  return r.token;
}

/** `footfall broker-config --out <dir>`: a Mosquitto password file and ACL with the server's user. */
/** `footfall broker-config`; `extra` options such as `--home-assistant` or `--bridge <site>=<stores>` (new users' passwords come back in `passwords`). */
export function brokerConfig(
  dataDir: string,
  outDir: string,
  server: { username: string; password: string },
  extra: readonly string[] = [],
): Promise<{ passwd: string; acl: string; users: string; passwords?: Record<string, string> }> {
  return footfallJson(["broker-config", "--out", outDir, "--server-username", server.username, "--server-password", server.password, ...extra], { dataDir });
}
