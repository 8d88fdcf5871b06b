/**
 * `footfall demo --stores 3`: a chain of simulated stores on one server, each with its own floor
 * plan and agent login, all fed by one `footfall-edge chain` process; history is back-filled at the
 * first start only (a restarted simulator's events carry new ids: a second back-fill would count
 * those hours twice), and the kiosk URL carries a staff token limited to the first store.
 */
import { afterAll, describe, expect, it } from "vitest";
import { Child, FOOTFALL_CLI, FootfallApi, freePort, REPO_ROOT, requireBuilt, tempDir, waitFor } from "../support/index.js";

const dir = tempDir("footfall-demo-chain-");
afterAll(() => dir.remove());

async function demo(run: (out: string, api: FootfallApi) => Promise<void>): Promise<void> {
  const [http, mqtt] = [await freePort(), await freePort()];
  const env = { ...process.env, FOOTFALL_DATA_DIR: dir.path, FOOTFALL_HTTP_PORT: String(http), FOOTFALL_MQTT_PORT: String(mqtt), FOOTFALL_METRICS_PORT: "off", FOOTFALL_LOG_LEVEL: "warn" };
  const child = new Child("footfall demo --stores 3", process.execPath, [requireBuilt(FOOTFALL_CLI), "demo", "--stores", "3", "--speed", "60", "--backfill-hours", "2"], { cwd: REPO_ROOT, env });
  try {
    const out = await waitFor("the demo's banner", () => (/Kiosk\s+\S+/.test(child.output()) ? child.output() : false), { timeoutMs: 60_000 });
    await run(out, new FootfallApi(/Open\s+(\S+)/.exec(out)![1]!, /Token\s+(\S+)/.exec(out)![1]!));
  } finally {
    await child.stop("SIGTERM");
  }
}

describe("footfall demo --stores", () => {
  let stored = new Map<string, number>();

  it("runs a chain of simulated stores: each with its floor plan and agent, all ingesting; the kiosk token is limited to the first", async () => {
    await demo(async (out, api) => {
      expect(out).toMatch(/a chain of 3 stores/);
      expect(out).toMatch(/History\s+2 h back-filled/);
      const stores = (await api.stores()).stores.map((s) => s.id);
      expect(stores).toEqual(["store-0001", "store-0002", "store-0003"]);
      for (const store of stores) expect((await api.layout(store)).zones.length).toBeGreaterThan(3);
      stored = await waitFor(
        "every store's agent to have events accepted",
        async () => {
          const counts = new Map<string, number>();
          for (const store of stores) counts.set(store, (await api.agents(store)).agents.find((a) => a.agent === "sim-1")?.events ?? 0);
          return [...counts.values()].every((n) => n > 0) ? counts : false;
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      const kiosk = /[?&]token=([^&\s]+)/.exec(/Kiosk\s+(\S+)/.exec(out)![1]!)![1]!;
      expect(/Kiosk\s+(\S+)/.exec(out)![1]).toMatch(/#\/live\/store-0001\?kiosk=1&token=ff_/);
      expect(await api.as(kiosk).me()).toEqual({ role: "staff", store: "store-0001" });
    });
  }, 120_000);

  it("does not back-fill again when restarted (its history is kept)", async () => {
    await demo(async (out, api) => {
      expect(out).toMatch(/History\s+kept from earlier runs/);
      for (const [store, n] of stored) {
        const now = (await api.agents(store)).agents.find((a) => a.agent === "sim-1")!.events;
        expect(now, store).toBeGreaterThanOrEqual(n);
      }
    });
  }, 120_000);
});
