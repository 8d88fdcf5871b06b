/**
 * The chain overview compares like-for-like: a store whose figures begin after the start of the
 * previous period (or of last year's) says so, and the totals' changes leave it out. On the
 * in-process server's SQLite file.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { EventFactory, smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";
import { DAY, FROM, HOUR, NOW, TO } from "../../../test/support/overview-week.js";

const t = useTestServer({ now: () => NOW, maxAgeMs: 400 * DAY });

/** 10 enters a day at 10:00 UTC from `first` on. */
const BEGIN = { old: FROM - 8 * DAY, mid: FROM - 3 * DAY, fresh: FROM + 3 * DAY } as const;

beforeAll(async () => {
  for (const [store, first] of Object.entries(BEGIN)) {
    await t.putLayout(store, smallLayout({ name: store, timezone: "UTC" }));
    const f = new EventFactory("cam-1");
    const events = [];
    for (let d = first; d < TO; d += DAY)
      for (let i = 0; i < 10; i++) events.push(...f.visit(`${store}-${(d - first) / DAY}-${i}`, "entrance", d + 10 * HOUR + i * 60_000, 10_000));
    for (let i = 0; i < events.length; i += 900) await t.ingest(store, "cam-1", events.slice(i, i + 900));
  }
});

interface Row {
  id: string;
  figures: { enters: number };
  previous: { enters: number };
  figuresFrom: number | null;
  likeForLike: { previous: boolean; lastYear: boolean };
}

describe("GET /overview like-for-like", () => {
  it("flags stores not counted through the whole previous period, and compares the totals over the others only", async () => {
    const res = await t.get(`/api/v1/overview?from=${FROM}&to=${TO}`);
    expect(res.status).toBe(200);
    const row = (id: string) => (res.body.stores as Row[]).find((s) => s.id === id)!;
    // mid's previous week holds 3 of its 7 days: a +133 % that is no growth.
    expect(row("mid").figures.enters).toBe(70);
    expect(row("mid").previous.enters).toBe(30);
    for (const [id, first] of Object.entries(BEGIN)) expect(row(id).figuresFrom).toBe(first + 10 * HOUR);
    expect(row("old").likeForLike).toEqual({ previous: true, lastYear: false });
    expect(row("mid").likeForLike).toEqual({ previous: false, lastYear: false });
    expect(row("fresh").likeForLike).toEqual({ previous: false, lastYear: false });
    // The totals themselves stay the sums of every store; their change is old's alone.
    expect(res.body.totals.figures.enters).toBe(70 + 70 + 40);
    expect(res.body.totals.previous.enters).toBe(70 + 30);
    expect(res.body.totals.likeForLike.previous).toMatchObject({ stores: 1, figures: { enters: 70 }, before: { enters: 70 } });
    expect(res.body.totals.likeForLike.lastYear).toMatchObject({ stores: 0, figures: { enters: 0 }, before: { enters: 0 } });
  });

  it("counts a store whose figures begin exactly at the previous period's start as like-for-like", async () => {
    // The range whose previous period starts at old's first hour.
    const from = BEGIN.old + 10 * HOUR + 7 * DAY;
    const res = await t.get(`/api/v1/overview?from=${from}&to=${from + 7 * DAY}`);
    const row = (id: string) => (res.body.stores as Row[]).find((s) => s.id === id)!;
    expect(row("old").likeForLike.previous).toBe(true);
    expect(res.body.totals.likeForLike.previous.stores).toBe(1);
  });
});
