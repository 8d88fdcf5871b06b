/**
 * The camera agent on real video: `footfall-edge camera` reads Debian's vtest.avi (pedestrians)
 * through ffmpeg, detects and tracks people, and publishes zone events to a real server, whose API
 * then shows visits with plausible dwell in the zones drawn over that scene.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addAgent, addToken, Child, EDGE_CLI, FootfallApi, REPO_ROOT, ServerProcess, requireTool } from "../support/index.js";

const VIDEO = "/usr/share/doc/opencv-doc/examples/data/vtest.avi";
const fixture = (name: string) => JSON.parse(readFileSync(join(REPO_ROOT, "test/fixtures/vtest", name), "utf8")) as Record<string, unknown>;

describe("the camera agent on vtest.avi against a real server", () => {
  let server: ServerProcess;
  let api: FootfallApi;
  const started = Date.now();

  beforeAll(async () => {
    requireTool("ffmpeg");
    if (!existsSync(VIDEO)) throw new Error(`${VIDEO} is missing: apt-get install opencv-doc`);
    server = await ServerProcess.start();
    api = new FootfallApi(server.httpUrl, await addToken(server.dataDir, "admin"));
    const put = await api.request("PUT", "/api/v1/stores/vtest/layout", fixture("layout.json"));
    expect(put.status).toBe(200);
    const creds = await addAgent(server.dataDir, "vtest", "cam-1", "camera");
    const config = fixture("camera.json");
    const settings = { ...(config.settings as object), input: VIDEO, realtime: false, loop: false };
    const file = join(server.dataDir, "camera.json");
    writeFileSync(file, JSON.stringify({ ...config, store: "vtest", agent: "cam-1", mqtt: { url: server.mqttUrl, username: creds.username, password: creds.password }, settings }));
    // About 40 s of processing: a few hundred frames, dozens of people through the zones.
    const agent = new Child("camera agent", process.execPath, [EDGE_CLI, "camera", "--config", file, "--duration", "40"]);
    const exit = await agent.waitExit();
    expect(exit.code, agent.output()).toBe(0);
  }, 180_000);

  afterAll(async () => {
    await server?.dispose();
  });

  it("shows visits with plausible dwell in the zones over the scene", async () => {
    const dwell = await api.dwell("vtest", { from: started - 60_000, to: Date.now() + 60_000 });
    const visited = dwell.zones.filter((z) => z.visits > 0);
    expect(visited.length).toBeGreaterThanOrEqual(2);
    const total = visited.reduce((s, z) => s + z.visits, 0);
    expect(total).toBeGreaterThanOrEqual(10);
    for (const z of visited) {
      if (!z.dwell_s) continue;
      // People walk through these zones: seconds, not hours, and never negative.
      expect(z.dwell_s.median).toBeGreaterThan(0);
      expect(z.dwell_s.median).toBeLessThan(120);
    }
    expect(visited.some((z) => z.dwell_s !== null)).toBe(true);
  });

  it("reports the agent with its events and no rejects", async () => {
    const agents = await api.agents("vtest");
    const cam = agents.agents.find((a) => a.agent === "cam-1");
    expect(cam?.kind).toBe("camera");
    expect(cam?.events).toBeGreaterThan(0);
    expect(cam?.rejects).toBe(0);
  });
});
