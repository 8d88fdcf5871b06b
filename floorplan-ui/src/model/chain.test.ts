import fc from "fast-check";
import { isId } from "@footfall/core";
import { describe, expect, it } from "vitest";
import type { OverviewStore } from "../api/chain.js";
import { chainRange, closedNote, DEFAULT_SORT, figureAbout, figureChange, formatFigure, filterStores, groupIdOf, leftOutWords, likeForLikeLine, linkedRange, groupsShown, nextSort, notLikeForLike, outageNote, partialNote, partialTotalNote, sortOf, sortParams, sortStores, storeRangeParams, totalsLikeForLike, type Sort } from "./chain.js";
import { formatDuration } from "./format.js";
import { rangeFromParams } from "./range.js";
import { clockIn2026 } from "./clock-year.testing.js";

// Its fixtures are dated in 2026, and dates of another year than now's say their year.
clockIn2026();

const store = (id: string, enters: number, conversion: number | null = null, name = id.toUpperCase(), basket: number | null = null, currency: string | null = null): OverviewStore => {
  const f = { enters, visitors: enters, transactions: 0, sales: 0, conversion, averageBasket: basket, dwellMedianS: null };
  return { id, name, timezone: "UTC", currency, groups: [], figures: f, previous: f, lastYear: f, since: 0, figuresFrom: 0, likeForLike: { previous: true, lastYear: true }, notLikeForLike: { previous: null, lastYear: null }, occupancy: 0, occupancyFrom: "zones", open: null, agents: { agents: 0, online: 0, health: "none", lastEventTs: null } };
};

describe("the chain view's sorting", () => {
  it("sorts by a figure, ties by name, and keeps stores without the figure last both ways", () => {
    const rows = [store("b", 5, 0.2), store("a", 5, null), store("c", 9, 0.1)];
    expect(sortStores(rows, { key: "enters", dir: "desc" }).map((s) => s.id)).toEqual(["c", "a", "b"]);
    expect(sortStores(rows, { key: "enters", dir: "asc" }).map((s) => s.id)).toEqual(["a", "b", "c"]);
    expect(sortStores(rows, { key: "conversion", dir: "asc" }).map((s) => s.id)).toEqual(["c", "b", "a"]);
    expect(sortStores(rows, { key: "conversion", dir: "desc" }).map((s) => s.id)).toEqual(["b", "c", "a"]);
  });

  it("compares average baskets within a currency only: by currency first, then the amount, either way", () => {
    const rows = [store("lon", 1, null, "London", 20, "GBP"), store("par", 1, null, "Paris", 18, "EUR"), store("war", 1, null, "Warsaw", 80, "PLN"), store("lyo", 1, null, "Lyon", 25, "EUR"), store("out", 1, null, "Outlet", 9, null), store("new", 1, null, "New", null, "EUR")];
    expect(sortStores(rows, { key: "averageBasket", dir: "desc" }).map((s) => s.id)).toEqual(["out", "lyo", "par", "lon", "war", "new"]);
    expect(sortStores(rows, { key: "averageBasket", dir: "asc" }).map((s) => s.id)).toEqual(["out", "par", "lyo", "lon", "war", "new"]);
  });

  it("orders any stores as a plain comparison of the figure would (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { maxLength: 30 }), (ns) => {
        const rows = ns.map((n, i) => store(`s${String(i).padStart(2, "0")}`, n));
        const sorted = sortStores(rows, { key: "enters", dir: "desc" }).map((s) => s.figures.enters);
        expect(sorted).toEqual([...ns].sort((a, b) => b - a));
      }),
    );
  });

  it("flips the order on a second click, and starts a new column descending (names ascending)", () => {
    expect(nextSort({ key: "enters", dir: "desc" }, "enters")).toEqual({ key: "enters", dir: "asc" });
    expect(nextSort({ key: "enters", dir: "desc" }, "visitors")).toEqual({ key: "visitors", dir: "desc" });
    expect(nextSort({ key: "enters", dir: "desc" }, "name")).toEqual({ key: "name", dir: "asc" });
  });
});

