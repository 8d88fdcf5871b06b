import { useMemo } from "react";
import { interpolateViridis } from "d3-scale-chromatic";
import type { Layout, TrafficBucket } from "@footfall/core";
import { useAsync, type AsyncState } from "../hooks/useAsync.js";
import { useSession } from "../session.js";
import type { DateRange } from "../model/range.js";
import { trafficSlots, weekHourGrid, WEEKDAYS } from "../model/traffic.js";
import { formatCount } from "../model/format.js";
import { Chart } from "./Chart.js";
import { Empty, ErrorState, Loading } from "./States.js";

const VIRIDIS = Array.from({ length: 9 }, (_, i) => interpolateViridis(i / 8));

/**
 * Store enters per hour or day, and the hour-of-day x weekday grid, from the range's hourly
 * buckets (loaded by the view, which reads them for other figures too).
 */
export function TrafficCharts({
  store,
  range,
  bucket,
  timeZone,
  layout,
  hourly,
}: {
  store: string;
  range: DateRange;
  bucket: "hour" | "day";
  timeZone: string;
  layout: Layout | undefined;
  hourly: AsyncState<TrafficBucket[]> & { reload: () => void };
}) {
  const { api } = useSession();
  const daily = useAsync((signal) => (bucket === "day" ? api.traffic(store, range, "day", signal) : Promise.resolve(null)), [api, store, range.from, range.to, bucket]);
  const useZones = !!layout && !layout.zones.some((z) => z.kind === "entrance");
  const source = bucket === "hour" ? hourly : daily;

  const bars = useMemo(() => {
    if (!source.data) return null;
    const slots = trafficSlots(source.data, range, bucket, timeZone, useZones);
    const total = slots.reduce((s, x) => s + x.value, 0);
    return {
      total,
      option: {
        grid: { left: 44, right: 12, top: 16, bottom: 28 },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (v: number) => `${formatCount(v)} enters` },
        xAxis: { type: "category", data: slots.map((s) => s.label), axisTick: { alignWithLabel: true }, axisLine: { lineStyle: { color: "#cbd5e1" } } },
        yAxis: { type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#eef1f6" } } },
        series: [{ type: "bar", name: "Enters", data: slots.map((s) => s.value), itemStyle: { color: "#3b528b", borderRadius: [3, 3, 0, 0] }, emphasis: { itemStyle: { color: "#21918c" } }, barMaxWidth: 28 }],
      },
    };
  }, [source.data, range, bucket, timeZone, useZones]);

  const grid = useMemo(() => {
    if (!hourly.data) return null;
    const g = weekHourGrid(hourly.data, useZones);
    return {
      total: g.total,
      option: {
        grid: { left: 44, right: 12, top: 8, bottom: 56 },
        tooltip: { formatter: (p: { value: [number, number, number] }) => `${WEEKDAYS[p.value[1]]} ${String(p.value[0]).padStart(2, "0")}:00 – ${String(p.value[0] + 1).padStart(2, "0")}:00<br/><b>${formatCount(p.value[2])}</b> enters` },
        xAxis: { type: "category", data: Array.from({ length: 24 }, (_, h) => String(h).padStart(2, "0")), splitArea: { show: false }, axisLine: { show: false }, axisTick: { show: false } },
        yAxis: { type: "category", data: [...WEEKDAYS], inverse: true, axisLine: { show: false }, axisTick: { show: false } },
        visualMap: { min: 0, max: Math.max(1, g.max), orient: "horizontal", left: "center", bottom: 0, itemHeight: 180, itemWidth: 10, calculable: false, inRange: { color: VIRIDIS }, text: [formatCount(Math.max(1, g.max)), "0"], textStyle: { fontSize: 11, color: "#64748b" } },
        series: [{ type: "heatmap", data: g.cells, itemStyle: { borderColor: "#ffffff", borderWidth: 1.5, borderRadius: 3 }, emphasis: { itemStyle: { borderColor: "#0f172a" } } }],
      },
    };
  }, [hourly.data, useZones]);

  const what = useZones ? "Enters (all zones: this layout has no entrance)" : "Store enters";
  return (
    <div className="traffic-grid">
      <section className="card">
        <div className="card-h">
          <h2>{what} by {bucket}</h2>
          <span className="hint">{bars ? `${formatCount(bars.total)} in the range` : ""}</span>
        </div>
        <div className="card-b">
          {source.status === "error" ? <ErrorState error={source.error} onRetry={source.reload} /> : !bars ? <Loading /> : bars.total === 0 ? <Empty title="No enters in this range" icon="chart" /> : <Chart option={bars.option} height={240} label={`${what} by ${bucket}`} testId="traffic-chart" />}
        </div>
      </section>
      <section className="card">
        <div className="card-h">
          <h2>Hour of day × weekday</h2>
          <span className="hint">total over the range</span>
        </div>
        <div className="card-b">
          {hourly.status === "error" ? <ErrorState error={hourly.error} onRetry={hourly.reload} /> : !grid ? <Loading /> : grid.total === 0 ? <Empty title="No enters in this range" icon="chart" /> : <Chart option={grid.option} height={240} label="Enters by hour of day and weekday" testId="week-grid" />}
        </div>
      </section>
    </div>
  );
}
