/**
 * `GET /api/v1/stores/:store/forecast?zone&horizon=24h|14d`: expected visitors per local hour for
 * the next 24 hours, or per local day for the next 14, with an 80 % interval, for the store (its
 * entrance zones' enters, as `traffic` counts them) or one zone.
 *
 * The history is the store's hourly traffic (up to 57 weeks: a year for the model's "same week
 * last year" feature, plus its lags). Models (@footfall/models) train in a worker thread, one at a
 * time, the first time a store or zone is asked for and again every night after
 * `FOOTFALL_FORECAST_RETRAIN_HOUR` (store time); until a model is ready, and where the history is
 * too short for one, a seasonal baseline answers, and the answer says which. Answers are cached
 * per store, zone and hour, so repeated requests cost a map lookup.
 *
 * Opening hours (issue 14.2), where a store has them: its exception dates (closed days and days of
 * special hours) are the forecaster's holidays, in training and in the features, and a bucket with
 * no open minute (an hour or a day the store is closed) is forecast 0 with a zero-width band
 * (`closed: true`).
 */
import { Type, type Static } from "@sinclair/typebox";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import {
  bucketStarts,
  countsFromFirst,
  exponentialDwell,
  formatBucketStart,
  ID_PATTERN,
  localGrid,
  localMidnight,
  lognormalDwell,
  occupancyForecast,
  openIntervals,
  hoursAt,
  isHoursHistory,
  compactHours,
  localDate,
  type DwellCurve,
  type EpochMs,
  type StoreHours,
  type Series,
  type SpecialDays,
  allOffline,
  gapsWhileOpen,
  historyNotCounted,
  SHORT_OUTAGE_MS,
  withoutGaps,
  type Gap,
  type NotCounted,
} from "@footfall/core";
import { contexts, forecastBuckets, ForecastTrainer, mainMethod, type ForecastMethod, type ForecastModel, type ForecastPoint } from "@footfall/models";
import { createHash } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { ConfigError } from "../config.js";
import { decodeModel, encodeModel, MODEL_FORMAT, type StoredForecastModel } from "./forecast-store.js";
import { zonesNotCounted } from "../analytics/zone-tracking.js";
import { httpError } from "./http-errors.js";
import { StoreParams, errorResponses } from "./schemas.js";
import { ForecastBody, Horizon, OccupancyForecastBody } from "./forecast-schemas.js";

export { ForecastBody, OccupancyForecastBody };

/** Hours ahead a forecast-occupancy alert rule looks at (the current one and the next two). */
export const FORECAST_OCCUPANCY_HOURS = 3;
/** Days of visits the dwell distribution is read from. */
const DWELL_DAYS = 28;

const HOUR = 3_600_000;
const DAY = 86_400_000;

export interface ForecastConfig {
  /** `worker`: train models in a worker thread; `off`: baselines only. */
  training: "worker" | "off";
  /** Local hour of the store after which a model trained before it is retrained. */
  retrainHour: number;
  /** Weeks of hourly history read for training and features. */
  historyWeeks: number;
}