describe("the sort a link carries", () => {
  it("reads back every sort it writes, and writes nothing for the default (property)", () => {
    const keys = ["name", "enters", "visitors", "conversion", "averageBasket", "dwellMedianS", "occupancy", "health"] as const;
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.constantFrom("asc" as const, "desc" as const), (key, dir) => {
        const sort: Sort = { key, dir };
        const params = sortParams(sort);
        expect(sortOf({ sort: params.sort ?? undefined, order: params.order ?? undefined })).toEqual(sort);
      }),
    );
    expect(sortParams(DEFAULT_SORT)).toEqual({ sort: null, order: null });
    expect(sortParams({ key: "name", dir: "asc" })).toEqual({ sort: "name", order: null });
  });

  it("opens with the default for a missing or unknown column, and the column's own order for a bad one", () => {
    expect(sortOf({})).toEqual(DEFAULT_SORT);
    expect(sortOf({ sort: "secret", order: "asc" })).toEqual(DEFAULT_SORT);
    expect(sortOf({ sort: "conversion", order: "sideways" })).toEqual({ key: "conversion", dir: "desc" });
    expect(sortOf({ sort: "name" })).toEqual({ key: "name", dir: "asc" });
  });
});

describe("filters", () => {
  it("filters by name or id, case-insensitively", () => {
    const rows = [store("lyon-1", 1, null, "Lyon Part-Dieu"), store("paris-2", 1, null, "Paris Opéra")];
    expect(filterStores(rows, "part").map((s) => s.id)).toEqual(["lyon-1"]);
    expect(filterStores(rows, "PARIS").map((s) => s.id)).toEqual(["paris-2"]);
    expect(filterStores(rows, " ")).toHaveLength(2);
  });
  it("finds a name stored before the name rule by what the table shows of it, and by its stored text", () => {
    const rows = [store("rivoli", 1, null, "Rivoli \u202eexe.pdf"), store("halles", 1, null, "Halles\u001b[2J"), store("lyon-1", 1, null, "Lyon")];
    // As the table shows them (nameShown), read or copied from it.
    expect(filterStores(rows, "rivoli \\u{202e}exe").map((s) => s.id)).toEqual(["rivoli"]);
    expect(filterStores(rows, "Halles\\u{1b}[2J").map((s) => s.id)).toEqual(["halles"]);
    // As stored.
    expect(filterStores(rows, "Rivoli \u202eexe").map((s) => s.id)).toEqual(["rivoli"]);
    expect(filterStores(rows, "exe.pdf").map((s) => s.id)).toEqual(["rivoli"]);
  });
});

describe("the chain view's changes", () => {
  it("writes conversion's change in percentage points, as the digests do, not relative to before", () => {
    expect(figureChange("conversion", 0.46, 0.45)).toEqual({ text: "+1.0 pts", dir: "up" });
    expect(figureChange("conversion", 0.437, 0.4545)).toEqual({ text: "−1.8 pts", dir: "down" });
    expect(figureChange("conversion", 0.3, 0.30004)).toEqual({ text: "±0.0 pts", dir: "flat" });
    // 0 % before is a figure too (nothing sold): the change from it is still said.
    expect(figureChange("conversion", 0.05, 0)).toEqual({ text: "+5.0 pts", dir: "up" });
    expect(figureChange("conversion", 0.05, null)).toBeNull();
    expect(figureChange("conversion", null, 0.05)).toBeNull();
  });

  it("points are the difference of the two rates, and their sign the arrow's (property)", () => {
    const rate = fc.double({ min: 0, max: 1, noNaN: true });
    fc.assert(
      fc.property(rate, rate, (now, before) => {
        const c = figureChange("conversion", now, before)!;
        const shown = Number(c.text.replace("−", "-").replace("±", "").replace(" pts", ""));
        // One decimal below 10 points, whole from 10 up (core's rule for every percent figure): within half the last digit.
        expect(Math.abs(Math.abs(shown) - Math.abs(now - before) * 100)).toBeLessThanOrEqual((c.text.includes(".") ? 0.05 : 0.5) + 1e-9);
        expect(c.dir).toBe(shown > 0 ? "up" : shown < 0 ? "down" : "flat");
        if (c.dir === "up") expect(now).toBeGreaterThan(before);
        if (c.dir === "down") expect(now).toBeLessThan(before);
      }),
    );
  });

  it("every other figure changes relative to before, and has no change from 0 or from nothing", () => {
    expect(figureChange("enters", 150, 100)).toEqual({ text: "+50 %", dir: "up" });
    expect(figureChange("dwellMedianS", 60, 64)).toEqual({ text: "−6.3 %", dir: "down" });
    expect(figureChange("averageBasket", 20, 20)).toEqual({ text: "±0.0 %", dir: "flat" });
    expect(figureChange("enters", 5, 0)).toBeNull();
    expect(figureChange("visitors", null, 10)).toBeNull();
  });
});

