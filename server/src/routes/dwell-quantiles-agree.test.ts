/**
 * A queue zone's median (and p90) wait is one figure on every screen: the heatmap's side panel and
 * label and the report take the zone's median dwell from GET /dwell, the Queue waits panel its
 * median wait from GET /queues, the heatmap's "long dwell" flag from GET /conversion. With more
 * than 500 closed visits /dwell answered from the sketch (the bin's middle) and /queues from the
 * sorted waits: 31.1 s exact against 31.5 s, "31 s" on one panel and "32 s" on the other, and the
 * queue panel wrote waits its own way ("1.7 min" where the side panel said "1 min 42 s"). Both now
 * come from core's dwell-quantiles.ts, and are written by its formatDuration.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { LayoutInput } from "@footfall/core";
import { chunks, EventFactory, rectZone, smallLayout } from "../../../test/support/fixtures.js";
import { useTestServer } from "../../../test/support/in-process.js";
import { formatMetric, metricValue } from "../../../floorplan-ui/src/model/heatmap.js";
import { formatDuration } from "../../../floorplan-ui/src/model/format.js";
import { formatWait } from "../../../floorplan-ui/src/model/queues.js";

/** Friday 20 Nov 2026, 16:00 in Paris (UTC+1). */
const NOW = Date.UTC(2026, 10, 20, 15, 0, 0);
const S = 1000;
const M = 60 * S;
const RANGE = { from: NOW - 2 * 60 * M, to: NOW };
const Q = `from=${RANGE.from}&to=${RANGE.to}`;
/** 601 waits of 20.000 s, 20.037 s, ...: the median (the 301st) is 31.1 s, the p90 (the 541st) 39.98 s. */
const WAITS = Array.from({ length: 601 }, (_, i) => 20 * S + i * 37);

function queueLayout(): LayoutInput {
  const base = smallLayout();
  return { ...base, floor: { width: 20, height: 14 }, zones: [...base.zones, { ...rectZone("line", "queue", 10, 10, 10, 4, 8), queueFor: "checkout" }] };
}

const t = useTestServer({ now: () => NOW, visitTimeoutMs: 30 * M });
let dwell: { zone: string; visits: number; visitors: number; dwell_s: { mean: number; median: number; p90: number } | null }[];
let queue: { zone: string; wait_s: { n: number; median: number; p90: number } | null };
let conversion: { zone: string; dwellMedian_s: number | null }[];

beforeAll(async () => {
  await t.putLayout("shop", queueLayout());
  const f = new EventFactory("cam-1");
  // One person joining every 10 s, in an order that is not the waits' (the sketch and the sort must not care).
  const events = WAITS.map((w, i) => ({ w, at: RANGE.from + ((i * 263) % WAITS.length) * 10 * S })).flatMap(({ w, at }, i) => f.visit(`v${i}`, "line", at, w));
  for (const batch of chunks(events, 400)) await t.ingest("shop", "cam-1", batch);
  const viewer = await t.token("viewer", "shop");
  dwell = (await t.get(`/api/v1/stores/shop/dwell?${Q}`, viewer)).body.zones;
  queue = (await t.get(`/api/v1/stores/shop/queues?${Q}`, viewer)).body.queues[0];
  conversion = (await t.get(`/api/v1/stores/shop/conversion?${Q}`, viewer)).body.zones;
});

describe("a queue zone's median and p90 wait, on the heatmap and the queue panel", () => {
  it("counts the same closed visits on both (the fixture has more than 500: the sketch's case)", () => {
    const line = dwell.find((z) => z.zone === "line")!;
    expect(line.visits).toBe(WAITS.length);
    expect(queue.wait_s!.n).toBe(WAITS.length);
  });

  it("gives the same figure, to the bit, from GET /dwell, GET /queues and GET /conversion", () => {
    const line = dwell.find((z) => z.zone === "line")!;
    expect(queue.wait_s!.median).toBe(line.dwell_s!.median);
    expect(queue.wait_s!.p90).toBe(line.dwell_s!.p90);
    expect(conversion.find((z) => z.zone === "line")!.dwellMedian_s).toBe(line.dwell_s!.median);
  });

  it("is within DESIGN's max(1 s, 1 %) of the exact median and p90 of the waits", () => {
    const within = (got: number, exact: number) => Math.abs(got - exact) <= Math.max(1, 0.01 * exact);
    expect(within(queue.wait_s!.median, 31.1)).toBe(true);
    expect(within(queue.wait_s!.p90, 39.98)).toBe(true);
  });

  it("reads the same string on the heatmap's side panel, its zone label, the report and the Queue waits panel", () => {
    const line = dwell.find((z) => z.zone === "line")!;
    const sidePanel = formatDuration(line.dwell_s!.median); // Heatmap.tsx's zone panel, Report.tsx's zone table
    const heatmapTip = formatMetric(metricValue(line as never, "median"), "median"); // the heatmap's ranking and zone tooltip
    const queuePanel = formatWait(queue.wait_s!.median); // QueueWaits.tsx: "median wait ..."
    expect(queuePanel).toBe(sidePanel);
    expect(heatmapTip).toBe(sidePanel);
    expect(formatWait(queue.wait_s!.p90)).toBe(formatDuration(line.dwell_s!.p90));
  });
});