/** The forecast settings from the environment (defaults: worker, 3, 57), with errors that say what to set. */
export function forecastConfig(env: NodeJS.ProcessEnv = process.env): ForecastConfig {
  const training = env.FOOTFALL_FORECAST_TRAINING || "worker";
  if (training !== "worker" && training !== "off") throw new ConfigError(`FOOTFALL_FORECAST_TRAINING="${training}" must be "worker" or "off"`);
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name}="${raw}" must be an integer between ${min} and ${max}`);
    return n;
  };
  return { training, retrainHour: int("FOOTFALL_FORECAST_RETRAIN_HOUR", 3, 0, 23), historyWeeks: int("FOOTFALL_FORECAST_HISTORY_WEEKS", 57, 2, 260) };
}

const ForecastQuery = Type.Object({
  zone: Type.Optional(Type.String({ pattern: ID_PATTERN, description: "a zone id; default the whole store (its entrance zones' enters)" })),
  horizon: Type.Optional(Horizon),
});
type Body = Static<typeof ForecastBody>;
type OccupancyBody = Static<typeof OccupancyForecastBody>;

/** A dwell curve with what it came from, cached per store, zone and hour. */
interface DwellEntry {
  hour: EpochMs;
  curve: DwellCurve | null;
  meanMin: number | null;
  medianMin: number | null;
  source: string;
}
type Horizon = "24h" | "14d";

interface History {
  /** Start of the current hour: the history is [starts[0], hourStart). */
  hourStart: EpochMs;
  starts: EpochMs[];
  enters: number[];
  zones: Map<string, number[]>;
  /**
   * What each zone counted per hour, where it is more than its enters (`zones`): a door counter's `out` (StoreAnalytics
   * countedPerHour, the outage rule's counts: notCountedGaps). Read with the history, so a request reads nothing more.
   */
  outs: Map<string, number[]>;
  /** Different for every history built or extended (answers are cached per version). */
  version: number;
}

interface CachedHistory {
  hourStart: EpochMs;
  timeZone: string;
  history: Promise<History>;
  /** Hour of the last full read (late events of older hours are picked up by the next one, daily). */
  fullAt: EpochMs;
}

interface ModelEntry {
  model: ForecastModel | null;
  state: "ready" | "training" | "failed" | "off";
  trainedAt: EpochMs | null;
  error: string | null;
  /** No new training before this time (after a failure). */
  retryAfter: EpochMs;
  lastAsked: EpochMs;
  store: string;
  zone: string | null;
  timeZone: string;
  /** The model kept in the database, read once at the entry's first request (a restart answers with it). */
  restored?: Promise<void>;
}

/** Whether a decoded body has a model's shape (each grain null or with its ensemble's weights). */
function isModel(m: unknown): m is ForecastModel {
  if (typeof m !== "object" || m === null) return false;
  const o = m as Record<string, unknown>;
  const grain = (g: unknown) => g === null || (typeof g === "object" && Array.isArray((g as { members?: unknown }).members) && (g as { members: unknown[] }).members.length > 0);
  return grain(o.hourly) && grain(o.daily) && Array.isArray(o.notes) && typeof o.trainMs === "number";
}

/** The data version of a training job: a digest of its hours, counts and special days. */
function dataVersion(job: { timeZone: string; starts: readonly number[]; values: readonly (number | null)[]; special: SpecialDays }): string {
  return createHash("sha256").update(JSON.stringify([job.timeZone, job.starts, job.values, job.special])).digest("hex").slice(0, 16);
}

const round1 = (x: number | null): number | null => (x === null ? null : Math.round(x * 10) / 10);

/** Each store's and zone's forecast models and answers. */
export class ForecastService {
  private readonly histories = new Map<string, CachedHistory>();
  private versions = 0;
  private readonly models = new Map<string, ModelEntry>();
  private readonly answers = new Map<string, { key: string; body: Body }>();
  private readonly trainer: ForecastTrainer | null;
  private readonly inFlight = new Set<ModelEntry>();
  private readonly dwells = new Map<string, Promise<DwellEntry>>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly app: Pick<FastifyInstance, "analytics" | "layouts" | "services">,
    private readonly config: ForecastConfig,
  ) {
    this.trainer = config.training === "worker" ? new ForecastTrainer() : null;
    // Once an hour: retrain the models asked for in the last week that are due (nightly).
    this.timer = setInterval(() => this.retrainDue(), HOUR);
    this.timer.unref();
  }

  /** Hourly traffic of the store over [from, to): bucket starts, store enters and each zone's enters. */
  private async read(store: string, timeZone: string, from: EpochMs, to: EpochMs): Promise<Omit<History, "hourStart" | "version">> {
    const kindAt = (zone: string, ts: number) => this.app.layouts.zoneKindAt(store, zone, ts);
    const range = { from, to };
    const analytics = await this.app.analytics.get(store);
    const [buckets, counted] = await Promise.all([analytics.traffic(range, "hour", timeZone, kindAt, this.app.layouts.changes(store)), analytics.countedPerHour(range, timeZone)]);
    const zones = new Map<string, number[]>();
    buckets.forEach((b, i) => {
      for (const [z, n] of Object.entries(b.zones)) {
        let arr = zones.get(z);
        if (!arr) zones.set(z, (arr = new Array<number>(buckets.length).fill(0)));
        arr[i] = n;
      }
    });
    // Only what a door counter counted out beyond the zones' enters is kept (door zones, few).
    const outs = new Map<string, number[]>();
    counted.forEach((c, i) => {
      for (const [z, n] of Object.entries(c)) {
        const more = n - (zones.get(z)?.[i] ?? 0);
        if (more <= 0) continue;
        let arr = outs.get(z);
        if (!arr) outs.set(z, (arr = new Array<number>(counted.length).fill(0)));
        arr[i] = more;
      }
    });
    return { starts: bucketStarts(range, "hour", timeZone), enters: buckets.map((b) => b.enters), zones, outs };
  }

  /** `prev` moved on to `hourStart`: the hours since read and appended, as many dropped at the front. */
  private async extend(store: string, timeZone: string, prev: History, hourStart: EpochMs): Promise<History> {
    const fresh = await this.read(store, timeZone, prev.hourStart, hourStart);
    const k = fresh.starts.length;
    const moved = (before: Map<string, number[]>, after: Map<string, number[]>) => {
      const out = new Map<string, number[]>();
      for (const id of new Set([...before.keys(), ...after.keys()])) {
        const old = before.get(id) ?? new Array<number>(prev.starts.length).fill(0);
        out.set(id, [...old.slice(k), ...(after.get(id) ?? new Array<number>(k).fill(0))]);
      }
      return out;
    };
    const zones = moved(prev.zones, fresh.zones);
    const outs = moved(prev.outs, fresh.outs);
    return { hourStart, starts: [...prev.starts.slice(k), ...fresh.starts], enters: [...prev.enters.slice(k), ...fresh.enters], zones, outs, version: ++this.versions };
  }

  /**
   * The hourly traffic of the weeks before the current hour. Read in full once, then extended by
   * the hours since at the first request of each hour (a few ms); read in full again, in the
   * background, once a day, to take in events that arrived late for older hours.
   */
  private history(store: string, timeZone: string, now: EpochMs): Promise<History> {
    const hourStart = bucketStarts({ from: now, to: now + 1 }, "hour", timeZone)[0]!;
    const cached = this.histories.get(store);
    if (cached && cached.timeZone === timeZone && cached.hourStart === hourStart) return cached.history;
    const full = async (): Promise<History> => ({ hourStart, ...(await this.read(store, timeZone, hourStart - this.config.historyWeeks * 7 * DAY, hourStart)), version: ++this.versions });
    const keep = (entry: CachedHistory): Promise<History> => {
      entry.history.catch(() => {
        if (this.histories.get(store) === entry) this.histories.delete(store);
      });
      this.histories.set(store, entry);
      return entry.history;
    };
    if (!cached || cached.timeZone !== timeZone || hourStart < cached.hourStart || hourStart - cached.hourStart > DAY) {
      return keep({ hourStart, timeZone, history: full(), fullAt: hourStart });
    }
    const entry: CachedHistory = { hourStart, timeZone, history: cached.history.then((prev) => this.extend(store, timeZone, prev, hourStart)), fullAt: cached.fullAt };
    void keep(entry);
    if (hourStart - cached.fullAt >= DAY) {
      entry.fullAt = hourStart;
      full().then(
        (h) => {
          if (this.histories.get(store) === entry) entry.history = Promise.resolve(h);
        },
        (err: unknown) => this.app.services.log.warn({ store, err: String(err) }, "forecast history: the daily full read failed; the extended one stays"),
      );
    }
    return entry.history;
  }

  /**
   * The series of one store or zone: unknown (null) before its first counted visitor (core
   * countsFromFirst: but for its first day's closed hours), and in every hour of `gaps` (`notCountedGaps`:
   * the store open and its counting stopped, its agents offline now or then), whose zeros are no
   * counts, not no visitors.
   */
  private static seriesOf(h: History, zone: string | null, timeZone: string, futureDays: number, gaps: readonly Gap[] = []): Series {
    const counts = zone === null ? h.enters : (h.zones.get(zone) ?? []);
    const known = withoutGaps(
      h.starts,
      countsFromFirst(
        h.starts.map((_, i) => counts[i] ?? 0),
        localGrid({ starts: h.starts, timeZone }),
      ),
      gaps,
    );
    const future = bucketStarts({ from: h.hourStart, to: h.hourStart + futureDays * DAY }, "hour", timeZone);
    return { grain: "hour", timeZone, starts: [...h.starts, ...future], values: [...known, ...future.map(() => null)] };
  }

  private entry(store: string, zone: string | null, timeZone: string, now: EpochMs): ModelEntry {
    const key = `${store}\u0000${zone ?? ""}`;
    let e = this.models.get(key);
    if (!e) {
      e = { model: null, state: this.trainer ? "training" : "off", trainedAt: null, error: null, retryAfter: 0, lastAsked: now, store, zone, timeZone };
      this.models.set(key, e);
    }
    e.lastAsked = now;
    e.timeZone = timeZone;
    return e;
  }

  /** The last local `retrainHour`:00 at or before `now`. */
  private lastRetrainTime(now: EpochMs, timeZone: string): EpochMs {
    const today = localMidnight(now, timeZone) + this.config.retrainHour * HOUR;
    return today <= now ? today : localMidnight(now, timeZone, -1) + this.config.retrainHour * HOUR;
  }

  /**
   * Take a kept model (from this server before a restart, or from another server of a chain) when
   * it fits: same format, time zone and weeks of history, and trained later than the one held.
   */
  private adopt(e: ModelEntry, row: StoredForecastModel | null): boolean {
    if (!row || row.format !== MODEL_FORMAT || row.timeZone !== e.timeZone || row.historyWeeks !== this.config.historyWeeks) return false;
    if (e.trainedAt !== null && row.trainedAt <= e.trainedAt) return false;
    const started = performance.now();
    let model: unknown;
    try {
      model = decodeModel(row.body);
    } catch {
      model = null;
    }
    if (!isModel(model)) {
      this.app.services.log.warn({ store: e.store, zone: e.zone }, "forecast model: the kept one could not be read; it trains again");
      return false;
    }
    Object.assign(e, { model, state: "ready", trainedAt: row.trainedAt, error: null });
    this.app.services.log.info(
      { store: e.store, zone: e.zone, trainedAt: new Date(row.trainedAt).toISOString(), dataVersion: row.dataVersion, bytes: row.body.length, loadMs: Math.round((performance.now() - started) * 10) / 10 },
      "forecast model loaded from the database",
    );
    return true;
  }

  /** The kept model of a store or zone, read once (a failed read is logged: it trains as before). */
  private restore(e: ModelEntry): Promise<void> {
    if (!this.trainer) return Promise.resolve();
    e.restored ??= this.app.services.storage.forecastModels.get(e.store, e.zone).then(
      (row) => void this.adopt(e, row),
      (err: unknown) => this.app.services.log.warn({ store: e.store, zone: e.zone, err: String(err) }, "forecast model: reading the kept one failed; it trains"),
    );
    return e.restored;
  }

  /** Whether a model should (re)train now: never trained, or trained before last night's retrain hour. */
  private due(e: ModelEntry, now: EpochMs): boolean {
    if (!this.trainer || this.inFlight.has(e) || now < e.retryAfter) return false;
    return e.trainedAt === null || e.trainedAt < this.lastRetrainTime(now, e.timeZone);
  }

  /** Train (or retrain) in the background; the current model keeps answering meanwhile. */
  private train(e: ModelEntry, history: History, now: EpochMs, special: SpecialDays, gaps: readonly Gap[]): void {
    if (!this.trainer || this.inFlight.has(e)) return;
    this.inFlight.add(e);
    if (!e.model) e.state = "training";
    const series = ForecastService.seriesOf(history, e.zone, e.timeZone, 0, gaps);
    // Trained on the hours up to the last retrain hour (03:00 store time) only, over a window that
    // ends there: whenever it trains that day (first asked at 10:00, a restart at 14:00, another
    // server of a chain) it is the same model (training is seeded), so the same forecasts.
    const cut = this.lastRetrainTime(now, e.timeZone);
    const front = cut - this.config.historyWeeks * 7 * DAY + 2 * DAY;
    const inWindow = (t: number) => t >= front && t < cut;
    const starts = series.starts.filter(inWindow) as EpochMs[];
    const values = series.values.filter((_, i) => inWindow(series.starts[i]!));
    const log = this.app.services.log;
    const trainer = this.trainer;
    const kept = this.app.services.storage.forecastModels;
    const job = { timeZone: e.timeZone, starts, values, special };
    // Another server of a chain may have trained it since (kept in the database): take that one.
    kept
      .get(e.store, e.zone)
      .then(
        (row) => row !== null && row.trainedAt >= cut && this.adopt(e, row),
        () => false,
      )
      .then(async (taken) => {
        if (taken) return;
        const model = await trainer.train(job);
        log.info({ store: e.store, zone: e.zone, trainMs: Math.round(model.trainMs), hourly: model.hourly !== null, daily: model.daily !== null, notes: model.notes }, "forecast model trained");
        // kept before it answers, so a model that answered is one a restart answers with too
        const started = performance.now();
        const body = encodeModel(model);
        await kept
          .put({ store: e.store, zone: e.zone, timeZone: e.timeZone, trainedAt: now, cut, historyWeeks: this.config.historyWeeks, dataVersion: dataVersion(job), format: MODEL_FORMAT, body, savedAt: now })
          .then(
            () => log.info({ store: e.store, zone: e.zone, bytes: body.length, saveMs: Math.round((performance.now() - started) * 10) / 10 }, "forecast model kept in the database"),
            (err: unknown) => log.warn({ store: e.store, zone: e.zone, err: String(err) }, "forecast model: keeping it in the database failed; a restart trains it again"),
          );
        Object.assign(e, { model, state: "ready", trainedAt: now, error: null });
      })
      .then(
        () => undefined,
        (err: unknown) => {
          Object.assign(e, { state: e.model ? "ready" : "failed", error: String((err as Error)?.message ?? err), retryAfter: now + HOUR });
          log.warn({ store: e.store, zone: e.zone, err: e.error }, "forecast model training failed; baselines answer, retrying in an hour");
        },
      )
      .finally(() => this.inFlight.delete(e));
  }

  /**
   * The hourly tick: retrain the models asked for in the last week that are due, and forget what
   * nobody asked for in a week (models, answers) or two days (histories), so memory follows use.
   */
  private retrainDue(): void {
    const now = this.app.services.now();
    const asked = new Map<string, number>();
    for (const [key, e] of this.models) {
      if (now - e.lastAsked > 7 * DAY && !this.inFlight.has(e)) {
        this.models.delete(key);
        for (const h of ["24h", "14d"]) this.answers.delete(`${key}\u0000${h}`);
        continue;
      }
      asked.set(e.store, Math.max(asked.get(e.store) ?? 0, e.lastAsked));
    }
    for (const store of this.histories.keys()) if (now - (asked.get(store) ?? 0) > 2 * DAY) this.histories.delete(store);
    for (const e of this.models.values()) {
      if (now - e.lastAsked > 7 * DAY || !this.due(e, now)) continue;
      Promise.all([this.history(e.store, e.timeZone, now), this.hours(e.store), this.notCountedNow(e.store, e.zone, now)])
        .then(async ([h, hours, down]) => {
          const gaps = await this.notCountedGaps(e.store, e.zone, h, now, hours, e.timeZone, down.zones);
          this.train(e, h, now, ForecastService.specialOf(hours, e.timeZone), gaps);
        })
        .catch(() => undefined);
    }
  }

  /** The zones a forecast of the store (its entrance zones: their enters are its visitors) or of `zone` reads. */
  private zonesOf(store: string, zone: string | null, now: EpochMs): string[] {
    const layout = this.app.layouts.isLoaded(store) ? this.app.layouts.current(store, now) : undefined;
    return zone !== null ? [zone] : (layout?.zones ?? []).filter((z) => z.kind === "entrance").map((z) => z.id);
  }

  /**
   * Since when the store's visitors (any of its entrance zones: their enters are its visitors) or
   * the zone are not counted, their agents offline now (GET /occupancy's offlineSince, core's
   * notCountedSince): `since`, null while they are counted, and each such zone's.
   */
  private async notCountedNow(store: string, zone: string | null, now: EpochMs): Promise<{ since: EpochMs | null; zones: Map<string, NotCounted> }> {
    const down = await zonesNotCounted(this.app.services.storage, store, this.zonesOf(store, zone, now), now);
    let since: EpochMs | null = null;
    for (const n of down.values()) since = since === null ? n.since : Math.min(since, n.since);
    return { since, zones: down };
  }

  /**
   * The times of the history the forecast leaves out: core historyNotCounted, the screens' rule (zonesNotCounted) over the
   * store's entrance zones (any of them) or the zone. Their outages are the recorded offline spans of all their agents
   * (ended ones, and one still open read to now) and, for a zone nothing counts now (`down`: an agent silent or revoked
   * too), the time since; less the hours up to the last one within an outage that counted someone (an agent cut off from the
   * broker that kept counting delivered them later), the hours the store was closed (`hours`), and the hours an outage
   * covers under SHORT_OUTAGE_MS of its open time, whether it has ended or goes on (an agent off since 10:57 leaves hour 10
   * in the history at 11:30, as the traffic chart counts it). The store's every hour when it has no opening hours.
   */
  private async notCountedGaps(
    store: string,
    zone: string | null,
    h: History,
    now: EpochMs,
    hours: StoreHours | null,
    timeZone: string,
    down: ReadonlyMap<string, NotCounted>,
  ): Promise<Gap[]> {
    if (h.starts.length === 0) return [];
    const storage = this.app.services.storage;
    const spans = await storage.offlineSpans.list(store, h.starts[0]!, h.hourStart);
    if (spans.length === 0 && down.size === 0) return [];
    // What each zone counted per hour, a door counter's `out` too (StoreAnalytics countedPerHour, the rule's counts): read
    // with the history (its enters and outs), not again at each request (up to its 57 weeks).
    const zones = [];
    for (const z of this.zonesOf(store, zone, now)) {
      const agents = spans.length === 0 ? [] : (await storage.agents.zoneAgents(store, z)).map((a) => a.agent);
      const enters = h.zones.get(z);
      const outs = h.outs.get(z);
      zones.push({
        zone: z,
        offline: allOffline(agents, spans, now),
        counts: h.starts.map((_, i) => (enters?.[i] ?? 0) + (outs?.[i] ?? 0)),
        downSince: down.get(z)?.since ?? null,
      });
    }
    return historyNotCounted(h.starts, zones, hours, timeZone, now);
  }

  /** The store's opening hours through time (null: none, always open), as the server's hours keeper has them: the history's hours read as those in force then. */
  private async hours(store: string): Promise<StoreHours | null> {
    return (await this.app.services.hours?.historyNow(store)) ?? null;
  }

  /**
   * The forecaster's special days from opening hours: every exception date (closed, or special hours) is a holiday; of a
   * history, each version's dates that fall while it was in force (last year's Christmas, pruned from today's list since, still is).
   */
  private static specialOf(hours: StoreHours | null, timeZone: string): SpecialDays {
    if (!hours) return {};
    const versions = isHoursHistory(hours) ? hours : [{ from: -Infinity, hours }];
    const dates = new Set<string>();
    versions.forEach((v, i) => {
      const from = i === 0 ? null : localDate(v.from, timeZone);
      const next = versions[i + 1];
      const to = next ? localDate(next.from, timeZone) : null;
      for (const x of v.hours?.exceptions ?? []) if ((from === null || x.date >= from) && (to === null || x.date <= to)) dates.add(x.date);
    });
    return dates.size > 0 ? { holidays: [...dates].sort() } : {};
  }

  /**
   * Buckets with no open minute forecast 0 with a zero-width band, flagged `closed`, by the hours in force now and
   * those scheduled ahead from their instant (the forecast is of what comes; past versions play no part).
   */
  private static closeBuckets(points: ForecastPoint[], storeHours: StoreHours | null, horizon: Horizon, timeZone: string, now: number): (ForecastPoint & { closed?: true })[] {
    if (storeHours === null) return points;
    const ahead = isHoursHistory(storeHours) ? [{ from: now, hours: hoursAt(storeHours, now) }, ...storeHours.filter((v) => v.from > now)] : [{ from: now, hours: storeHours }];
    if (ahead.every((v) => v.hours === null)) return points;
    const hours = compactHours(ahead)!;
    return points.map((p, i) => {
      const to = points[i + 1]?.start ?? (horizon === "24h" ? p.start + HOUR : localMidnight(p.start, timeZone, 1));
      return openIntervals(hours, { from: p.start, to }, timeZone).length > 0 ? p : { ...p, mid: 0, lo: 0, hi: 0, closed: true as const };
    });
  }

  /**
   * What the note of an outage going on since `since` adds when the hour of the history it began in stays in it (its
   * outage minutes in that hour's open time under SHORT_OUTAGE_MS: the screens count it): that hour, from its start.
   */
  private static beganInCounted(h: History, since: EpochMs, gaps: readonly Gap[], hours: StoreHours | null, timeZone: string): string {
    const i = h.starts.findIndex((s, k) => s <= since && since < (h.starts[k + 1] ?? h.hourStart));
    if (i < 0 || since === h.starts[i]) return "";
    const end = h.starts[i + 1] ?? h.hourStart;
    if (gaps.some((g) => g.from < end && g.to > h.starts[i]!) || gapsWhileOpen([{ from: since, to: end }], hours, timeZone).length === 0) return "";
    return `, but for the hour it began in (from ${new Date(h.starts[i]!).toISOString()}), not counted for under ${SHORT_OUTAGE_MS / 60_000} minutes of its open time and so read as counted, as the screens read it`;
  }

  /**
   * Why a store or zone has nothing to forecast from, first in the notes (an empty answer, null
   * values and method none, said only "the model is training"): no visitor counted in the weeks
   * read, and for the store, a layout without an entrance zone (its visitors are its entrances' enters).
   */
  private nothingCounted(store: string, zone: string | null, h: History): string[] {
    const counts = zone === null ? h.enters : (h.zones.get(zone) ?? []);
    if (counts.some((n) => n > 0)) return [];
    const weeks = this.config.historyWeeks;
    if (zone !== null) return [`no visitor counted in zone "${zone}" in the last ${weeks} weeks: nothing to forecast from yet (the values are null until its first counted hour)`];
    const zones = this.app.layouts.isLoaded(store) ? (this.app.layouts.current(store, h.hourStart)?.zones ?? []) : null;
    if (zones && !zones.some((z) => z.kind === "entrance")) {
      return [`the store's layout has no entrance zone, and its visitors are its entrances' enters: nothing to forecast; ask for a zone's forecast (zone=<id>) or mark its door zone as an entrance`];
    }
    return [`no visitor counted at the store's entrances in the last ${weeks} weeks: nothing to forecast from yet (the values are null until its first counted hour)`];
  }

  /** The forecast of a store (zone null) or zone from the current hour. */
  async answer(store: string, zone: string | null, horizon: Horizon, timeZone: string): Promise<Body> {
    const now = this.app.services.now();
    const e = this.entry(store, zone, timeZone, now);
    const [history, hours, down] = await Promise.all([this.history(store, timeZone, now), this.hours(store), this.notCountedNow(store, zone, now), this.restore(e)]);
    const notCounted = down.since;
    const gaps = await this.notCountedGaps(store, zone, history, now, hours, timeZone, down.zones);
    // whether the store was open at all since its agents went offline (an agent off since closing time misses nobody yet)
    const openSince = notCounted !== null && gapsWhileOpen([{ from: notCounted, to: Math.max(now, notCounted + 1) }], hours, timeZone).length > 0;
    const special = ForecastService.specialOf(hours, timeZone);
    if (this.due(e, now)) this.train(e, history, now, special, gaps);
    // A zone the layout in force now does not have (removed, or not yet added) has no visitors to forecast.
    const layout = this.app.layouts.isLoaded(store) ? this.app.layouts.current(store, now) : undefined;
    const gone = zone !== null && layout !== undefined && !layout.zones.some((z) => z.id === zone);
    const cacheKey = `${history.version}|${e.trainedAt ?? ""}|${e.state}|${hours ? JSON.stringify(hours) : ""}|${layout?.version ?? ""}|${notCounted ?? ""}|${openSince}|${gaps.map((g) => `${g.from}-${g.to}`).join(",")}`;
    const answerKey = `${store}\u0000${zone ?? ""}\u0000${horizon}`;
    const hit = this.answers.get(answerKey);
    if (hit && hit.key === cacheKey) return hit.body;

    const series = ForecastService.seriesOf(history, zone, timeZone, 15, gaps);
    const ended = gaps.filter((g) => g.to < (notCounted ?? Infinity));
    const gapHours = withoutGaps(history.starts, history.starts.map(() => 0), ended).filter((v) => v === null).length;
    const origin = history.starts.length;
    const ctx = contexts(series, special, origin);
    const forecast = ForecastService.closeBuckets(
      horizon === "24h" ? forecastBuckets(ctx.hourly, e.model?.hourly ?? null, origin, 24) : forecastBuckets(ctx.daily, e.model?.daily ?? null, ctx.dailyEnd, 14),
      hours,
      horizon,
      timeZone,
      now,
    );
    const points: (ForecastPoint & { closed?: true })[] = gone ? forecast.map((p) => ({ index: p.index, start: p.start, lo: null, mid: null, hi: null, method: "none" })) : forecast;
    const body: Body = {
      store,
      zone,
      horizon,
      bucket: horizon === "24h" ? "hour" : "day",
      timezone: timeZone,
      generatedAt: formatBucketStart(history.hourStart, timeZone),
      interval: 0.8,
      method: mainMethod(points),
      model: {
        state: e.state,
        trainedAt: e.trainedAt === null ? null : new Date(e.trainedAt).toISOString(),
        trainMs: e.model ? Math.round(e.model.trainMs) : null,
        notes: [
          ...(gone ? [`zone "${zone}" is not in the layout in force now (version ${layout!.version}): it has no visitors to forecast (the values are null); GET /api/v1/stores/${store}/layout lists its zones`] : this.nothingCounted(store, zone, history)),
          ...(e.model?.notes ?? []),
          ...(notCounted !== null && openSince
            ? [
                `${zone === null ? "the store's entrance" : `zone "${zone}"`} is not counted since ${new Date(notCounted).toISOString()} (its agents are offline): the ${hours ? "hours it was open" : "hours"} since are left out of the history, not read as no visitors${ForecastService.beganInCounted(history, notCounted, gaps, hours, timeZone)}`,
              ]
            : []),
          ...(gapHours > 0
            ? [`${zone === null ? "the store's entrance" : `zone "${zone}"`} was not counted in ${gapHours} h of the history (its agents offline, the last outage from ${new Date(ended.at(-1)!.from).toISOString()} to ${new Date(ended.at(-1)!.to).toISOString()}): those hours are left out, not read as no visitors`]
            : []),
          ...(e.error ? [`training failed: ${e.error}`] : []),
          ...(e.state === "training" ? ["the model is training: a baseline answers meanwhile"] : []),
        ],
      },
      buckets: points.map((p) => ({ start: formatBucketStart(p.start, timeZone), expected: round1(p.mid), low: round1(p.lo), high: round1(p.hi), method: p.method as ForecastMethod, ...(p.closed ? { closed: true } : {}) })),
    };
    this.answers.set(answerKey, { key: cacheKey, body });
    return body;
  }

  /**
   * The next local hour's forecast arrivals of a store (zone null) or zone, for forecast-arrivals
   * alert rules: its local start ("14:00") and expected count; null while there is no forecast.
   */
  async nextHour(store: string, zone: string | null, timeZone: string): Promise<{ at: string; expected: number } | null> {
    const next = (await this.answer(store, zone, "24h", timeZone)).buckets[1];
    return next && next.expected !== null ? { at: next.start.slice(11, 16), expected: next.expected } : null;
  }

  /**
   * The dwell distribution of a zone (its visits of the last 28 days: a log-normal of their median
   * and mean) or of the store (Little's law over the same days: the time visitors spent in the
   * store's zones, entrances and queues left out, per store visitor counted at the entrances; an
   * exponential of that mean). Null, with the reason, where there are no visits to read it from.
   */
  private dwellOf(store: string, zone: string | null, timeZone: string, now: EpochMs, zones: readonly { id: string; kind: string }[]): Promise<DwellEntry> {
    const hour = Math.floor(now / HOUR) * HOUR;
    const key = `${store}\u0000${zone ?? ""}`;
    const cached = this.dwells.get(key);
    if (cached) {
      const hit = cached.then((d) => (d.hour === hour ? d : null));
      return hit.then((d) => d ?? this.readDwell(key, store, zone, timeZone, hour, zones));
    }
    return this.readDwell(key, store, zone, timeZone, hour, zones);
  }

  private readDwell(key: string, store: string, zone: string | null, timeZone: string, hour: EpochMs, zones: readonly { id: string; kind: string }[]): Promise<DwellEntry> {
    const p = (async (): Promise<DwellEntry> => {
      const range = { from: hour - DWELL_DAYS * DAY, to: hour };
      const analytics = await this.app.analytics.get(store);
      if (zone !== null) {
        const row = (await analytics.dwell(range, [zone])).find((r) => r.zone === zone);
        const d = row?.dwell_s;
        if (!d || !(d.mean > 0)) return { hour, curve: null, meanMin: null, medianMin: null, source: `no closed visits of zone "${zone}" in the last ${DWELL_DAYS} days` };
        return { hour, curve: lognormalDwell(d.median / 60, d.mean / 60), meanMin: d.mean / 60, medianMin: d.median / 60, source: `zone visits of the last ${DWELL_DAYS} days (${row!.visits}): log-normal of their median and mean` };
      }
      const inner = zones.filter((z) => z.kind !== "entrance" && z.kind !== "queue").map((z) => z.id);
      const rows = inner.length ? (await analytics.dwell(range, inner)).filter((r) => inner.includes(r.zone)) : [];
      const minutes = rows.reduce((a, r) => a + (r.dwell_s ? (r.visits * r.dwell_s.mean) / 60 : 0), 0);
      const history = await this.history(store, timeZone, this.app.services.now());
      const from = history.starts.findIndex((t) => t >= range.from);
      const enters = from < 0 ? 0 : history.enters.slice(from).reduce((a, b) => a + b, 0);
      if (!(minutes > 0) || !(enters > 0)) return { hour, curve: null, meanMin: null, medianMin: null, source: `the store's dwell needs zone visits and entrance counts of the last ${DWELL_DAYS} days (${Math.round(minutes)} visit minutes in ${inner.length} zones, ${enters} entrance visitors)` };
      const meanMin = minutes / enters;
      return { hour, curve: exponentialDwell(meanMin), meanMin, medianMin: null, source: `Little's law over the last ${DWELL_DAYS} days: minutes in the store's zones per visitor at the entrances (exponential)` };
    })();
    this.dwells.set(key, p);
    // kept for the hour when known; without visits yet (or on a failed read) read again at the next request
    p.then(
      (d) => {
        if (d.curve === null && this.dwells.get(key) === p) this.dwells.delete(key);
      },
      () => {
        if (this.dwells.get(key) === p) this.dwells.delete(key);
      },
    );
    return p;
  }

  /**
   * Expected people inside the store (zone null) or a zone for the next 24 local hours: the
   * forecast arrivals (the current hour's scaled to what is left of it) convolved with the dwell
   * distribution, from the people inside now; the interval from the arrivals' interval. Each
   * hour's figure is its highest expected occupancy (at 5-minute steps).
   */
  async occupancy(store: string, zone: string | null, timeZone: string): Promise<OccupancyBody> {
    const now = this.app.services.now();
    await this.app.layouts.load(store);
    const layout = this.app.layouts.current(store, now);
    const zones = layout?.zones ?? [];
    const [arrivals, dwell, occ] = await Promise.all([
      this.answer(store, zone, "24h", timeZone),
      this.dwellOf(store, zone, timeZone, now, zones),
      (await this.app.analytics.get(store)).occupancy(now, timeZone, zones),
    ]);
    const caps = occ.zones.map((z) => z.capacity).filter((c): c is number => typeof c === "number" && c > 0);
    const capacity = zone === null ? (caps.length > 0 ? caps.reduce((a, b) => a + b, 0) : null) : (zones.find((z) => z.id === zone)?.capacity ?? null);
    const current = zone === null ? occ.total : (occ.zones.find((z) => z.zone === zone)?.occupancy ?? 0);
    const first = arrivals.buckets[0] ? Date.parse(arrivals.buckets[0].start) : now;
    const left = Math.min(1, Math.max(0, (first + HOUR - now) / HOUR));
    const series = (k: "expected" | "low" | "high") => arrivals.buckets.map((b, i) => (b[k] ?? 0) * (i === 0 ? left : 1));
    const known = dwell.curve !== null && arrivals.buckets.some((b) => b.expected !== null);
    // an arrivals' hour without an interval (a baseline whose errors are not measured yet) leaves the people inside without one
    const banded = known && arrivals.buckets.every((b) => b.expected === null || (b.low !== null && b.high !== null));
    const [mid = [], lo = [], hi = []] = known ? (["expected", "low", "high"] as const).map((k) => (k === "expected" || banded ? occupancyForecast(series(k), current, dwell.curve!) : [])) : [[], [], []];
    const buckets = arrivals.buckets.map((b, i) => {
      const expected = known ? round1(mid[i]!) : null;
      return {
        start: b.start,
        expected,
        low: banded ? round1(lo[i]!) : null,
        high: banded ? round1(hi[i]!) : null,
        share: expected !== null && capacity !== null && capacity > 0 ? Math.round((expected / capacity) * 1000) / 1000 : null,
        ...(b.closed ? { closed: true } : {}),
      };
    });
    const over = buckets.find((b) => b.share !== null && b.share > 1);
    return {
      store,
      zone,
      timezone: timeZone,
      generatedAt: new Date(now).toISOString(),
      interval: arrivals.interval,
      method: arrivals.method,
      current,
      capacity,
      dwell: { meanMin: round1(dwell.meanMin), medianMin: round1(dwell.medianMin), source: dwell.source },
      overCapacityAt: over ? over.start : null,
      notes: known ? [] : [dwell.curve === null ? `no occupancy forecast: ${dwell.source}` : "no occupancy forecast: no arrivals forecast"],
      buckets,
    };
  }

  /**
   * For forecast-occupancy alert rules: the highest forecast share of capacity of the store (zone
   * null) or zone within the current and the next `FORECAST_OCCUPANCY_HOURS - 1` hours, with the
   * local start of its hour ("17:00"); null without a capacity or a forecast.
   */
  async occupancyPeak(store: string, zone: string | null, timeZone: string): Promise<{ at: string; expected: number } | null> {
    const f = await this.occupancy(store, zone, timeZone);
    let best: { at: string; expected: number } | null = null;
    for (const b of f.buckets.slice(0, FORECAST_OCCUPANCY_HOURS)) {
      if (b.share !== null && (best === null || b.share > best.expected)) best = { at: b.start.slice(11, 16), expected: b.share };
    }
    return best;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.trainer?.close();
  }
}

