/**
 * Funnels: ordered steps (zones, or departments through the store's alias rules) picked by the
 * person and kept in the URL; how many visitors reached each step, the drop-off between steps,
 * and the same per hour or day.
 */
import { useCallback, useMemo } from "react";
import type { ViewProps } from "../App.js";
import { isNotFound } from "../api/client.js";
import type { FunnelBy, FunnelReport } from "../api/types.js";
import { useQ } from "../hooks/useQ.js";
import { useAnalyticsRange } from "../hooks/useAnalyticsRange.js";
import { useNothingCounted } from "../hooks/useNothingCounted.js";
import { bucketSeries, completionText, doorOnlyZones, funnelReducer, funnelRows, MAX_STEPS, outageStepNames, pickFromParams, pickProblem, pickToParams, stepOptions, type FunnelAction, type FunnelRow, type StepMode } from "../model/funnel.js";
import { zoneEnters } from "../model/heatmap.js";
import { rangeHasData, type Coverage } from "../model/coverage.js";
import { useCoverage } from "../hooks/useCoverage.js";
import { formatCount, formatRate } from "../model/format.js";
import { withParams } from "../model/route.js";
import { funnelCsv, funnelSeriesCsv } from "../model/exports.js";
import { downloadCsv } from "../components/download.js";
import { useSession } from "../session.js";
import { RangeHeading } from "../components/RangeBar.js";
import { RetentionNote } from "../components/RetentionNote.js";
import { HistoryNote } from "../components/HistoryNote.js";
import { Chart } from "../components/Chart.js";
import { Empty, ErrorState, Loading, Segmented } from "../components/States.js";
import "../styles/analytics.css";
import "../styles/funnel.css";
import { nameShown } from "../model/names.js";
import { bandSeries, notCountedRuns, NOT_COUNTED_BAND, zonesOutageNote } from "../model/traffic.js";

const MODES = [
  { id: "zones", label: "Zones" },
  { id: "departments", label: "Departments" },
] as const satisfies readonly { id: StepMode; label: string }[];
const BY = [
  { id: "none", label: "Whole range" },
  { id: "hour", label: "By hour" },
  { id: "day", label: "By day" },
] as const satisfies readonly { id: FunnelBy; label: string }[];
const STEP_COLOURS = ["#440154", "#3b528b", "#21918c", "#5ec962", "#b5de2b", "#fde725", "#31688e", "#35b779"];

