/**
 * The chain overview's standard periods read ahead (issue 15): the periods the chain view offers
 * (floorplan-ui/src/model/range.ts PRESETS: today, yesterday, last 7 days, last 30 days, in whole
 * hours as floorplan-ui/src/views/Chain.tsx asks them) for every time zone of the stores, each
 * with the previous period and the same weekdays a year before, are read into the overview's memo
 * of sketches (../chain/figures.ts) once the server listens, again at every turn of the hour
 * (a day turns in some store's zone at a turn of the hour, and a live period's memoised part ends
 * at the hour before the current one), and every 10 minutes between (stores whose rows late events
 * changed, or that a store rollups' build running at the start left out). A period never asked before costs a read of every store's
 * dwell sketches (0.7 s for 1,000 stores); read ahead, the first request is answered from memory.
 *
 * The reads run in small slices of stores with a turn of the event loop between them, so MQTT
 * ingest and HTTP requests are served meanwhile. FOOTFALL_OVERVIEW_WARM=off turns this off.
 */
import { countsInStoreDwell, localMidnight } from "@footfall/core";
import type { Logger } from "../log.js";
import { openFrom, SketchMemo, warmSketches, type StoreSubject } from "../chain/figures.js";
import { DAY_MS, HOUR_MS } from "../analytics/time-parts.js";
import type { Services } from "../services.js";

/** The same period a year before, on the same weekdays. */
const LAST_YEAR_MS = 364 * DAY_MS;

/** The chain view's presets (floorplan-ui/src/model/range.ts PRESETS without "custom"). */
export const STANDARD_PRESETS = ["today", "yesterday", "last7", "last30"] as const;
type StandardPreset = (typeof STANDARD_PRESETS)[number];

export interface Range {
  from: number;
  to: number;
}

/** What the chain view asks for a preset at `now` in `timeZone`: the preset's range at the minute, from floored and to ceiled to whole hours. */
export function presetRequest(preset: StandardPreset, now: number, timeZone: string): Range {
  const minute = Math.floor(now / 60_000) * 60_000;
  // (localMidnight: 01:00 on a day that skips midnight, as the UI's ranges: core's calendar for both.)
  const today = localMidnight(minute, timeZone);
  const r =
    preset === "today"
      ? { from: today, to: minute }
      : preset === "yesterday"
        ? { from: localMidnight(minute, timeZone, -1), to: today }
        : { from: localMidnight(minute, timeZone, preset === "last7" ? -6 : -29), to: minute };
  return { from: Math.floor(r.from / HOUR_MS) * HOUR_MS, to: Math.ceil(r.to / HOUR_MS) * HOUR_MS };
}

/**
 * The three periods the overview compares for a range asked at `now` (whole hours): a range that
 * ends in the future ends with the current hour, and the previous period and last year's are as long.
 * The previous period of a past range ends where it begins. A range still running (it reaches the
 * minute asked at: today so far, the last 7 days so far) is compared with the same stretch of the whole
 * days it spans before it, as the heatmap's previous period of a range "so far": today until 16:00
 * with yesterday until 16:00, not with the 16 hours before today's midnight (yesterday from 08:00,
 * its busy hours, which read "-42 %" on an ordinary day). Days of 24 hours: the overview knows no zone
 * for the range (last year's 364 days are the same), so a range of 25 whole hours so far (the last
 * hour of a day the clocks go back; a zone off the hour, Kolkata's today from 23:30, widened to whole
 * hours) is compared with two days before.
 */
export function comparedPeriods(asked: Range, now: number): { range: Range; previous: Range; lastYear: Range } {
  const hourEnd = Math.ceil((now + 1) / HOUR_MS) * HOUR_MS;
  const to = Math.min(asked.to, hourEnd);
  const from = Math.min(asked.from, to - HOUR_MS);
  const length = to - from;
  // Running: it reaches the minute the chain view asked at (it asks to the end of that minute's hour).
  const running = asked.to >= Math.floor(now / 60_000) * 60_000;
  const back = running ? Math.ceil(length / DAY_MS) * DAY_MS : length;
  return { range: { from, to }, previous: { from: from - back, to: to - back }, lastYear: { from: from - LAST_YEAR_MS, to: to - LAST_YEAR_MS } };
}

/** The part of a period the memo keeps when asked at `now` (../chain/figures.ts cuts it so), or null when all of it is read fresh. */
function memoPart(p: Range, now: number): Range | null {
  const cut = Math.min(p.to, Math.max(p.from, openFrom(now)));
  return cut > p.from ? { from: p.from, to: cut } : null;
}

/** Every period the chain view may ask at `now` for stores in `timeZones`, the compared ones included (with repeats). */
function* askedPeriods(now: number, timeZones: Iterable<string>): Generator<Range> {
  for (const tz of new Set(timeZones))
    for (const preset of STANDARD_PRESETS) {
      const c = comparedPeriods(presetRequest(preset, now, tz), now);
      yield c.range;
      yield c.previous;
      yield c.lastYear;
    }
}

const withoutRepeats = (periods: Iterable<Range>): Range[] => [...new Map([...periods].map((p) => [SketchMemo.key(p.from, p.to), p])).values()];

