/**
 * `footfall demo` as a user starts it: it prints an admin token for signing in and a kiosk URL for
 * a shop-floor tablet that carries a staff token limited to the demo store, never the admin token.
 * A restarted demo prints the same tokens (kept in the data folder, readable by its user only).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Child, FootfallApi, footfallJson, startDemo, tempDir, waitFor } from "../support/index.js";

const dir = tempDir("footfall-demo-");
afterAll(() => dir.remove());

interface Printed {
  url: string;
  admin: string;
  kioskUrl: string;
  kiosk: string;
}

/** Runs `footfall demo` until it prints its banner, then stops it; returns what it printed. */
async function demoOnce(): Promise<Printed> {
  const { child, url, token: admin, kioskUrl } = await startDemo(["--backfill-hours", "1"], { dataDir: dir.path });
  try {
    const printed = { url, admin, kioskUrl, kiosk: /[?&]token=([^&\s]+)/.exec(kioskUrl)![1]! };
    // Checked while it runs.
    const asKiosk = new FootfallApi(printed.url, printed.kiosk);
    expect(await asKiosk.me()).toEqual({ role: "staff", store: "demo" });
    expect((await asKiosk.request("GET", "/api/v1/stores/demo/occupancy")).status).toBe(200);
    expect((await asKiosk.request("GET", "/api/v1/stores/demo/agents")).status).toBe(403);
    expect((await asKiosk.request("GET", "/api/v1/tokens")).status).toBe(403);
    expect(await new FootfallApi(printed.url, printed.admin).me()).toEqual({ role: "admin", store: null });
    // Opening hours that hold the simulated day: arrivals from 08:00 to 21:00, the last shoppers out by 21:30.
    const { hours, timezone } = (await asKiosk.request<{ hours: { weekly: Record<string, unknown[]>; exceptions: unknown[] } | null; timezone: string }>("GET", "/api/v1/stores/demo/hours")).body;
    expect(timezone).toBe("Europe/Paris");
    for (const day of ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]) expect(hours?.weekly[day], day).toEqual([{ open: "08:00", close: "21:30" }]);
    return printed;
  } finally {
    await child.stop("SIGTERM");
  }
}

interface Conversion {
  store: { transactions: number; conversion: number | null; averageBasket: number | null };
  zones: { zone: string; transactions: number; conversion: number | null }[];
}

/** The store's conversion in `window` once its transactions stop changing (the simulated tills send them every 5 s). */
async function daySales(api: FootfallApi, window: { from: number; to: number }): Promise<Conversion> {
  let last = -1;
  return waitFor(
    "the simulated tills' transactions to be imported",
    async () => {
      const body = (await api.request<Conversion>("GET", `/api/v1/stores/demo/conversion?from=${window.from}&to=${window.to}`)).body;
      const done = body.store.transactions > 0 && body.store.transactions === last;
      last = body.store.transactions;
      return done ? body : false;
    },
    { timeoutMs: 60_000, intervalMs: 3000 },
  );
}