/** The forecast route, under `/stores/:store` behind the store pre-handler. */
export const forecastRoutes: FastifyPluginAsyncTypebox<{ config?: ForecastConfig }> = async (app, opts) => {
  const service = new ForecastService(app, opts.config ?? forecastConfig());
  // forecast-arrivals alert rules read the next hour's forecast from the same service (and cache)
  app.services.forecast = service;
  app.addHook("onClose", async () => {
    if (app.services.forecast === service) app.services.forecast = null;
    await service.close();
  });

  app.get("/forecast/occupancy", {
    config: { auth: ["viewer", "staff"] },
    schema: {
      tags: ["analytics"],
      summary: "Expected people inside per hour for the next 24 hours (forecast arrivals and the dwell distribution), against the capacity, for the store or a zone",
      params: StoreParams,
      querystring: Type.Object({ zone: Type.Optional(Type.String({ pattern: ID_PATTERN, description: "a zone id; default the whole store" })) }),
      response: { 200: OccupancyForecastBody, ...errorResponses },
    },
    handler: async (req) => {
      const { id, layout, layouts } = req.store!;
      const zone = req.query.zone ?? null;
      if (zone !== null && !layouts.some((l) => l.zones.some((z) => z.id === zone))) {
        throw httpError(404, `zone "${zone}" is in no layout of store "${id}": GET /api/v1/stores/${id}/layout lists its zones`);
      }
      return service.occupancy(id, zone, layout.timezone);
    },
  });

  app.get("/forecast", {
    // floor staff too: the live tablet shows the busy hours ahead
    config: { auth: ["viewer", "staff"] },
    schema: {
      tags: ["analytics"],
      summary: "Expected visitors per hour (next 24 h) or per day (next 14 d), with an 80 % interval, for the store or a zone",
      params: StoreParams,
      querystring: ForecastQuery,
      response: { 200: ForecastBody, ...errorResponses },
    },
    handler: async (req) => {
      const { id, layout, layouts } = req.store!;
      const zone = req.query.zone ?? null;
      if (zone !== null && !layouts.some((l) => l.zones.some((z) => z.id === zone))) {
        throw httpError(404, `zone "${zone}" is in no layout of store "${id}": GET /api/v1/stores/${id}/layout lists its zones`);
      }
      return service.answer(id, zone, req.query.horizon ?? "24h", layout.timezone);
    },
  });
};
