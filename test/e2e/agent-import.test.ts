import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { footfall } from "../support/cli.js";
import { tempDir } from "../support/wait.js";

/** The MQTT users of the data folder, as `footfall broker-config` writes them for mosquitto. */
async function brokerUsers(dataDir: string, out: string): Promise<string[]> {
  const r = await footfall(["broker-config", "--out", out, "--server-password", "secret-1"], { dataDir });
  expect(r.code, r.stderr).toBe(0);
  return readFileSync(join(out, "passwd"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => l.split(":")[0]!)
    .sort();
}

describe("footfall agent import: a chain's agents from one file", () => {
  it("creates every agent of a CSV, prints their credentials as JSON Lines, and refuses a file with a bad row whole", async () => {
    const dir = tempDir();
    try {
      const data = join(dir.path, "data");
      const csv = join(dir.path, "agents.csv");
      writeFileSync(csv, "kind,store,agent,note\nsim,shop-1,sim-1,north\ndoor,shop-1,door-1,\nsim,shop-2,sim-1,\n");
      const r = await footfall(["agent", "import", csv], { dataDir: data });
      expect(r.code, r.stderr).toBe(0);
      const creds = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { agent: string; store: string; username: string; password: string });
      expect(creds.map((c) => [c.store, c.agent, c.username])).toEqual([
        ["shop-1", "sim-1", "shop-1.sim-1"],
        ["shop-1", "door-1", "shop-1.door-1"],
        ["shop-2", "sim-1", "shop-2.sim-1"],
      ]);
      for (const c of creds) expect(c.password).toMatch(/^\S{16,}$/);
      expect(await brokerUsers(data, join(dir.path, "b1"))).toEqual(["footfall-server", "shop-1.door-1", "shop-1.sim-1", "shop-2.sim-1"]);

      // A JSON list with one bad row: exit 1, the row named, nothing written.
      const bad = join(dir.path, "more.json");
      writeFileSync(bad, JSON.stringify([{ store: "shop-3", agent: "sim-1", kind: "sim" }, { store: "shop-4", agent: "sim-1", kind: "lidar" }]));
      const refused = await footfall(["agent", "import", bad], { dataDir: data });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/more\.json item 2: kind "lidar" is not one of door, beacon, camera, sim/);
      expect(refused.stderr).toMatch(/nothing was written/);
      expect(await brokerUsers(data, join(dir.path, "b2"))).toEqual(["footfall-server", "shop-1.door-1", "shop-1.sim-1", "shop-2.sim-1"]);
    } finally {
      dir.remove();
    }
  });
});
