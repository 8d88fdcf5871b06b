/**
 * Two saves of a store's layout at the same past instant at the same moment (two scripts, two desks, without ?seen=), over
 * real HTTP to a server on a real SQLite file. A save at a past version's very instant is refused (409: it would take that
 * version's place for ever); the route looked for such a version before the save, outside its transaction, so two saves at
 * the same new past instant could both find none and both save: the first version, in force from then, was at once in force
 * at no instant. Now the storage looks in the save's own transaction: each time, one 200 and one 409.
 */
import { describe, expect, it } from "vitest";
import { smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";

const DAY = 86_400_000;
const HTTP_PORT = 19300;
const t = useTestServer({ stores: ["shop"], config: { httpPort: HTTP_PORT, mqttPort: 19301 } });

const put = async (validFrom: number, name: string) => {
  const res = await fetch(`http://127.0.0.1:${HTTP_PORT}/api/v1/stores/shop/layout`, {
    method: "PUT",
    headers: { authorization: `Bearer ${t.admin}`, "content-type": "application/json" },
    body: JSON.stringify(smallLayout({ validFrom, name })),
  });
  return { status: res.status, body: (await res.json()) as { version?: number; message?: string } };
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

describe("two saves at the same past instant at once", () => {
  it("one saves (200), the other is refused (409, in words), every time: no version left in force at no instant", async () => {
    const release = holdVersionReads();
    const rounds = 8;
    // Past instants, a day apart, each new: the first save at each is a new version from then (a retroactive correction).
    const base = Date.UTC(2026, 9, 1, 8, 0);
    const outcomes: string[] = [];
    const refusals: string[] = [];
    for (let n = 0; n < rounds; n++) {
      const at = base + n * DAY;
      const res = await Promise.all([put(at, `Desk A ${n}`), put(at, `Desk B ${n}`)]);
      outcomes.push(res.map((r) => r.status).sort().join(" "));
      for (const r of res) if (r.status === 409) refusals.push(r.body.message ?? "");
    }
    release();
    // Old route: "200 200" in every round (both saved, the first of each pair in force at no instant).
    expect(outcomes).toEqual(Array(rounds).fill("200 409"));
    for (const m of refusals) expect(m).toMatch(/^Since .* CES?T, layout version \d+ of store "shop" has been in force, and this save's validFrom \(.*\) is its very instant/);
    const listed = await t.get<{ layouts: { version: number; validFrom: number }[] }>("/api/v1/stores/shop/layouts");
    expect(listed.body.layouts.length).toBe(1 + rounds);
    expect(new Set(listed.body.layouts.map((l) => l.validFrom)).size).toBe(1 + rounds);
  });
});
