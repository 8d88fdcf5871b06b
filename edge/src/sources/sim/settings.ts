import { Type, type Static } from "@sinclair/typebox";
import { DEMO_HOURLY_CURVE, LayoutInputSchema, layoutProblems, type LayoutInput } from "@footfall/core";
import { checkValue, type Checked } from "../../schema.js";
import { DEMO_ATTRACTION, DEMO_BASKET, DEMO_DWELL, DEMO_TRANSITIONS } from "./demo-layout.js";

/** Arrivals multiplier per hour of the day (0-23, store time): the demo store's (core's DEMO_HOURLY_CURVE), closed at night, peaks at lunch and after work. */
export const DEFAULT_HOURLY_CURVE: readonly number[] = DEMO_HOURLY_CURVE;

const Dwell = Type.Object(
  {
    medianS: Type.Number({ exclusiveMinimum: 0, maximum: 86_400, description: "median dwell in seconds" }),
    sigma: Type.Number({ minimum: 0, maximum: 3, default: 0.6, description: "log-normal spread (0 = always the median)" }),
  },
  { additionalProperties: false },
);
/** Dwell time of one zone: log-normal with this median and spread. */
export type DwellSetting = Static<typeof Dwell>;

const Basket = Type.Object(
  {
    buyChance: Type.Number({ minimum: 0, maximum: 1, description: "chance that a paying visitor who browsed the zone takes something from it" }),
    meanItems: Type.Number({ minimum: 1, maximum: 100, default: 1.5, description: "items taken when they do, on average" }),
    price: Type.Object(
      {
        median: Type.Number({ minimum: 0, maximum: 100_000, description: "median price of one item, in the store's currency" }),
        sigma: Type.Number({ minimum: 0, maximum: 3, default: 0.6, description: "log-normal spread of prices" }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

/** The simulator's settings (the `settings` object of a `sim` agent's config). */
export const SimSettingsSchema = Type.Object(
  {
    speed: Type.Number({ exclusiveMinimum: 0, maximum: 100_000, default: 60, description: "simulated seconds per real second: dwell and arrival gaps are divided by it; event ts stay real time" }),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4_294_967_295, description: "PRNG seed for a replayable run (default: random, logged)" })),
    arrivalsPerHour: Type.Number({ minimum: 0, maximum: 100_000, default: 120, description: "visitors per simulated hour when the hourly curve is 1" }),
    hourlyCurve: Type.Array(Type.Number({ minimum: 0, maximum: 10 }), { minItems: 24, maxItems: 24, default: [...DEFAULT_HOURLY_CURVE], description: "arrivals multiplier for each hour 0-23 of the simulated day, in the layout's time zone" }),
    weeklyCurve: Type.Optional(
      Type.Array(Type.Number({ minimum: 0, maximum: 10 }), {
        minItems: 168,
        maxItems: 168,
        description: "arrivals multiplier for each hour of the week (Monday 00:00 first, the layout's time zone); replaces `hourlyCurve`. `node test/bench/sim-curve.mjs` derives one from a real people-count series",
      }),
    ),
    backfillHours: Type.Integer({
      minimum: 0,
      maximum: 160,
      default: 0,
      description: "at start, simulate this many past hours at real speed and send them with their past ts, so charts have history (the server accepts up to 7 days back)",
    }),
    backfillFrom: Type.Optional(
      Type.Integer({
        minimum: 0,
        description: "back-fill from this instant (epoch ms) when it is later than `backfillHours` ago: `footfall demo` passes the newest event the server already holds, so a restarted demo never sends an hour of history twice",
      }),
    ),
    leftInside: Type.Optional(
      Type.Object(
        {
          ts: Type.Integer({ minimum: 946_684_800_000, maximum: 4_102_444_799_999, description: "when they walk out (epoch ms): `footfall demo` gives the instant after the killed run's newest event stored" }),
          exits: Type.Array(
            Type.Object({ zone: Type.String({ minLength: 1, maxLength: 128 }), visitor: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false }),
            { maxItems: 100_000, description: "each visit the killed run left open: its zone's exit" },
          ),
          doors: Type.Array(
            Type.Object({ zone: Type.String({ minLength: 1, maxLength: 128 }), out: Type.Integer({ minimum: 1, maximum: 1_000_000 }) }, { additionalProperties: false }),
            { maxItems: 100, description: "each door counter's net count (in minus out since its reset) the killed run left: one count out" },
          ),
        },
        {
          additionalProperties: false,
          description:
            "the people a run of this agent that was killed (kill -9, a crash, a power cut: no graceful stop) left inside, as the server holds them: sent once at start, first, under this run's own event ids, so the server ends those visits and counts them out of the door's count as a graceful stop would have. `footfall demo` reads them from its own agent's stored events and passes them",
        },
      ),
    ),
    backfillLayouts: Type.Optional(
      Type.Array(
        Type.Object(
          {
            validFrom: Type.Integer({ minimum: 0, description: "in force from this instant (epoch ms), as the server's layout version" }),
            timezone: Type.String({ minLength: 1 }),
            zones: LayoutInputSchema.properties.zones,
          },
          { additionalProperties: true },
        ),
        {
          maxItems: 100,
          description:
            "the store's past layout versions: the history follows each from its `validFrom` on (the one in force at each instant), so a zone moved during the back-filled hours draws the visitors its place drew then; without it the history is simulated on the layout at start. `footfall demo` passes the demo store's versions",
        },
      ),
    ),
    startHour: Type.Optional(Type.Number({ minimum: 0, maximum: 24, description: "hour of the day the simulated clock starts at (default: the real time of day)" })),
    startOpen: Type.Boolean({
      default: false,
      description: "when the store is closed at the simulated start (the arrival curve is 0 then), start the simulated day at the next hour it opens, so visitors come at once: `footfall demo` sets it, so a demo started at night is not an empty store",
    }),
    followClock: Type.Boolean({
      default: false,
      description:
        "read the arrival curve at the real time the events are stamped with, not at the simulated clock: the store opens and closes by the wall clock at any speed (visitors come `speed` times as often and stay `speed` times shorter), so its live visitors keep to the opening hours the curve gives; `startHour` and `startOpen` then do nothing. `footfall demo` sets it",
    }),
    layout: Type.Optional(Type.Object(LayoutInputSchema.properties, { description: "a layout shaped like edge/examples/demo-layout.json, used when the server has none (default: the demo layout)" })),
    layoutWaitMs: Type.Integer({ minimum: 0, maximum: 60_000, default: 3000, description: "at start, wait this long for the server's retained layout before using `layout` or the demo layout" }),
    meanZonesPerVisit: Type.Number({ minimum: 1, maximum: 50, default: 3.5, description: "zones browsed per visit besides the entrance and the checkout, on average" }),
    skipCheckoutRate: Type.Number({ minimum: 0, maximum: 1, default: 0.15, description: "share of visitors who never reach a checkout" }),
    vanishRate: Type.Number({ minimum: 0, maximum: 1, default: 0.03, description: "share of visitors lost by the tracking: an enter with no exit, then nothing (live, divided by `speed`: the server keeps a lost visit open for its visit timeout in real time)" }),
    walkingSpeed: Type.Number({ exclusiveMinimum: 0, maximum: 10, default: 1, description: "metres per second between zones" }),
    dwell: Type.Record(Type.String(), Dwell, { default: { ...DEMO_DWELL }, description: "dwell per zone id (merged over the demo zones' values)" }),
    dwellByKind: Type.Record(Type.String(), Dwell, {
      default: {
        entrance: { medianS: 8, sigma: 0.4 },
        zone: { medianS: 60, sigma: 0.6 },
        checkout: { medianS: 150, sigma: 0.4 },
        "fitting-room": { medianS: 300, sigma: 0.5 },
        other: { medianS: 45, sigma: 0.6 },
      },
      description: "dwell of zones not in `dwell`, by zone kind, scaled by the zone's area (bigger zones hold people longer)",
    }),
    attraction: Type.Record(Type.String(), Type.Number({ minimum: 0, maximum: 100 }), { default: { ...DEMO_ATTRACTION }, description: "how much each zone id draws visitors (default 1; fitting rooms 0.2)" }),
    transitions: Type.Record(Type.String(), Type.Record(Type.String(), Type.Number({ minimum: 0, maximum: 1000 })), {
      default: structuredClone(DEMO_TRANSITIONS),
      description: "multipliers on moves from one zone id to another, over the geometric default (nearer zones are likelier)",
    }),
    door: Type.Object(
      {
        enabled: Type.Boolean({ default: true, description: "simulate a door counter" }),
        zone: Type.Optional(Type.String({ description: "zone id it reports for (default: the first entrance zone)" })),
        reportEverySeconds: Type.Number({ minimum: 1, maximum: 86_400, default: 60, description: "simulated seconds between count reports" }),
      },
      { additionalProperties: false, default: {} },
    ),
    positions: Type.Object(
      {
        enabled: Type.Boolean({ default: false, description: "emit position samples of visitors (for spatial heatmaps)" }),
        everySeconds: Type.Number({ minimum: 1, maximum: 3600, default: 10, description: "simulated seconds between samples of one visitor" }),
      },
      { additionalProperties: false, default: {} },
    ),
    queues: Type.Object(
      {
        tills: Type.Integer({ minimum: 1, maximum: 100, default: 2, description: "tills open at each checkout that has a queue zone (kind queue, queueFor the checkout) when it is quiet" }),
        maxTills: Type.Integer({ minimum: 1, maximum: 100, default: 4, description: "tills staff can open at most" }),
        openAtLength: Type.Integer({ minimum: 1, maximum: 1000, default: 4, description: "people waiting at which staff open another till" }),
        openDelaySeconds: Type.Number({ minimum: 0, maximum: 3600, default: 60, description: "simulated seconds from the queue reaching openAtLength to the till being open" }),
        patience: Type.Object(
          {
            medianS: Type.Number({ exclusiveMinimum: 0, maximum: 86_400, default: 300, description: "median time a person waits before giving up" }),
            sigma: Type.Number({ minimum: 0, maximum: 3, default: 0.6 }),
          },
          { additionalProperties: false, default: {} },
        ),
      },
      {
        additionalProperties: false,
        default: {},
        description: "checkouts with a queue zone: people wait in line (first come, first served) for one of the open tills (service time: the checkout's dwell), give up after their patience, and staff open a till when the line is long and close one when it is empty",
      },
    ),
    basket: Type.Record(Type.String(), Basket, {
      default: structuredClone(DEMO_BASKET),
      description: "what paying visitors buy in each zone id they browsed (merged over the demo zones' values: give a zone whose id is also the demo's its own), for the till transactions that `sales` sends",
    }),
    basketByKind: Type.Record(Type.String(), Basket, {
      default: {
        zone: { buyChance: 0.55, meanItems: 2, price: { median: 4, sigma: 0.6 } },
        "fitting-room": { buyChance: 0, meanItems: 1, price: { median: 1, sigma: 0 } },
        other: { buyChance: 0.3, meanItems: 1.5, price: { median: 5, sigma: 0.6 } },
      },
      description: "what is bought in zones not in `basket`, by zone kind",
    }),
    sales: Type.Optional(
      Type.Object(
        {
          url: Type.String({ pattern: "^https?://", maxLength: 2048, description: "the store's sales import, e.g. http://localhost:8080/api/v1/stores/demo/sales" }),
          token: Type.String({ minLength: 1, maxLength: 512, description: "an admin token (limited to the store is enough)" }),
          everySeconds: Type.Number({ minimum: 0.1, maximum: 3600, default: 5, description: "real seconds between uploads" }),
          stateFile: Type.Optional(
            Type.String({
              minLength: 1,
              description:
                "where the transactions the import has not taken yet wait, so that a stop or a crash loses none: sent first at the next start (default <dataDir>/<agent>.sales.jsonl; without either they wait in memory and a stop loses them)",
            }),
          ),
        },
        {
          additionalProperties: false,
          description:
            "send the simulated tills' transactions (one per paying visitor, its basket drawn from `basket`) to a Footfall server's sales import, as a till system would: `footfall demo` sets it, so that its conversion figures have sales",
        },
      ),
    ),
    tickMs: Type.Integer({ minimum: 10, maximum: 5000, default: 100, description: "real milliseconds between simulator steps" }),
  },
  { additionalProperties: false, default: {} },
);

/** Validated simulator settings. */
export type SimSettings = Omit<Static<typeof SimSettingsSchema>, "layout"> & { layout?: LayoutInput };

/** Validate simulator settings: the schema, then what it cannot see (a layout's geometry, an all-zero curve). */
export function checkSimSettings(input: unknown): Checked<SimSettings> {
  const checked = checkValue(SimSettingsSchema, input ?? {});
  const value = checked.value as SimSettings;
  const problems = [...checked.problems];
  if (problems.length === 0) {
    if (value.layout) problems.push(...layoutProblems(value.layout).map((p) => `/layout${p}`));
    if (value.arrivalsPerHour > 0 && value.hourlyCurve.every((v) => v === 0)) problems.push("/hourlyCurve: every hour is 0, so nobody ever arrives; give the opening hours a value above 0");
    if (value.arrivalsPerHour > 0 && value.weeklyCurve?.every((v) => v === 0)) problems.push("/weeklyCurve: every hour is 0, so nobody ever arrives; give the opening hours a value above 0");
  }
  return { value, problems };
}
