import { accessSync, constants } from "node:fs";
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
