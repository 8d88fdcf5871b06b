/**
 * GET /traffic's `bucket` (hour, day) and GET /counts' `interval` (15m, 1h, 1d) name the same thing: both routes take
 * both names, each with its own values. Both given, they must say the same bucket (else a 400 naming both).
 */
import { Type } from "@sinclair/typebox";
import type { Bucket } from "@footfall/core";
import { COUNTS_INTERVALS, type CountsInterval } from "../chain/counts.js";
import { httpError } from "./http-errors.js";

/** `bucket=`, as GET /traffic has always taken it. */
export const BucketParam = Type.Unsafe<Bucket>(Type.String({ enum: ["hour", "day"], description: "hour or day, in the store's time zone (the same as interval=1h or 1d)" }));
/** `interval=`, as GET /counts has always taken it. */
export const IntervalParam = Type.Unsafe<CountsInterval>(
  Type.String({ enum: [...COUNTS_INTERVALS], description: "15m, 1h or 1d, in the store's time zone (bucket=hour is 1h, bucket=day 1d)" }),
);

const OF_BUCKET: Record<Bucket, CountsInterval> = { hour: "1h", day: "1d" };

/**
 * The interval a query asks for by `bucket=` or `interval=` (`fallback` when neither); a 400 naming both when both are
 * given and differ.
 */
export function askedInterval(q: { bucket?: Bucket | undefined; interval?: CountsInterval | undefined }, fallback: CountsInterval): CountsInterval {
  const byBucket = q.bucket === undefined ? undefined : OF_BUCKET[q.bucket];
  if (byBucket !== undefined && q.interval !== undefined && byBucket !== q.interval)
    throw httpError(400, `querystring/interval: bucket=${q.bucket} and interval=${q.interval} ask for different buckets; give one of them (bucket=hour is interval=1h, bucket=day is interval=1d)`);
  return q.interval ?? byBucket ?? fallback;
}
