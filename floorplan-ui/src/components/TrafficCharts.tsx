import { useMemo } from "react";
import { interpolateViridis } from "d3-scale-chromatic";
import type { Layout } from "@footfall/core";
import type { TrafficAnswer } from "../api/client.js";
import { useQ, type AsyncState } from "../hooks/useQ.js";
import { useSession } from "../session.js";
import type { DateRange } from "../model/range.js";
import { bandSeries, CLOSED_BAND, noEntersWords, NOT_COUNTED_BAND, notCountedHours, notCountedRuns, OUTAGE_MEANS, slotsTotal, trafficOutageNote, trafficSlots, weekGridNotCounted, weekHourGrid, WEEKDAYS } from "../model/traffic.js";
import { formatCount } from "../model/format.js";
import type { Coverage } from "../model/coverage.js";
import { trafficCsv, weekGridCsv } from "../model/exports.js";
import { dayOf } from "../model/range.js";
import { NO_DATA_FILL } from "../model/heatmap.js";
import { weekGridClosed } from "../model/week-closed.js";
import { closedForecastRuns, slotForecastText, withForecast } from "../model/forecast.js";
import { closedRuns } from "../model/hours.js";
import { alertsApi } from "../api/alerts.js";
import { Chart } from "./Chart.js";
import { downloadText } from "./download.js";
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
  coverage,
  now,
}: {
  store: string;
  range: DateRange;
  bucket: "hour" | "day";
  timeZone: string;
  layout: Layout | undefined;
  /** The range's hourly answer: its buckets, and the open hours nobody counted the entrance (outages). */
  hourly: AsyncState<TrafficAnswer | undefined> & { reload: () => void };
  /** When the store's figures begin: slots before it (or after now) are "no data", not 0. Undefined while it loads. */
  coverage: Coverage | undefined;
  /** When the view asked for its figures (a refresh asks again). */
  now: number;
}) {
  const { api } = useSession();
  const daily = useQ(["traffic", store, range.from, range.to, now, "day"], (signal) => api.trafficAnswer(store, range, "day", signal), { enabled: bucket === "day" });
  const useZones = !!layout && !layout.zones.some((z) => z.kind === "entrance");
  // A range that reaches now (today so far): the store's forecast continues the hourly bars to the end of the day.
  const withFc = bucket === "hour" && range.to >= now && !useZones;
  const forecast = useQ(["forecast", store, now], (signal) => api.forecast(store, { horizon: "24h" }, signal), { enabled: withFc });
  const source = bucket === "hour" ? hourly : daily;
  // Opening hours: hours the store was closed are shaded (hourly charts; none without hours); with the
  // forecast, to the end of the day too (asked only up to now, every hour still to come read as closed).
  const openTo = withFc ? Math.max(range.to, now) + 25 * 3_600_000 : range.to;
  const open = useQ(["open-intervals", store, range.from, openTo], () => alertsApi(api.token).openIntervals(store, range.from, openTo), { enabled: bucket === "hour" });
  // The week grid's closed cells, by the same hours (and their history), whatever the chart's bucket.
  const openGrid = useQ(["open-intervals", store, range.from, range.to], () => alertsApi(api.token).openIntervals(store, range.from, range.to));

  const what = useZones ? "Enters (all zones: this layout has no entrance)" : "Store enters";
  const bars = useMemo(() => {
    if (!source.data || !coverage) return null;
    const slots = trafficSlots(source.data.buckets, range, bucket, timeZone, useZones, coverage);
    // The open hours nobody counted the store's entrance (its agents offline): marked, so they do not read as nobody there.
    const notCounted = notCountedHours(slots, source.data.outages);
    const total = slotsTotal(slots);
    const shown = withForecast(slots, withFc ? forecast.data : undefined, now, timeZone, range.to - range.from > 86_400_000 + 3_600_000);
    const fc = shown.forecast;
    const forecastSeries = fc.some(Boolean)
      ? [
          { type: "line", name: "Forecast low", stack: "forecast", data: fc.map((f) => f?.low ?? "-"), symbol: "none", lineStyle: { opacity: 0 }, silent: true },
          { type: "line", name: "80 % interval", stack: "forecast", data: fc.map((f) => (f && f.low !== null && f.high !== null ? f.high - f.low : "-")), symbol: "none", lineStyle: { opacity: 0 }, areaStyle: { color: "rgba(33, 145, 140, 0.18)" }, silent: true },
          { type: "line", name: "Forecast", data: fc.map((f) => f?.expected ?? "-"), symbol: "circle", symbolSize: 4, lineStyle: { type: "dashed", color: "#21918c", width: 2 }, itemStyle: { color: "#21918c" } },
        ]
      : [];
    const forecastTip = (params: { dataIndex: number }[]) => {
      const i = params[0]?.dataIndex ?? 0;
      const s = shown.slots[i];
      const f = fc[i];
      if (!s) return "";
      const counted = s.value !== null ? `${formatCount(s.value)} enters` : "no data yet";
      if (f?.closed) return `${s.label}<br/>${counted}<br/>closed (opening hours): forecast 0`;
      return `${s.label}<br/>${counted}${f ? `<br/>${slotForecastText(f)}` : ""}`;
    };
    // Closed hours: from the store's opening hours for the counted ones, and the forecast's closed hours (forecast 0) after them.
    const fcClosed = closedForecastRuns(fc);
    const closedByHours = bucket === "hour" ? closedRuns(shown.slots, open.data) : [];
    const isClosed = shown.slots.map((_, i) => closedByHours.some(([a, b]) => a <= i && i <= b) || fcClosed.some(([a, b]) => a <= i && i <= b));
    const closed = closedForecastRuns(isClosed.map((c) => (c ? { expected: 0, low: 0, high: 0, closed: true } : null)));
    // Shaded on a hidden value axis over the same width (0 to the number of slots): see bandSeries.
    const closedArea = bandSeries("Closed", CLOSED_BAND, closed);
    const notCountedArea = bandSeries("Not counted", NOT_COUNTED_BAND, notCountedRuns(notCounted));
    return {
      notCounted,
      outage: source.data.outages,
      forecast: fc.some(Boolean),
      forecastClosedHours: fcClosed.reduce((n, [a, b]) => n + b - a + 1, 0),
      closedHours: closed.reduce((n, [a, b]) => n + b - a + 1, 0),
      slots,
      total,
      option: {
        grid: { left: 44, right: 12, top: 16, bottom: 28 },
        tooltip: forecastSeries.length
          ? { trigger: "axis", axisPointer: { type: "shadow" }, formatter: forecastTip }
          : { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (v: number | string | null | undefined) => (typeof v === "number" ? `${formatCount(v)} enters` : "no data") },
        xAxis: [
          { type: "category", data: shown.slots.map((s) => s.label), axisTick: { alignWithLabel: true }, axisLine: { lineStyle: { color: "#cbd5e1" } } },
          { type: "value", min: 0, max: shown.slots.length, show: false, axisPointer: { show: false, triggerTooltip: false } },
        ],
        // The axis line and ticks off, as a value axis has them by default: the hidden value x axis above would draw them.
        yAxis: { type: "value", minInterval: 1, axisLine: { show: false }, axisTick: { show: false }, splitLine: { lineStyle: { color: "#eef1f6" } } },
        // No data is no bar (ECharts' "-"), and a grey mark along the axis says so; a 0 is a 0. An
        // hour still to come carries its forecast instead.
        series: [
          { type: "bar", name: "Enters", data: shown.slots.map((s) => s.value ?? "-"), itemStyle: { color: "#3b528b", borderRadius: [3, 3, 0, 0] }, emphasis: { itemStyle: { color: "#21918c" } }, barMaxWidth: 28 },
          { type: "bar", name: "No data", barGap: "-100%", silent: true, data: shown.slots.map((s, i) => (s.value === null && !fc[i] ? 0 : "-")), itemStyle: { color: NO_DATA_FILL }, barMinHeight: 4, barMaxWidth: 28, tooltip: { show: false } },
          ...forecastSeries,
          ...(closedArea ? [closedArea] : []),
          ...(notCountedArea ? [notCountedArea] : []),
        ],
      },
    };
  }, [source.data, range, bucket, timeZone, useZones, coverage, withFc, forecast.data, now, open.data]);

  const grid = useMemo(() => {
    if (!hourly.data || !coverage) return null;
    const g = weekHourGrid(hourly.data.buckets, useZones, coverage);
    // The cells holding open hours nobody counted the entrance: an amber border and their hours said, so they do not read as quiet hours.
    const notCounted = weekGridNotCounted(hourly.data.buckets, hourly.data.outages);
    const nc = (h: number, d: number) => notCounted.get(`${d}|${h}`) ?? 0;
    // Hours the store was closed throughout the range, nobody counted in them: "closed", hatched grey, not the scale's 0 (a dead hour of an open store).
    const closedKeys = weekGridClosed(hourly.data.buckets, openGrid.data, coverage);
    const closed = new Set(g.cells.filter(([h, d, v]) => v === 0 && closedKeys.has(`${d}|${h}`)).map(([h, d]) => `${d}|${h}`));
    const isClosed = (c: readonly [number, number, number | null]) => closed.has(`${c[1]}|${c[0]}`);
    const cell = (p: { seriesIndex: number; value: [number, number, number] }) =>
      `${WEEKDAYS[p.value[1]]} ${String(p.value[0]).padStart(2, "0")}:00 – ${String(p.value[0] + 1).padStart(2, "0")}:00<br/>${p.seriesIndex === 1 ? "no data in this range" : p.seriesIndex === 2 ? "closed (opening hours)" : `<b>${formatCount(p.value[2])}</b> enters`}${
        p.seriesIndex === 0 && nc(p.value[0], p.value[1]) ? `<br/>not counted ${nc(p.value[0], p.value[1])} h: entrance offline` : ""
      }`;
    const amber = { borderColor: "#d97706", borderWidth: 2.5, borderRadius: 3 };
    return {
      ...g,
      notCounted,
      closed,
      outage: hourly.data.outages,
      option: {
        grid: { left: 44, right: 12, top: 8, bottom: 56 },
        tooltip: { formatter: cell },
        xAxis: { type: "category", data: Array.from({ length: 24 }, (_, h) => String(h).padStart(2, "0")), splitArea: { show: false }, axisLine: { show: false }, axisTick: { show: false } },
        yAxis: { type: "category", data: [...WEEKDAYS], inverse: true, axisLine: { show: false }, axisTick: { show: false } },
        visualMap: [
          { seriesIndex: 0, min: 0, max: Math.max(1, g.max), orient: "horizontal", left: "center", bottom: 0, itemHeight: 180, itemWidth: 10, calculable: false, inRange: { color: VIRIDIS }, text: [formatCount(Math.max(1, g.max)), "0"], textStyle: { fontSize: 11, color: "#64748b" } },
          // Cells with no data: their own grey, never a colour of the scale.
          { seriesIndex: 1, show: false, min: 0, max: 1, inRange: { color: [NO_DATA_FILL, NO_DATA_FILL] } },
          { seriesIndex: 2, show: false, min: 0, max: 1, inRange: { color: [CLOSED_FILL, CLOSED_FILL] } },
        ],
        series: [
          {
            type: "heatmap",
            data: g.cells.filter((c) => c[2] !== null && !isClosed(c)).map((c) => (nc(c[0], c[1]) ? { value: c, itemStyle: amber } : c)),
            itemStyle: { borderColor: "#ffffff", borderWidth: 1.5, borderRadius: 3 },
            emphasis: { itemStyle: { borderColor: "#0f172a" } },
          },
          // Cells no hour with data falls in: grey, "no data", never the colour of 0.
          { type: "heatmap", data: g.cells.filter((c) => c[2] === null).map(([h, d]) => [h, d, 0]), itemStyle: { borderColor: "#ffffff", borderWidth: 1.5, borderRadius: 3 } },
          // Closed hours (opening hours): hatched grey, as the traffic chart shades them.
          { type: "heatmap", name: "Closed", data: g.cells.filter(isClosed).map(([h, d]) => [h, d, 0]), itemStyle: { borderColor: "#ffffff", borderWidth: 1.5, borderRadius: 3, decal: { symbol: "rect", dashArrayX: [1, 0], dashArrayY: [2, 3], rotation: -Math.PI / 4, color: "rgba(71, 85, 105, 0.35)" } } },
        ],
      },
    };
  }, [hourly.data, useZones, coverage, openGrid.data]);

  // The chart is drawn (its shading and forecast with it) unless the range has no data, or no enter and no forecast.
  const drawn = !!bars && bars.total !== null && !(bars.total === 0 && !bars.forecast);
  const exportSeries = () => {
    if (!bars) return;
    downloadText(`footfall-${store}-${dayOf(range.from, timeZone)}_${dayOf(range.to - 1, timeZone)}-enters-by-${bucket}.csv`, trafficCsv(bars.slots, bucket, { ...range, timeZone }, useZones ? "enters_all_zones" : "store_enters", bars.notCounted), "text/csv;charset=utf-8");
  };

  return (
    <div className="traffic-grid">
      <section className="card" aria-labelledby="traffic-h">
        <div className="card-h">
          <h2 id="traffic-h">{what} by {bucket}</h2>
          <span className="hint" data-testid="traffic-total" data-total={bars?.total ?? ""}>{bars ? (bars.total === null ? "no data in the range" : `${formatCount(bars.total)} in the range`) : ""}</span>
          {drawn && !!bars?.closedHours && <span className="hint" data-testid="traffic-closed" data-hours={bars.closedHours} title="From the store's opening hours">shaded: closed</span>}
          {bars?.outage && (
            <span className="hint warn-text" data-testid="traffic-not-counted" data-hours={bars.outage.hours} title={`${trafficOutageNote(bars.outage, timeZone)}: ${OUTAGE_MEANS}`}>
              amber: not counted {bars.outage.hours} h
            </span>
          )}
          {drawn && !!bars?.forecastClosedHours && (
            <span className="hint" data-testid="traffic-forecast-closed" data-hours={bars.forecastClosedHours} title="Hours ahead the store is closed (its opening hours): forecast 0">
              closed ahead: {bars.forecastClosedHours} h
            </span>
          )}
          {drawn && bars?.forecast && <span className="hint" data-testid="traffic-forecast-hint" title="The store's forecast for the hours not counted yet: expected enters (dashed) and the 80 % interval (band)">dashed: forecast · band: 80 %</span>}
          <button className="btn sm" onClick={exportSeries} disabled={!bars} data-testid="export-traffic">Export CSV</button>
        </div>
        <div className="card-b">
          {source.status === "error" ? (
            <ErrorState error={source.error} onRetry={source.reload} />
          ) : !bars ? (
            <Loading />
          ) : bars.total === null ? (
            <Empty title="No data in this range" icon="chart">The store's figures begin later, or its agents have not reported yet.</Empty>
          ) : bars.total === 0 && !bars.forecast ? (
            // None yet but a forecast ahead ("today" before opening): the chart, with the day's forecast. None with hours nobody counted: not known, not none.
            <NoEnters outage={bars.outage} timeZone={timeZone} testId="traffic-no-enters" />
          ) : (
            <>
              <Chart option={bars.option} height={240} label={`${what} by ${bucket}`} testId="traffic-chart" />
              <SlotTable slots={bars.slots} notCounted={bars.notCounted} caption={`${what} by ${bucket}`} />
            </>
          )}
        </div>
      </section>
      <section className="card" aria-labelledby="grid-h">
        <div className="card-h">
          <h2 id="grid-h">Hour of day × weekday</h2>
          <span className="hint">{grid && grid.covered < 7 * 24 ? "total over the range · grey: no data" : "total over the range"}</span>
          {!!grid?.closed.size && <span className="hint" data-testid="week-grid-closed" data-cells={grid.closed.size} title="From the store's opening hours, as they were each day">hatched: closed</span>}
          {grid?.outage && (
            <span className="hint warn-text" data-testid="week-grid-not-counted" data-hours={grid.outage.hours} title={`${trafficOutageNote(grid.outage, timeZone)}: ${OUTAGE_MEANS}`}>
              amber border: not counted {grid.outage.hours} h
            </span>
          )}
          <button className="btn sm" disabled={!grid || grid.covered === 0} data-testid="export-week-grid" onClick={() => grid && downloadText(`footfall-${store}-${dayOf(range.from, timeZone)}_${dayOf(range.to - 1, timeZone)}-enters-by-weekday-hour.csv`, weekGridCsv(grid.cells, WEEKDAYS, { ...range, timeZone }, grid.notCounted), "text/csv;charset=utf-8")}>
            Export CSV
          </button>
        </div>
        <div className="card-b">
          {hourly.status === "error" ? <ErrorState error={hourly.error} onRetry={hourly.reload} /> : !grid ? <Loading /> : grid.covered === 0 ? <Empty title="No data in this range" icon="chart" /> : grid.total === 0 ? <NoEnters outage={grid.outage} timeZone={timeZone} testId="week-grid-no-enters" /> : (
            <>
              <Chart option={grid.option} height={240} label="Enters by hour of day and weekday" testId="week-grid" />
              <GridTable cells={grid.cells} notCounted={grid.notCounted} closed={grid.closed} />
            </>
          )}
        </div>
      </section>
    </div>
  );
}