describe("footfall demo", () => {
  let first: Printed;

  it("puts a staff token limited to the demo store in the kiosk URL, never the admin token", async () => {
    first = await demoOnce();
    expect(first.kioskUrl).toMatch(/\/#\/live\/demo\?kiosk=1&token=ff_/);
    expect(first.kiosk).not.toBe(first.admin);
    expect(first.kioskUrl).not.toContain(first.admin);
  });

  it("keeps its tokens in the data folder, readable by its user only", () => {
    expect((statSync(join(dir.path, "demo-tokens.json")).mode & 0o777).toString(8)).toBe("600");
  });

  it("prints the same tokens when started again, so a kiosk tablet stays signed in", async () => {
    const again = await demoOnce();
    expect({ admin: again.admin, kiosk: again.kiosk }).toEqual({ admin: first.admin, kiosk: first.kiosk });
  });

  it("makes a new kiosk token when the old one was revoked, and keeps the admin token", async () => {
    await footfallJson(["token", "revoke", first.kiosk], { dataDir: dir.path });
    const again = await demoOnce();
    expect(again.kiosk).not.toBe(first.kiosk);
    expect(again.admin).toBe(first.admin);
  });
});

describe("footfall demo restarted", () => {
  const data = tempDir("footfall-demo-history-");
  afterAll(() => data.remove());

  /** Starts the demo, waits for its banner and for the back-filled history to be stored, runs `fn`, stops it. */
  async function run<T>(fn: (api: FootfallApi, out: string, demo: Child) => Promise<T>, logLevel = "warn"): Promise<T> {
    // 24 hours: whenever the test runs, the window holds opening hours (the demo store closes at night).
    const { child, banner: out, api } = await startDemo(["--backfill-hours", "24"], { dataDir: data.path, logLevel });
    try {
      // The history is in once the simulator's event count stops growing between two looks (the live part adds a few a minute).
      let last = -1;
      await waitFor(
        "the back-filled history to be stored",
        async () => {
          const n = (await api.agents("demo")).agents.find((a) => a.agent === "sim-1")?.events ?? 0;
          const settled = n > 0 && n - last < 50;
          last = n;
          return settled;
        },
        { timeoutMs: 90_000, intervalMs: 2000 },
      );
      return await fn(api, out, child);
    } finally {
      await child.stop("SIGTERM");
    }
  }

  it("runs in real time by default and says so in its banner", async () => {
    const out = await run(async (_api, o) => o);
    expect(out).toMatch(/Speed\s+real time/);
    // The store's opening hours, and (started while it is closed) when it opens: nobody comes in before.
    expect(out).toMatch(/Hours\s+08:00-21:30 every day \(Europe\/Paris; the store's Alerts page edits them\)(\. Closed now: .*)?\n/);
  }, 150_000);

  it("never back-fills the same history twice, nor its sales", async () => {
    // What the first run stored for the day before it started (the back-fill), visit by visit, and its till transactions.
    const started = Date.now();
    const window = { from: started - 24 * 3_600_000, to: started - 60_000 };
    const visits = (zones: { visits: number }[]) => zones.reduce((s, z) => s + z.visits, 0);
    const day = async (api: FootfallApi) => ({ visits: visits((await api.dwell("demo", window)).zones), sales: await daySales(api, window) });
    const before = await run(day);
    expect(before.visits).toBeGreaterThan(100);
    const after = await run(async (api, out) => {
      expect(out).toMatch(/History\s+kept from earlier runs/);
      return day(api);
    });
    expect(after).toEqual(before);
  }, 300_000);

  it("sells: the simulated tills send each paying visitor's transaction to the sales import, so conversion has figures", async () => {
    const started = Date.now();
    const window = { from: started - 24 * 3_600_000, to: started };
    await run(async (api) => {
      const sales = await daySales(api, window);
      // Most visitors pay (a supermarket); a zone's share is the baskets placed there, which add up to the store's.
      expect(sales.store.transactions).toBeGreaterThan(50);
      expect(sales.store.conversion).toBeGreaterThan(0.5);
      expect(sales.store.conversion).toBeLessThan(1);
      expect(sales.store.averageBasket).toBeGreaterThan(3);
      const zones = new Map(sales.zones.map((z) => [z.zone, z]));
      expect(sales.zones.reduce((n, z) => n + z.transactions, 0)).toBeCloseTo(sales.store.transactions, 6);
      // The goods' zones sell; the tills, their queue, the entrance and the fitting rooms sell nothing themselves ("–").
      expect(zones.get("fruit-veg")!.conversion).toBeGreaterThan(0);
      for (const z of ["checkout", "checkout-queue", "fitting-room"]) expect(zones.get(z)!.conversion, z).toBeNull();
    });
  }, 150_000);

  it("restarts a simulator that died without sending its history again, on the store's own layout", async () => {
    const started = Date.now();
    const window = { from: started - 24 * 3_600_000, to: started - 60_000 };
    const visits = (zones: { visits: number }[]) => zones.reduce((s, z) => s + z.visits, 0);
    await run(async (api, _out, demo) => {
      const before = visits((await api.dwell("demo", window)).zones);
      expect(before).toBeGreaterThan(100);
      // The simulator is the demo's child process (`footfall-edge sim --config <data>/demo-sim.json`): kill it.
      const sim = readdirSync("/proc")
        .filter((d) => /^\d+$/.test(d))
        .find((pid) => {
          try {
            const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
            return cmd.includes(join(data.path, "demo-sim.json")) && readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")[1] === String(demo.proc.pid);
          } catch {
            return false; // gone meanwhile
          }
        });
      expect(sim, "the demo's simulator process").toBeDefined();
      const starts = () => demo.output().split("simulating the server's layout").length - 1;
      const startsBefore = starts();
      process.kill(Number(sim), "SIGKILL");
      await waitFor("the simulator to be restarted on the server's layout", () => starts() > startsBefore, { timeoutMs: 30_000 });
      // Its back-fill (if it sent one) is in once the event count stops growing, as after the first start.
      let last = -1;
      await waitFor(
        "the restarted simulator's events to be stored",
        async () => {
          const n = (await api.agents("demo")).agents.find((a) => a.agent === "sim-1")?.events ?? 0;
          const settled = n - last < 50;
          last = n;
          return settled;
        },
        { timeoutMs: 90_000, intervalMs: 2000 },
      );
      expect(demo.output()).not.toContain("simulating the built-in demo layout");
      expect(visits((await api.dwell("demo", window)).zones)).toBe(before);
    }, "info"); // the simulator's "simulating ..." lines are info
  }, 300_000);
});