/** Every period the chain view may ask at `now` for stores in `timeZones` (the compared ones included), as the memo keeps them, without repeats. */
export function standardPeriods(now: number, timeZones: Iterable<string>): Range[] {
  const parts: Range[] = [];
  for (const p of askedPeriods(now, timeZones)) {
    const part = memoPart(p, now);
    if (part) parts.push(part);
  }
  return withoutRepeats(parts);
}

/** Every period the chain view may ask at `now` for stores in `timeZones`, whole (the sales sums are kept per period asked), without repeats. */
export function salesPeriods(now: number, timeZones: Iterable<string>): Range[] {
  return withoutRepeats(askedPeriods(now, timeZones));
}

/** Every store with a layout in force at `now`, as the overview reads it. */
export function subjectsOf(services: Pick<Services, "layouts">, stores: readonly { id: string; name: string }[], now: number) {
  const { layouts } = services;
  return stores.flatMap((s) => {
    const layout = layouts.current(s.id, now);
    if (!layout) return [];
    const subject: StoreSubject & { name: string; timezone: string } = {
      id: s.id,
      name: s.name,
      timezone: layout.timezone,
      kindAt: (zone, ts) => layouts.zoneKindAt(s.id, zone, ts),
      changes: layouts.changes(s.id),
      asideAt: (ts) => (layouts.at(s.id, ts)?.zones ?? []).filter((z) => !countsInStoreDwell(z.kind)).map((z) => ({ zone: z.id as string, entrance: z.kind === "entrance" })),
    };
    return [subject];
  });
}

/** Between two turns of the hour, the standard periods are read again this often (only stores whose rows changed are read). */
const REFRESH_MS = 10 * 60_000;

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface WarmResult {
  periods: number;
  stores: number;
  /** Stores read (not held by the memo yet) over all periods. */
  read: number;
  ms: number;
  /** The longest slice (one event-loop turn held by the reads), in ms. */
  longestSliceMs: number;
}

/** Reads the standard periods into the memo: at start (after listen), at each turn of the hour, and when asked (`kick`). */
export class OverviewWarmer {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<WarmResult> | null = null;
  private again = false;
  private stopped = false;

  constructor(
    private readonly services: Pick<Services, "storage" | "layouts" | "now">,
    readonly memo: SketchMemo,
    private readonly opts: { slice?: number; log?: Logger } = {},
  ) {}

  /** Reads ahead now and at every turn of the hour from now on. */
  start(): void {
    this.stopped = false;
    this.kick();
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Reads ahead soon (once more after a read running now); errors are logged. */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    void this.warm().catch((err: Error) => this.opts.log?.warn({ err: err.message }, "reading the chain overview's standard periods ahead failed; requests read them themselves"));
  }

  /** Reads every standard period of every store into the memo, a slice of stores at a time; resolves when done. */
  warm(): Promise<WarmResult> {
    if (this.running) return this.running;
    const run = this.run().finally(() => {
      this.running = null;
      if (this.again && !this.stopped) {
        this.again = false;
        this.kick();
      }
    });
    this.running = run;
    return run;
  }

  private async run(): Promise<WarmResult> {
    const t0 = performance.now();
    const { storage, layouts } = this.services;
    const now = this.services.now();
    const stores = await storage.stores.list();
    for (const s of stores) await layouts.load(s.id);
    const subjects = subjectsOf(this.services, stores, now);
    const periods = standardPeriods(now, subjects.map((s) => s.timezone));
    this.memo.pin(periods);
    const slice = this.opts.slice ?? 25;
    const before = this.memo.warmed;
    let longest = 0;
    for (const p of periods)
      for (let i = 0; i < subjects.length && !this.stopped; i += slice) {
        const s0 = performance.now();
        await warmSketches(storage, subjects.slice(i, i + slice), p, this.memo);
        longest = Math.max(longest, performance.now() - s0);
        await turn();
      }
    // The sales sums of the periods as asked (whole, up to the current hour's end): kept while no sale of theirs is stored.
    const asked = salesPeriods(now, subjects.map((s) => s.timezone));
    this.memo.sales.pin(asked);
    for (const p of asked)
      for (let i = 0; i < subjects.length && !this.stopped; i += slice * 4) {
        const s0 = performance.now();
        await this.memo.sales.of(storage, subjects.slice(i, i + slice * 4).map((s) => s.id), p.from, p.to);
        longest = Math.max(longest, performance.now() - s0);
        await turn();
      }
    const result = { periods: periods.length, stores: subjects.length, read: this.memo.warmed - before, ms: Math.round(performance.now() - t0), longestSliceMs: Math.round(longest) };
    this.opts.log?.info(result, "chain overview: standard periods read ahead");
    return result;
  }

  private schedule(): void {
    if (this.stopped) return;
    const now = this.services.now();
    // A few seconds past the next turn of the hour, and every 10 minutes meanwhile: what late events changed (or a store
    // rollups' build running at the start left out) is read again before a request asks (never sooner than a minute: a test clock may stand still).
    const wait = Math.max(60_000, Math.min(REFRESH_MS, Math.ceil((now + 1) / HOUR_MS) * HOUR_MS - now + 5_000));
    this.timer = setTimeout(() => {
      this.kick();
      this.schedule();
    }, wait);
    this.timer.unref();
  }
}