/** "No enters in this range", or, with hours nobody counted the entrance, that they are not known, not none (noEntersWords). */
function NoEnters({ outage, timeZone, testId }: { outage: TrafficAnswer["outages"]; timeZone: string; testId: string }) {
  const words = noEntersWords(outage, timeZone);
  return (
    <div data-testid={testId} data-not-counted={outage?.hours}>
      <Empty title={words.title} icon="chart">{words.text}</Empty>
    </div>
  );
}

/** The hatch's ground in the week grid: closed hours, lighter than "no data" grey's neighbours on the scale, never a colour of it. */
const CLOSED_FILL = "#cbd5e1";

/** The week grid as a table for screen readers: a row per weekday, a column per hour, "no data" and "closed" spelt out. */
function GridTable({ cells, notCounted, closed }: { cells: readonly [number, number, number | null][]; notCounted: ReadonlyMap<string, number>; closed: ReadonlySet<string> }) {
  const at = new Map(cells.map(([h, d, v]) => [`${d}|${h}`, v]));
  return (
    <div className="sr-only">
      <table data-testid="week-grid-table">
        <caption>Enters by weekday and hour of day</caption>
        <thead>
          <tr><th scope="col">Day</th>{Array.from({ length: 24 }, (_, h) => <th key={h} scope="col">{String(h).padStart(2, "0")}:00</th>)}</tr>
        </thead>
        <tbody>
          {WEEKDAYS.map((day, d) => (
            <tr key={day}>
              <th scope="row">{day}</th>
              {Array.from({ length: 24 }, (_, h) => {
                const v = at.get(`${d}|${h}`);
                const nc = notCounted.get(`${d}|${h}`);
                const shut = closed.has(`${d}|${h}`);
                return (
                  <td key={h} data-not-counted={nc || undefined} data-closed={shut || undefined} title={shut ? "closed (opening hours)" : undefined}>
                    {v === null || v === undefined ? "no data" : shut ? "closed" : formatCount(v)}
                    {nc ? ` (not counted ${nc} h: entrance offline)` : ""}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The chart's figures as a table for screen readers (and the browser tests): one row per slot, "no data" spelt out. */
function SlotTable({ slots, notCounted, caption }: { slots: readonly { label: string; value: number | null }[]; notCounted: readonly number[]; caption: string }) {
  return (
    <div className="sr-only">
      <table data-testid="traffic-table">
        <caption>{caption}</caption>
        <thead>
          <tr><th scope="col">Time</th><th scope="col">Enters</th></tr>
        </thead>
        <tbody>
          {slots.map((s, i) => (
            <tr key={i} data-value={s.value ?? ""} data-not-counted={notCounted[i] || undefined}>
              <th scope="row">{s.label}</th>
              <td>{s.value === null ? "no data" : formatCount(s.value)}{notCounted[i] ? ` (not counted ${notCounted[i]} h: entrance offline)` : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
