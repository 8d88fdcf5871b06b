import { accessSync, constants, existsSync, readdirSync } from "node:fs";
import { delimiter, join } from "node:path";

/** Debian packages that provide the system tools the tests drive. */
export const APT_PACKAGES = {
  mosquitto: "mosquitto",
  mosquitto_pub: "mosquitto-clients",
  mosquitto_sub: "mosquitto-clients",
  mosquitto_passwd: "mosquitto",
  "docker-compose": "docker-compose",
  chromium: "chromium",
  ffmpeg: "ffmpeg",
  socat: "socat",
  haproxy: "haproxy",
  unshare: "util-linux",
  nsenter: "util-linux",
  setpriv: "util-linux",
  "systemd-analyze": "systemd",
} as const;
export type SystemTool = keyof typeof APT_PACKAGES;

const EXTRA_DIRS = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

/** Absolute path of `command` on PATH (or in the sbin folders Debian puts daemons in), or null. */
export function findTool(command: string): string | null {
  const dirs = [...(process.env.PATH ?? "").split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const file = join(dir, command);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      /* not here */
    }
  }
  return null;
}

/**
 * Absolute path of a system tool the tests need. A missing tool is a failure, never a skip:
 * the error says which Debian package to install.
 */
export function requireTool(command: SystemTool): string {
  const found = findTool(command);
  if (found) return found;
  const pkg = APT_PACKAGES[command];
  throw new Error(
    `The tests need "${command}", which is not installed. Install it with:\n\n    sudo apt-get update && sudo apt-get install -y ${pkg}\n\n(.ci/run installs it on CI.)`,
  );
}

/**
 * libfaketime's preload library (Debian's `faketime` package pulls it in): a process started with it in `LD_PRELOAD`
 * and `FAKETIME` set (e.g. "+30s") reads a clock that far off, in its own pid. Not faketime's wrapper command, which
 * forks the program and does not pass signals on: a stop's SIGTERM (or SIGKILL) ends the wrapper and leaves the
 * program running, adopted by init (a chain server so left ran on after session 50's CI).
 */
export function requireLibFaketime(): string {
  const found = readdirSync("/usr/lib")
    .filter((d) => d.includes("-linux-gnu"))
    .map((d) => join("/usr/lib", d, "faketime", "libfaketime.so.1"))
    .find((f) => existsSync(f));
  if (found) return found;
  throw new Error(
    "The tests need libfaketime, which is not installed. Install it with:\n\n    sudo apt-get update && sudo apt-get install -y faketime\n\n(.ci/run installs it on CI.)",
  );
}