describe("a store closed the whole range", () => {
  it("says so under its enters by its opening hours, and nothing when it was open or the server does not say", () => {
    expect(closedNote({ closedThroughout: { range: true, previous: false, lastYear: false } })).toBe("Closed (opening hours)");
    expect(closedNote({ closedThroughout: { range: false, previous: true, lastYear: false } })).toBeNull();
    expect(closedNote({})).toBeNull();
  });
});

describe("the groups under a store's name", () => {
  it("names each group as the Group filter does, not by its id; one the list lacks keeps its id", () => {
    const groups = [{ id: "ile-de-france-nord", name: "Île-de-France Nord" }, { id: "outlets", name: "Outlets\u{1b}[2J" }];
    expect(groupsShown(["ile-de-france-nord", "outlets"], groups)).toBe("Île-de-France Nord, Outlets\\u{1b}[2J");
    expect(groupsShown(["gone"], groups)).toBe("gone");
    expect(groupsShown(["outlets"], undefined)).toBe("outlets");
  });
});

describe("a new store group's id", () => {
  it("is made from its name as people write it", () => {
    expect(groupIdOf("North")).toBe("north");
    expect(groupIdOf("Île-de-France Nord")).toBe("ile-de-france-nord");
    expect(groupIdOf("  Flagships (EU) ")).toBe("flagships-eu");
    expect(groupIdOf("Zone_2")).toBe("zone_2");
    expect(groupIdOf("!!!")).toBe("");
  });

  it("is always an id the server takes, or empty (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (name) => {
        const id = groupIdOf(name);
        if (id !== "") expect(isId(id)).toBe(true);
        if (/[a-z0-9]/i.test(name.normalize("NFKD").replace(/[\u0300-\u036f]/g, ""))) expect(id).not.toBe("");
      }),
    );
  });
});