export default function FunnelView(props: ViewProps) {
  const { store, route, navigate } = props;
  const { api } = useSession();
  const r = useAnalyticsRange(props);
  const pick = useMemo(() => pickFromParams(route.params), [route.params]);
  const dispatch = (action: FunnelAction) => navigate(withParams(route, pickToParams(funnelReducer(pick, action))), true);
  const departments = useQ(["departments", store], (signal) => api.departments(store, signal).catch((e) => (isNotFound(e) ? {} : Promise.reject(e))));
  const problem = pickProblem(pick);
  const report = useQ<FunnelReport | null>(
    ["funnel", store, r.range.from, r.range.to, r.now, pick.steps.join(","), pick.by, pick.mode],
    (signal) => api.funnel(store, r.range, pick.steps, pick.by, pick.mode === "departments", signal),
    { enabled: r.ready && !problem },
  );
  // Zones a door counter counts but nobody is followed in (the demo's entrance): no trip ever reaches them.
  const doorOnly = useQ(
    ["door-only", store, r.range.from, r.range.to, r.now],
    async (signal) => {
      const [traffic, dwell] = await Promise.all([api.traffic(store, r.range, "day", signal), api.dwell(store, r.range, signal)]);
      return doorOnlyZones(zoneEnters(traffic), dwell);
    },
    { enabled: r.ready },
  );
  const coverage = useCoverage(store, r.now);
  // Nothing counted now (every zone's agents offline): the heading says so next to "Updated", as the heatmap's does.
  const nothingNow = useNothingCounted(store, r.ready && r.updatedAt != null, r.updatedAt);
  const noData = coverage ? !rangeHasData(r.range, coverage) : false;
  const names = useMemo(() => new Map(r.layout?.zones.map((z) => [z.id as string, z.name]) ?? []), [r.layout]);
  // Steps by their stored names in the CSV (as every export keeps them), written out on screen (model/names shown).
  const csvLabel = useCallback((step: string) => (pick.mode === "zones" ? (names.get(step) ?? step) : step), [pick.mode, names]);
  const label = useCallback((step: string) => nameShown(csvLabel(step)), [csvLabel]);
  const options = stepOptions(pick, r.layout, departments.data, doorOnly.data);
  const rows = report.data ? funnelRows(report.data.steps, label) : null;
  const completion = completionText(rows, noData);
  const doorSteps = pick.mode === "zones" ? pick.steps.filter((st) => doorOnly.data?.has(st)) : [];
  // The open hours a zone was counted by no agent: trips through it in them are not known, not none.
  const outage = report.data?.outages ?? null;
  // Named as the steps are: with departments as steps, a zone's department and, in it, the zone ("Fresh (Fruit & veg)").
  const outageNote = useMemo(
    () => outage && zonesOutageNote({ ...outage, zones: outageStepNames(outage.zones, pick.mode, (z) => nameShown(names.get(z) ?? z), departments.data, nameShown) }, r.timeZone),
    [outage, pick.mode, names, departments.data, r.timeZone],
  );

  return (
    <div className="page" data-testid="funnel" data-from={r.ready ? r.range.from : undefined} data-to={r.ready ? r.range.to : undefined}>
      <RangeHeading title="Funnels" preset={r.preset} range={r.range} timeZone={r.timeZone} ready={r.ready} onPreset={r.setPreset} onDays={r.setDays} updatedAt={r.updatedAt} notCounted={nothingNow}>
        <Segmented label="Break down" value={pick.by} options={BY} onChange={(by) => dispatch({ type: "setBy", by })} />
        <button
          className="btn"
          data-testid="export-funnel"
          disabled={!rows || !report.data || !!problem}
          title={pick.by === "none" ? "The steps over the whole range" : `One row per ${pick.by}, a column per step`}
          onClick={() => {
            if (!rows || !report.data) return;
            const range = { ...r.range, timeZone: r.timeZone };
            const csvRows = funnelRows(report.data.steps, csvLabel);
            const csv = pick.by === "none" ? funnelCsv(csvRows, range, noData, outage?.hours) : funnelSeriesCsv(report.data.buckets ?? [], csvRows, pick.by, range, coverage, outage);
            downloadCsv(store, r.range, r.timeZone, pick.by === "none" ? "funnel" : `funnel-by-${pick.by}`, csv);
          }}
        >
          Export CSV
        </button>
      </RangeHeading>
      {r.ready && <HistoryNote timeZone={r.timeZone} range={r.range} />}
      {r.ready && <RetentionNote need="aggregates" what="" timeZone={r.timeZone} range={r.range} />}
      {outageNote && !noData && (
        <div className="alert warn" data-testid="zones-outage" data-hours={outage!.hours} data-zones={outage!.zones.join(",")}>
          {outageNote}.
        </div>
      )}
      <div className="funnel-grid">
        <section className="card">
          <div className="card-h">
            <h2>Steps, in order</h2>
          </div>
          <div className="card-b form">
            <div className="row">
              <span className="muted small">Steps are</span>
              <Segmented label="Steps are" value={pick.mode} options={MODES} onChange={(mode) => dispatch({ type: "setMode", mode })} />
            </div>
            {pick.steps.length > 0 && (
              <ol className="step-list" data-testid="funnel-steps">
                {pick.steps.map((s, i) => (
                  <li key={s}>
                    <span className="n">{i + 1}</span>
                    <span className="name">{label(s)}</span>
                    <button className="btn ghost sm icon" aria-label={`Move ${label(s)} up`} disabled={i === 0} onClick={() => dispatch({ type: "moveStep", index: i, by: -1 })}>↑</button>
                    <button className="btn ghost sm icon" aria-label={`Move ${label(s)} down`} disabled={i === pick.steps.length - 1} onClick={() => dispatch({ type: "moveStep", index: i, by: 1 })}>↓</button>
                    <button className="btn ghost sm icon" aria-label={`Remove ${label(s)}`} onClick={() => dispatch({ type: "removeStep", index: i })}>×</button>
                  </li>
                ))}
              </ol>
            )}
            <label className="lbl">
              Add a step
              <select className="field" data-testid="funnel-add" value="" disabled={pick.steps.length >= MAX_STEPS} onChange={(e) => e.target.value && dispatch({ type: "addStep", step: e.target.value })}>
                <option value="">{pick.steps.length >= MAX_STEPS ? `At most ${MAX_STEPS} steps` : pick.mode === "zones" ? "Choose a zone…" : "Choose a department…"}</option>
                {options.filter((o) => !o.picked).map((o) => (
                  <option key={o.id} value={o.id} disabled={o.unavailable !== null}>{o.unavailable ? `${nameShown(o.label)} (${o.unavailable})` : nameShown(o.label)}</option>
                ))}
              </select>
            </label>
            {pick.mode === "departments" && departments.data && Object.keys(departments.data).length === 0 && (
              <div className="alert warn">This store has no departments yet: a merchandiser or an admin maps zones to departments in the Sales view.</div>
            )}
            {doorSteps.length > 0 && (
              <div className="alert warn" data-testid="funnel-door-step">
                {doorSteps.map(label).join(", ")} {doorSteps.length > 1 ? "are" : "is"} counted by a door counter, which does not follow people: no trip is seen there. Start the funnel at the first zone shoppers are followed in.
              </div>
            )}
            {pick.steps.length > 0 && <button className="btn ghost sm" style={{ justifySelf: "start" }} onClick={() => dispatch({ type: "clear" })}>Clear the steps</button>}
            <p className="muted small" style={{ margin: 0 }}>
              A trip counts at a step when it reached that step after every earlier one, in this order, with anything in between.
            </p>
          </div>
        </section>
        <section className="card">
          <div className="card-h">
            <h2>Funnel</h2>
            {report.status === "loading" && !problem && <div className="spinner sm" aria-label="Loading" />}
            {completion && <span className="hint" data-testid="funnel-completion">{completion}</span>}
          </div>
          <div className="card-b">
            {problem ? (
              <Empty icon="funnel" title="Build a funnel">{problem}</Empty>
            ) : report.status === "error" ? (
              <ErrorState error={report.error} onRetry={report.reload} />
            ) : !rows ? (
              <Loading />
            ) : noData ? (
              <Empty icon="funnel" title="No data for this range">The store's figures begin later.</Empty>
            ) : rows[0]!.reached === 0 ? (
              <Empty icon="funnel" title="No trip reached the first step in this range">{doorSteps.includes(rows[0]!.step) ? "Its first step is seen only by a door counter." : "Try a longer range or another first step."}</Empty>
            ) : (
              <FunnelBars rows={rows} />
            )}
          </div>
        </section>
      </div>
      {pick.by !== "none" && report.data && !problem && <BucketChart report={report.data} by={pick.by} label={label} timeZone={r.timeZone} rangeTo={r.range.to} coverage={coverage} outageNote={outageNote} />}
    </div>
  );
}

