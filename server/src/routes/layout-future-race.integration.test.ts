/**
 * Two saves of a store's layout at the same future instant at the same moment (two scripts, two chain servers, without
 * ?seen=), over real HTTP to a server on a real SQLite file. A save at the instant of a version saved for later replaces
 * it (of two versions dated alike the later saved is in force, so the earlier would never be); the route looked for such
 * a version before the save, outside its transaction, so two saves at the same instant at once both found none (or both
 * the same one, which only the first could replace) and both saved: a version never in force was left in the list, to be
 * cancelled by hand. Now the storage looks in the save's own transaction and the route replaces the one it finds: both
 * answer 200, and one version is left at that instant, the last saved.
 */
import { describe, expect, it } from "vitest";
import { smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";

const DAY = 86_400_000;
const HTTP_PORT = 19700;
const t = useTestServer({ stores: ["shop"], config: { httpPort: HTTP_PORT, mqttPort: 19701 } });

const put = async (validFrom: number, name: string) => {
  const res = await fetch(`http://127.0.0.1:${HTTP_PORT}/api/v1/stores/shop/layout`, {
    method: "PUT",
    headers: { authorization: `Bearer ${t.admin}`, "content-type": "application/json" },
    body: JSON.stringify(smallLayout({ validFrom, name })),
  });
  return { status: res.status, body: (await res.json()) as { version?: number; name?: string; message?: string } };
};

/**
 * The storage's versions read held, as a slow database holds it, until the other save's read came too (or 300 ms passed):
 * both saves have looked before either saves, the moment the race needs, every round rather than once in a while.
 */
function holdVersionReads() {
  const stores = t.server.services.storage.stores;
  const read = stores.versions.bind(stores);
  let waiting: (() => void)[] = [];
  stores.versions = async (store) => {
    const versions = await read(store);
    await new Promise<void>((resolve) => {
      waiting.push(resolve);
      setTimeout(resolve, 300);
      if (waiting.length >= 2) {
        for (const w of waiting) w();
        waiting = [];
      }
    });
    return versions;
  };
  return () => void (stores.versions = read);
}

const listed = async () => (await t.get<{ layouts: { version: number; validFrom: number; name: string }[] }>("/api/v1/stores/shop/layouts")).body.layouts;

describe("two saves at the same future instant at once", () => {
  it("both answer 200 and one version is left at that instant, the last saved: none never in force", async () => {
    const before = (await listed()).length;
    const release = holdVersionReads();
    // Future instants, a day apart: in odd rounds one is scheduled there already (both saves find it, one replaces it).
    const base = Math.ceil(Date.now() / DAY) * DAY + 30 * DAY;
    const rounds = 6;
    for (let n = 0; n < rounds; n++) {
      const at = base + n * DAY;
      if (n % 2 === 1) {
        release();
        expect((await put(at, `Planned ${n}`)).status).toBe(200);
        holdVersionReads();
      }
      const res = await Promise.all([put(at, `Desk A ${n}`), put(at, `Desk B ${n}`)]);
      expect(res.map((r) => r.status), JSON.stringify(res.map((r) => r.body))).toEqual([200, 200]);
      // Old route: two versions at this instant (three in odd rounds), the first never in force.
      const there = (await listed()).filter((l) => l.validFrom === at);
      expect(there.map((l) => l.version)).toEqual([Math.max(...res.map((r) => r.body.version!))]);
    }
    release();
    expect((await listed()).length).toBe(before + rounds);
  });
});