describe("opening a store from its row", () => {
  const NOW = Date.UTC(2026, 11, 5, 11, 50); // Sat 5 Dec 2026, 12:50 in Paris, 05:50 in Chicago
  const HOUR = 3_600_000;
  /** The hours a store's heatmap counts with these params, on the overview's whole hours. */
  const shownHours = (params: Record<string, string>, now: number, zone: string) => {
    const r = rangeFromParams(params, now, zone).range;
    return { from: Math.floor(r.from / HOUR) * HOUR, to: Math.ceil(r.to / HOUR) * HOUR };
  };

  it("opens a store in the chain's zone on the preset by name", () => {
    expect(storeRangeParams("yesterday", NOW, "Europe/Paris", "Europe/Paris")).toEqual({ range: "yesterday" });
    // At the chain's midnight its today is empty: nothing to match, the store's own today.
    expect(storeRangeParams("today", Date.UTC(2026, 0, 1), "UTC", "Europe/Paris")).toEqual({ range: "today" });
    expect(storeRangeParams("today", NOW, "Europe/Paris", "Europe/Berlin")).toEqual({ range: "today" });
  });

  it("opens a store in another zone on the row's hours, not on its own yesterday", () => {
    // The chain's Friday is Paris's: Thu 17:00 to Fri 17:00 in Chicago, whose own Friday had 45 more enters in the demo.
    expect(storeRangeParams("yesterday", NOW, "Europe/Paris", "America/Chicago")).toEqual({ from: String(Date.UTC(2026, 11, 3, 23)), to: String(Date.UTC(2026, 11, 4, 23)) });
    expect(shownHours(storeRangeParams("last7", NOW, "Europe/Paris", "Europe/London"), NOW, "Europe/London")).toEqual(chainRange("last7", NOW, "Europe/Paris"));
  });

  it("shows the store the hours its row counted, whatever the zones, preset and time (property)", () => {
    const zones = ["Europe/Paris", "Europe/London", "Europe/Berlin", "America/Chicago", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland", "UTC"];
    fc.assert(
      fc.property(
        fc.constantFrom("today", "yesterday", "last7", "last30" as const),
        fc.integer({ min: Date.UTC(2026, 0, 1) / 60_000, max: Date.UTC(2027, 11, 31) / 60_000 }).map((m) => m * 60_000),
        fc.constantFrom(...zones),
        fc.constantFrom(...zones),
        (preset, now, chainZone, storeZone) => {
          const params = storeRangeParams(preset, now, chainZone, storeZone);
          const row = chainRange(preset, now, chainZone);
          // In the minute of the chain's midnight its "today" is empty: the store opens on its own today.
          if (row.to <= row.from) expect(params).toEqual({ range: preset });
          else expect(shownHours(params, now, storeZone)).toEqual(row);
          if (chainZone === storeZone) expect(params).toEqual({ range: preset });
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("the chain view's changes, like-for-like", () => {
  const fig = (enters: number) => ({ enters, visitors: enters, transactions: 0, sales: 0, conversion: null, averageBasket: null, dwellMedianS: null });
  it("says a store counted from inside the previous period shows no change there, in the heatmap's words", () => {
    // Figures from noon the day before: yesterday's change against it would read +51 %.
    const s = { figuresFrom: Date.UTC(2026, 11, 3, 11), likeForLike: { previous: false, lastYear: false } };
    expect(notLikeForLike(s, "previous", "Europe/Paris")).toBe("Counted from Thu 3 Dec, 12:00 CET: the previous period is not complete, so a change would overstate growth");
    expect(notLikeForLike(s, "lastYear", "Europe/Paris")).toContain("the same weekdays last year are not complete");
    expect(notLikeForLike({ ...s, likeForLike: { previous: true, lastYear: false } }, "previous", "UTC")).toBeNull();
    expect(notLikeForLike({ figuresFrom: null, likeForLike: { previous: false, lastYear: false } }, "previous", "UTC")).toContain("No figures yet");
    // Counted only from after the earlier period: nothing there to compare with.
    expect(notLikeForLike(s, "lastYear", "UTC", { from: Date.UTC(2025, 11, 4), to: Date.UTC(2025, 11, 5) })).toBe("Counted from Thu 3 Dec, 11:00 UTC: the same weekdays last year has no figures to compare with");
  });

  it("says 'no data' with how long figures are kept, not 'new', where the earlier period is older than the figures kept", () => {
    const history = { keptDays: 365, keptFrom: Date.UTC(2025, 11, 5, 15) };
    const cut = { figuresFrom: Date.UTC(2025, 11, 5, 16), likeForLike: { previous: true, lastYear: false }, notLikeForLike: { previous: null, lastYear: "no-data" as const } };
    expect(leftOutWords(cut, "lastYear", history)).toEqual({ word: "no data", after: "(kept 365 days)" });
    expect(leftOutWords(cut, "previous", history)).toBeNull();
    expect(notLikeForLike(cut, "lastYear", "Europe/Paris", null, history)).toBe(
      "Figures are kept 365 days (from Fri, 5 Dec 2025 on): the same weekdays last year are older, so there is nothing to compare with. The store is not new: its earlier figures were deleted",
    );
    // A store that opened after the horizon is new, as before; so is one of an overview without notLikeForLike.
    const fresh = { ...cut, notLikeForLike: { previous: null, lastYear: "new" as const } };
    expect(leftOutWords(fresh, "lastYear", history)).toEqual({ word: "new", after: null });
    expect(notLikeForLike(fresh, "lastYear", "UTC", null, history)).toContain("Counted from Fri, 5 Dec 2025, 16:00 UTC");
    expect(leftOutWords({ figuresFrom: null, likeForLike: { previous: false, lastYear: false } }, "previous")).toEqual({ word: "new", after: null });
  });

  it("says 'not counted' and which hours its entrance was counted by no agent, where an outage is in either period", () => {
    // The entrance camera of a Paris store offline 14:00-18:00 on Mon 30 Nov: that day's enters are short by what nobody counted.
    const outage = { hours: 4, zones: ["entrance"], spans: [{ from: Date.UTC(2026, 10, 30, 13), to: Date.UTC(2026, 10, 30, 17) }] };
    const s = {
      timezone: "Europe/Paris",
      figuresFrom: Date.UTC(2026, 9, 1),
      likeForLike: { previous: false, lastYear: false },
      notLikeForLike: { previous: "outage" as const, lastYear: "outage" as const },
      outages: { range: outage, previous: null, lastYear: null },
    };
    expect(leftOutWords(s, "previous")).toEqual({ word: "not counted", after: null });
    expect(notLikeForLike(s, "previous", "Europe/Paris")).toBe(
      "Its entrance was counted by no agent (offline) for 4 h (Mon 30 Nov, 14:00–18:00 CET) of this period: a change would read the outage as a change in traffic, so none is shown and the totals' changes leave the store out",
    );
    expect(outageNote(s)).toBe("Not counted 4 h (Mon 30 Nov, 14:00–18:00 CET)");
    // The day after: its own figures are whole, its previous day's are not.
    const after = { ...s, outages: { range: null, previous: outage, lastYear: null } };
    expect(outageNote(after)).toBeNull();
    expect(notLikeForLike(after, "previous", "Europe/Paris")).toContain("for 4 h (Mon 30 Nov, 14:00–18:00 CET) of the previous period:");
    // An outage over midnight names both ends; more than two stretches say how many more.
    const long = { hours: 30, zones: ["entrance"], spans: [{ from: Date.UTC(2026, 10, 28, 9), to: Date.UTC(2026, 10, 29, 15) }, { from: Date.UTC(2026, 10, 30, 9), to: Date.UTC(2026, 10, 30, 10) }, { from: Date.UTC(2026, 10, 30, 12), to: Date.UTC(2026, 10, 30, 13) }] };
    expect(outageNote({ timezone: "UTC", outages: { range: long, previous: null, lastYear: null } })).toBe("Not counted 30 h (Sat 28 Nov, 09:00 UTC to Sun 29 Nov, 15:00 UTC, Mon 30 Nov, 09:00–10:00 UTC and 1 more)");
    // An overview without outages (a server before them) says nothing.
    expect(outageNote({ timezone: "UTC" })).toBeNull();
  });

  it("compares a total over the stores counted through both periods and says how many of all (property)", () => {
    fc.assert(
      fc.property(fc.nat(50), fc.nat(50), fc.nat(50), fc.nat(1000), fc.nat(1000), (all, p0, y0, now, before) => {
        const [p, y] = [Math.min(p0, all), Math.min(y0, all)];
        const lfl = (n: number) => ({ stores: n, figures: fig(now), before: fig(before) });
        const totals = { stores: all, likeForLike: { previous: lfl(p), lastYear: lfl(y) } };
        const t = totalsLikeForLike(totals, "previous");
        expect(t.now.enters).toBe(now);
        expect(t.before.enters).toBe(before);
        expect(t.note).toBe(p < all ? `like-for-like: ${p} of ${all} ${all === 1 ? "store" : "stores"}` : null);
        const line = likeForLikeLine(totals);
        if (p === all && y === all) expect(line).toBeNull();
        else expect(line).toContain(`${p} of ${all} ${all === 1 ? "store" : "stores"}`);
      }),
    );
    expect(likeForLikeLine({ stores: 20, likeForLike: { previous: { stores: 18, figures: fig(1), before: fig(1) }, lastYear: { stores: 18, figures: fig(1), before: fig(1) } } })).toBe("Changes like-for-like: 18 of 20 stores");
  });
});

describe("the chain view's figures", () => {
  it("writes a median dwell as every other screen does (1 min 04 s, not 1m04)", () => {
    expect(formatFigure("dwellMedianS", 64, null)).toBe("1 min 04 s");
    expect(formatFigure("dwellMedianS", 45, null)).toBe("45 s");
    expect(formatFigure("dwellMedianS", 3_720, null)).toBe("1 h 02 min");
    expect(formatFigure("dwellMedianS", null, null)).toBe("–");
  });

  it("uses the shared dwell formatter for any dwell (property)", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 86_400, noNaN: true }), (s) => {
        expect(formatFigure("dwellMedianS", s, null)).toBe(formatDuration(s));
      }),
    );
  });

  it("writes counts, rates and amounts as the other screens do", () => {
    expect(formatFigure("enters", 12_345, null)).toBe("12,345");
    expect(formatFigure("conversion", 0.034, null)).toBe("3.4 %");
    expect(formatFigure("averageBasket", 12.4, "EUR")).toBe("€12.40");
  });

  it("says in the median dwell's header that it is the median of zone visits, not of time in store", () => {
    expect(figureAbout("dwellMedianS")).toMatch(/median .*zone visits/);
    expect(figureAbout("dwellMedianS")).toMatch(/not of the time spent in the store/);
    // Core's store dwell, as the digests count it: no pass, payment or wait.
    expect(figureAbout("dwellMedianS")).toMatch(/entrances, checkouts and queues aside/);
  });
});

describe("the chain view's partial 'in store now'", () => {
  const at = Date.UTC(2026, 11, 6, 15, 52); // 16:52 in Paris
  const zone = (name: string, since: number) => ({ zone: name.toLowerCase(), name, since, agents: ["cam-2"] });
  it("says which zones are not counted and since when (the first to stop), in the store's time zone, while the figure is partial", () => {
    const s = { ...store("lille", 0), timezone: "Europe/Paris", partial: true, notCounted: [zone("Bakery", at + 60_000), zone("Till queue", at)] };
    expect(partialNote(s, at)).toMatch(/^Partial: Bakery, Till queue not counted since 16:52 CES?T$/);
    expect(partialNote({ ...s, notCounted: [1, 2, 3, 4].map((i) => zone(`Z${i}`, at)) }, at)).toMatch(/^Partial: 4 zones not counted since 16:52/);
  });
  it("says nothing while the figure is whole, or from a server before the field", () => {
    expect(partialNote({ ...store("lyon", 0), partial: false, notCounted: [] }, at)).toBeNull();
    // A door store's total from its door counter: a camera's zone not counted leaves it whole.
    expect(partialNote({ ...store("lyon", 0), partial: false, notCounted: [zone("Bakery", at)] }, at)).toBeNull();
    expect(partialNote(store("old", 0), at)).toBeNull();
  });
  it("says in the totals how many stores are partial", () => {
    expect(partialTotalNote({ partialStores: 1 }, [], at)).toBe("partial: 1 store not fully counted now");
    expect(partialTotalNote({ partialStores: 2 }, [], at)).toBe("partial: 2 stores not fully counted now");
    expect(partialTotalNote({ partialStores: 0 }, [], at)).toBeNull();
    expect(partialTotalNote({}, [], at)).toBeNull();
  });
  it("names in the totals a store nothing counts now, as its row does, not as 'partial'", () => {
    // Every box of Lille off since 16:52: its row says "Not counted since 16:52 CET (cam-2 offline): the count from before".
    const lille = { ...store("lille", 0), name: "Lille", timezone: "Europe/Paris", partial: true, zoneCount: 2, notCounted: [zone("Bakery", at), zone("Tills", at + 60_000)] };
    const lyon = { ...store("lyon", 0), name: "Lyon", partial: false, zoneCount: 2, notCounted: [] };
    expect(partialNote(lille, at)).toMatch(/^Not counted since 16:52 CES?T \(cam-2 offline\): the count from before$/);
    expect(partialTotalNote({ partialStores: 1 }, [lille, lyon], at)).toMatch(/^Lille not counted since 16:52 CES?T \(cam-2 offline\): the count from before$/);
    // One more store with a zone down: "partial" for it alone.
    const nice = { ...store("nice", 0), name: "Nice", partial: true, zoneCount: 2, notCounted: [zone("Bakery", at)] };
    expect(partialTotalNote({ partialStores: 2 }, [lille, lyon, nice], at)).toMatch(/^Lille not counted since 16:52 CES?T \(cam-2 offline\): the count from before · partial: 1 more store not fully counted now$/);
    const many = [1, 2, 3, 4].map((i) => ({ ...lille, id: `s${i}`, name: `S${i}` }));
    expect(partialTotalNote({ partialStores: 4 }, many, at)).toBe("4 stores not counted now: the count from before");
  });
  it("says the day of a start before today in the store's zone (server's now): 'since Sun 16:52 CET' on Monday, a date a week on", () => {
    const lille = { ...store("lille", 0), name: "Lille", timezone: "Europe/Paris", partial: true, zoneCount: 2, notCounted: [zone("Bakery", at), zone("Tills", at + 60_000)] };
    const monday = at + 18 * 3_600_000; // Mon 7 Dec 10:52 in Paris
    expect(partialNote(lille, monday)).toBe("Not counted since Sun 16:52 CET (cam-2 offline): the count from before");
    expect(partialTotalNote({ partialStores: 1 }, [lille], monday)).toBe("Lille not counted since Sun 16:52 CET (cam-2 offline): the count from before");
    expect(partialNote({ ...lille, zoneCount: 3 }, monday)).toBe("Partial: Bakery, Tills not counted since Sun 16:52 CET");
    expect(partialNote(lille, at + 8 * 86_400_000)).toBe("Not counted since 6 Dec 16:52 CET (cam-2 offline): the count from before");
  });
  it("accounts in the totals for every store not fully counted, once (fast-check against counting the rows)", () => {
    const row = fc.record({ zoneCount: fc.integer({ min: 0, max: 3 }), down: fc.integer({ min: 0, max: 3 }), doorWhole: fc.boolean() }).map(({ zoneCount, down, doorWhole }) => {
      const notCounted = Array.from({ length: Math.min(down, zoneCount) }, (_, i) => zone(`Z${i}`, at + i));
      // A door store's total from its counter can stay whole while a camera's zone is down (not while every zone is).
      const partial = notCounted.length > 0 && (!doorWhole || notCounted.length === zoneCount);
      return { ...store("x", 0), partial, zoneCount, notCounted };
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 7 }), (raw) => {
        const rows = raw.map((r, i) => ({ ...r, id: `s${i}`, name: `Store ${i}` }));
        const note = partialTotalNote({ partialStores: rows.filter((r) => r.partial).length }, rows, at);
        const nothing = rows.filter((r) => r.zoneCount > 0 && r.notCounted.length === r.zoneCount);
        const partOnly = rows.filter((r) => r.partial && !nothing.includes(r)).length;
        if (nothing.length === 0 && partOnly === 0) return note === null;
        const named = nothing.length <= 3 ? nothing.filter((r) => note!.includes(`${r.name} not counted since`)).length : Number(/^(\d+) stores not counted now/.exec(note!)?.[1]);
        const rest = Number(/partial: (\d+) /.exec(note!)?.[1] ?? 0);
        // Every store nothing counts is named (or counted), never as "partial"; the rest are "partial".
        return named === nothing.length && rest === partOnly && (nothing.length === 0 || !note!.startsWith("partial"));
      }),
    );
  });
});

describe("linkedRange", () => {
  const PARIS = "Europe/Paris";
  const NOW = Date.UTC(2026, 11, 7, 20, 56, 30);
  it("takes a digest link's hours (from, to in epoch ms) as the range, widened to whole hours", () => {
    const day = Date.UTC(2026, 10, 29, 23);
    expect(linkedRange({ from: String(day), to: String(day + 86_400_000) }, PARIS, NOW)).toEqual({ from: day, to: day + 86_400_000 });
    expect(linkedRange({ from: String(day + 1), to: String(day + 90_000) }, PARIS, NOW)).toEqual({ from: day, to: day + 3_600_000 });
  });
  it("takes days (from, to both included, in the chain's zone) as the Report does: a pasted ?from=2026-12-06&to=2026-12-07 is those days, not the last 7", () => {
    // Old: null (the preset's last 7 days).
    expect(linkedRange({ from: "2026-12-06", to: "2026-12-07" }, PARIS, Date.UTC(2026, 11, 9))).toEqual({ from: Date.UTC(2026, 11, 5, 23), to: Date.UTC(2026, 11, 7, 23) });
    expect(linkedRange({ from: "2026-11-30", to: "2026-11-30" }, PARIS, NOW)).toEqual({ from: Date.UTC(2026, 10, 29, 23), to: Date.UTC(2026, 10, 30, 23) });
    // `from` alone: that day; in New York, its midnights.
    expect(linkedRange({ from: "2026-11-30" }, "America/New_York", NOW)).toEqual({ from: Date.UTC(2026, 10, 30, 5), to: Date.UTC(2026, 11, 1, 5) });
    // Across the fall-back: 25 hours.
    const fall = linkedRange({ from: "2026-10-25" }, PARIS, NOW)!;
    expect(fall.to - fall.from).toBe(25 * 3_600_000);
    // The same answer as the Report's range for the same params, on whole hours.
    const params = { from: "2026-11-02", to: "2026-11-08" };
    const report = rangeFromParams(params, NOW, PARIS).range;
    expect(linkedRange(params, PARIS, NOW)).toEqual({ from: report.from, to: report.to });
  });
  it("ends days that reach today with the current hour, as the presets do", () => {
    // Today in Paris (7 Dec, 21:56): to 22:00 Paris, 21:00 UTC; yesterday and today.
    expect(linkedRange({ from: "2026-12-06", to: "2026-12-07" }, PARIS, NOW)).toEqual({ from: Date.UTC(2026, 11, 5, 23), to: Date.UTC(2026, 11, 7, 21) });
    expect(linkedRange({ from: "2026-12-07", to: "2026-12-07" }, PARIS, NOW)).toEqual(chainRange("today", NOW, PARIS));
  });
  it("gives none without both times, with days that are not, or with a range that ends before it begins (the preset then)", () => {
    expect(linkedRange({}, PARIS, NOW)).toBeNull();
    expect(linkedRange({ from: "1795996800000" }, PARIS, NOW)).toBeNull();
    expect(linkedRange({ from: "1795996800000", to: "1795993200000" }, PARIS, NOW)).toBeNull();
    expect(linkedRange({ from: "2026-12-07", to: "2026-12-06" }, PARIS, NOW)).toBeNull();
    expect(linkedRange({ from: "2026-02-30", to: "2026-03-01" }, PARIS, NOW)).toBeNull();
    expect(linkedRange({ from: "2026-12-06", to: "1795993200000" }, PARIS, NOW)).toBeNull();
    expect(linkedRange({ from: "yesterday", to: "2026-12-06" }, PARIS, NOW)).toBeNull();
  });
});