function FunnelBars({ rows }: { rows: FunnelRow[] }) {
  return (
    <ol className="funnel" data-testid="funnel-chart">
      {rows.map((row, i) => (
        <li key={row.step} data-testid={`funnel-step-${row.step}`} data-reached={row.reached}>
          {i > 0 && (
            <div className="drop" data-testid="funnel-drop">
              <span className="down">−{formatCount(row.dropOff)} left</span>
              <span className="muted">{row.stepRate === null ? "" : `${formatRate(row.stepRate)} went on from ${rows[i - 1]!.label}`}</span>
            </div>
          )}
          <div className="bar-row">
            <span className="label">{i + 1}. {row.label}</span>
            <div className="bar"><span style={{ width: `${Math.max(0.5, (row.rate ?? 0) * 100)}%`, background: STEP_COLOURS[i % STEP_COLOURS.length] }} /></div>
            <span className="fig">
              <b>{formatCount(row.reached)}</b> <span className="muted" title={i === 0 ? undefined : `of the trips at ${rows[0]!.label}`}>{formatRate(row.rate)}</span>
              {row.ofAll !== null && (
                <span className="muted of-all" data-testid="funnel-of-all" title="Share of every trip in the store in this range: with one zone, its reach">
                  {formatRate(row.ofAll)} of all trips
                </span>
              )}
            </span>
          </div>
        </li>
      ))}
    </ol>
  );
}

