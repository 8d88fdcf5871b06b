#!/usr/bin/env node
/**
 * core's store-time helpers (core/src/domain/calendar.ts) timed the way the hot paths call them:
 * offsetMs and localMidnight per event or store, hour buckets of a day (traffic, counts 1h), day
 * buckets of a month (counts 1d, digests), hour buckets of a year (forecast series), and the first
 * use of a zone's ~25-day span (cold). Prints microseconds per call and `uptime`.
 *
 *   node test/bench/calendar.mjs                   # the built core (npx tsc -b first)
 *   CALENDAR_MODULE=/path/calendar.mjs node test/bench/calendar.mjs   # another build, to compare
 * Run timed figures under the bench lock: flock /tmp/footfall-bench.lock node test/bench/calendar.mjs
 */
import { execFileSync } from "node:child_process";
import { pathToFileURL } from "node:url";

if (process.argv.includes("--help")) {
  console.log("usage: [CALENDAR_MODULE=path/to/calendar.js] node test/bench/calendar.mjs  (times core's calendar helpers; build core first)");
  process.exit(0);
}
const path = process.env.CALENDAR_MODULE ?? new URL("../../core/dist/domain/calendar.js", import.meta.url).pathname;
const m = await import(pathToFileURL(path).href);
const H = 3_600_000;
const D = 86_400_000;
const zones = ["Europe/Paris", "Australia/Adelaide", "America/New_York", "Asia/Kolkata"];
const base = Date.UTC(2026, 2, 1);

function time(label, n, f) {
  for (let i = 0; i < Math.min(n, 2000); i++) f(i); // warm: JIT and the spans used
  const t0 = process.hrtime.bigint();
  let sink = 0;
  for (let i = 0; i < n; i++) sink += f(i);
  const us = Number(process.hrtime.bigint() - t0) / n / 1000;
  console.log(`${label.padEnd(48)} ${us.toFixed(2).padStart(9)} us/call  (${n} calls)`);
  return sink;
}

console.log(`module ${path}`);
console.log(`uptime: ${execFileSync("uptime").toString().trim()}`);
{
  // Cold: each call in a month of 2000-2040 not met before (4 zones x 480 months).
  const t0 = process.hrtime.bigint();
  const n = 1900;
  for (let i = 0; i < n; i++) m.localMidnight(Date.UTC(2000, 0, 1) + Math.floor(i / 4) * 31 * D + 12 * H, zones[i % 4]);
  console.log(`${"localMidnight, first use of a month (cold)".padEnd(48)} ${(Number(process.hrtime.bigint() - t0) / n / 1000).toFixed(2).padStart(9)} us/call  (${n} calls)`);
}
time("offsetMs, minutes of 31 days", 200_000, (i) => m.offsetMs(base + (i % 50_000) * 53_000, zones[i & 3]));
time("localMidnight, minutes of 31 days", 200_000, (i) => m.localMidnight(base + (i % 50_000) * 53_000, zones[i & 3]));
time("bucketStarts hour, 1 day (24 buckets)", 50_000, (i) => m.bucketStarts({ from: base + (i % 31) * D, to: base + (i % 31) * D + D }, "hour", zones[i & 3]).length);
time("bucketStarts day, 31 days", 50_000, (i) => m.bucketStarts({ from: base + (i % 31) * H, to: base + (i % 31) * H + 31 * D }, "day", zones[i & 3]).length);
time("bucketStarts hour, 365 days (8,760 buckets)", 500, (i) => m.bucketStarts({ from: base, to: base + 365 * D }, "hour", zones[i & 3]).length);
console.log(`uptime: ${execFileSync("uptime").toString().trim()}`);
