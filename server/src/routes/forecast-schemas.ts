/**
 * The forecast route's answer schema (TypeBox and core only, no Fastify or Node), so that the UI
 * can derive its type from it with Static, as from ./schemas.ts.
 */
import { Type } from "@sinclair/typebox";

export const Horizon = Type.Union([Type.Literal("24h"), Type.Literal("14d")], { default: "24h", description: "24h: the next 24 local hours (from the current one); 14d: the next 14 local days (from today)" });
export const Method = Type.Union([Type.Literal("mlp"), Type.Literal("seasonal-naive"), Type.Literal("seasonal-mean"), Type.Literal("recent-days"), Type.Literal("none")], {
  description: "mlp: the trained model (its point forecast may be blended with the two baselines); seasonal-naive: the same hour (day) a week before, where the trained model was no better than it on its validation weeks; seasonal-mean: mean of the same hour (day) in the last 4 weeks; recent-days: the same hour of the last days (under a week of history); none: no history",
});
const Num = Type.Union([Type.Number(), Type.Null()]);
export const ForecastBody = Type.Object({
  store: Type.String(),
  zone: Type.Union([Type.String(), Type.Null()]),
  horizon: Horizon,
  bucket: Type.Union([Type.Literal("hour"), Type.Literal("day")]),
  timezone: Type.String(),
  generatedAt: Type.String({ description: "start of the hour the forecast was made in (store time)" }),
  interval: Type.Number({ description: "coverage aimed at by low..high" }),
  method: Method,
  model: Type.Object({
    state: Type.Union([Type.Literal("ready"), Type.Literal("training"), Type.Literal("failed"), Type.Literal("off")]),
    trainedAt: Type.Union([Type.String(), Type.Null()]),
    trainMs: Num,
    notes: Type.Array(Type.String()),
  }),
  buckets: Type.Array(
    Type.Object({
      start: Type.String(),
      expected: Num,
      low: Type.Union([Type.Number(), Type.Null()], { description: "the 80 % interval's low end; null with expected a number: a baseline answers whose past errors are not measured yet (under a day of them), so no interval is given" }),
      high: Type.Union([Type.Number(), Type.Null()], { description: "its high end; null as low" }),
      method: Method,
      closed: Type.Optional(Type.Boolean({ description: "true: the store is closed for the whole bucket (its opening hours): expected, low and high are 0" })),
    }),
  ),
});

/** `GET /stores/:store/forecast/occupancy`: expected people inside per hour for the next 24 hours. */
export const OccupancyForecastBody = Type.Object({
  store: Type.String(),
  zone: Type.Union([Type.String(), Type.Null()]),
  timezone: Type.String(),
  generatedAt: Type.String({ description: "when the forecast was made (ISO 8601)" }),
  interval: Type.Number({ description: "coverage aimed at by the arrivals' low..high (the occupancy band is their convolution: an approximation)" }),
  method: Method,
  current: Type.Number({ description: "people inside now (the live occupancy)" }),
  capacity: Type.Union([Type.Number(), Type.Null()], { description: "the zone's capacity, or the store's (sum of its zones'); null: none set" }),
  dwell: Type.Object({
    meanMin: Num,
    medianMin: Num,
    source: Type.String({ description: "where the dwell distribution came from" }),
  }),
  overCapacityAt: Type.Union([Type.String(), Type.Null()], { description: "start of the first hour expected over capacity (store time), or null" }),
  notes: Type.Array(Type.String()),
  buckets: Type.Array(
    Type.Object({
      start: Type.String(),
      expected: Num,
      low: Num,
      high: Num,
      share: Type.Union([Type.Number(), Type.Null()], { description: "expected over capacity (1 = full); null without a capacity" }),
      closed: Type.Optional(Type.Boolean()),
    }),
  ),
});