function BucketChart({ report, by, label, timeZone, rangeTo, coverage, outageNote }: { report: FunnelReport; by: "hour" | "day"; label: (s: string) => string; timeZone: string; rangeTo: number; coverage: Coverage | null | undefined; outageNote: string | null }) {
  // Hours or days before the store's first figures, or still to come, have no data: no bar, "no data" in the tooltip (not 0 trips).
  const [first, now] = [coverage?.from, coverage?.now]; // numbers, as the coverage object is new on every render
  const data = useMemo(
    () => bucketSeries(report, by, label, timeZone, { to: rangeTo }, now === undefined ? undefined : { from: first ?? null, now }),
    [report, by, label, timeZone, rangeTo, first, now],
  );
  const option = useMemo(
    () => ({
      grid: { left: 44, right: 12, top: 36, bottom: 28 },
      legend: { top: 0, left: 0, itemWidth: 12, itemHeight: 10, textStyle: { color: "#334155" } },
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        formatter: (ps: { dataIndex: number; seriesName: string; value: number | null | undefined; marker: string }[]) => {
          const i = ps[0]?.dataIndex ?? 0;
          const done = data.completion[i];
          if (data.series[0]?.values[i] === null) return `${data.labels[i]}<br/>no data`;
          return `${data.labels[i]}<br/>${ps.map((p) => `${p.marker}${p.seriesName}: <b>${formatCount(p.value ?? 0)}</b>`).join("<br/>")}<br/>Reached the last step: <b>${done === null || done === undefined ? "–" : formatRate(done)}</b>`;
        },
      },
      xAxis: [
        { type: "category", data: data.labels, axisLine: { lineStyle: { color: "#cbd5e1" } } },
        // The hidden axis the amber bands are drawn on (bandSeries), over the same width.
        { type: "value", min: 0, max: data.labels.length, show: false, axisPointer: { show: false, triggerTooltip: false } },
      ],
      yAxis: { type: "value", minInterval: 1, axisLine: { show: false }, axisTick: { show: false }, splitLine: { lineStyle: { color: "#eef1f6" } } },
      series: [
        ...data.series.map((s, i) => ({ type: "bar", name: s.label, data: s.values, itemStyle: { color: STEP_COLOURS[i % STEP_COLOURS.length], borderRadius: [2, 2, 0, 0] }, barMaxWidth: 18 })),
        // The buckets holding open hours a zone was counted by no agent: amber, as on the traffic chart, so they do not read as few trips.
        ...[bandSeries("Not counted", NOT_COUNTED_BAND, notCountedRuns(data.notCounted))].filter((x) => x !== undefined),
      ],
    }),
    [data],
  );
  const notCounted = data.notCounted.reduce((n, h) => n + h, 0);
  return (
    <section className="card">
      <div className="card-h">
        <h2>Funnel by {by}</h2>
        <span className="hint">trips reaching each step, per {by}</span>
        {notCounted > 0 && data.labels.length > 0 && (
          <span className="hint warn-text" data-testid="funnel-buckets-not-counted" data-hours={notCounted} title={outageNote ?? undefined}>
            amber: not counted {notCounted} h
          </span>
        )}
      </div>
      <div className="card-b">
        {data.labels.length === 0 ? (
          <Empty title={`No ${by}s with trips in this range`} icon="chart" />
        ) : (
          <>
            <Chart option={option} height={260} label={`Funnel by ${by}`} testId="funnel-buckets" />
            <BucketTable data={data} by={by} />
          </>
        )}
      </div>
    </section>
  );
}

/** The funnel by hour or day as a table for screen readers (and the browser tests): a row per bucket, "no data" and the hours nobody counted spelt out. */
function BucketTable({ data, by }: { data: ReturnType<typeof bucketSeries>; by: "hour" | "day" }) {
  return (
    <div className="sr-only">
      <table data-testid="funnel-buckets-table">
        <caption>Funnel by {by}</caption>
        <thead>
          <tr><th scope="col">{by === "hour" ? "Hour" : "Day"}</th>{data.series.map((s) => <th key={s.step} scope="col">{s.label}</th>)}</tr>
        </thead>
        <tbody>
          {data.labels.map((l, i) => (
            <tr key={i} data-not-counted={data.notCounted[i] || undefined}>
              <th scope="row">{l}{data.notCounted[i] ? ` (not counted ${data.notCounted[i]} h)` : ""}</th>
              {data.series.map((s) => <td key={s.step}>{s.values[i] === null ? "no data" : formatCount(s.values[i]!)}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
