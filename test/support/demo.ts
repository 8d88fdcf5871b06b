/**
 * `footfall demo` as the tests start it: a real process on a data folder of the test's, its ports
 * free ones unless given, metrics off; and what its banner printed (URL, admin token, kiosk URL).
 */
import { Child } from "./child.js";
import { FootfallApi } from "./api.js";
import { FOOTFALL_CLI, REPO_ROOT, requireBuilt } from "./paths.js";
import { freePort } from "./ports.js";
import { waitFor } from "./wait.js";

export interface DemoOptions {
  /** Its FOOTFALL_DATA_DIR. */
  dataDir: string;
  /** Its HTTP and embedded broker's ports (free ones by default). */
  httpPort?: number;
  mqttPort?: number;
  /** Its FOOTFALL_LOG_LEVEL (default "warn"). */
  logLevel?: string;
  /** How long its banner may take (default 60 s). */
  bannerTimeoutMs?: number;
}

/** A running demo and its banner's lines. */
export interface DemoProcess {
  child: Child;
  /** What it printed up to its banner's last line ("Stop  Ctrl+C"). */
  banner: string;
  /** The `Open` line: the UI's and API's URL. */
  url: string;
  /** The `Token` line: the admin token. */
  token: string;
  /** The `Kiosk` line: the tablet's URL, with its staff token. */
  kioskUrl: string;
  /** The API as the admin. */
  api: FootfallApi;
}

/** Spawns `footfall demo <args>` and returns at once (a test of a demo that refuses to start waits for its exit). */
export async function spawnDemo(args: readonly string[], o: DemoOptions): Promise<Child> {
  const [http, mqtt] = [o.httpPort ?? (await freePort()), o.mqttPort ?? (await freePort())];
  const env = {
    ...process.env,
    FOOTFALL_DATA_DIR: o.dataDir,
    FOOTFALL_HTTP_PORT: String(http),
    FOOTFALL_MQTT_PORT: String(mqtt),
    FOOTFALL_METRICS_PORT: "off",
    FOOTFALL_LOG_LEVEL: o.logLevel ?? "warn",
  };
  return new Child(["footfall demo", ...args].join(" "), process.execPath, [requireBuilt(FOOTFALL_CLI), "demo", ...args], { cwd: REPO_ROOT, env });
}

/** Starts `footfall demo <args>` and waits for its banner; a demo that prints none in time is killed. */
export async function startDemo(args: readonly string[], o: DemoOptions): Promise<DemoProcess> {
  const child = await spawnDemo(args, o);
  let banner: string;
  try {
    banner = await waitFor("the demo's banner", () => (/Stop\s+Ctrl/.test(child.output()) ? child.output() : false), { timeoutMs: o.bannerTimeoutMs ?? 60_000 });
  } catch (err) {
    await child.kill9();
    throw err;
  }
  const line = (name: string) => new RegExp(`${name}\\s+(\\S+)`).exec(banner)?.[1] ?? "";
  const url = line("Open");
  const token = line("Token");
  return { child, banner, url, token, kioskUrl: line("Kiosk"), api: new FootfallApi(url, token) };
}
