/**
 * Heatmap (store manager): zones coloured by a metric on a viridis scale with the figure on each,
 * a tooltip with all figures, range presets and comparison with the previous period, traffic by
 * hour or day, the hour-of-day x weekday grid, and CSV export of what is shown.
 */
import { useCallback, useMemo, useState } from "react";
import type { ViewProps } from "../App.js";
import { useQ } from "../hooks/useQ.js";
import { useNothingCounted } from "../hooks/useNothingCounted.js";
import { useAnalyticsRange } from "../hooks/useAnalyticsRange.js";
import { changeText, doorInByZone, heatScene, isMetric, isSalesMetric, METRICS, rankZones, formatMetric, zoneEnters, layoutTimesIn, unplacedNames, type HeatZone, type Metric } from "../model/heatmap.js";
import { bucketFor, dayOf, previousPeriod } from "../model/range.js";
import { outageChange, zoneOutageChange, zonesOutageNote } from "../model/traffic.js";
import { formatCount, formatRange, formatDuration, formatMoney, formatRate, formatDateTimeZ, formatTransactions } from "../model/format.js";
import type { ConversionReport } from "../api/types.js";
import { heatmapCsv } from "../model/exports.js";
import { conversionSince, storeSalesWords } from "../model/sales.js";
import { figuresBegin, rangeHasData, rangeIsPartial } from "../model/coverage.js";
import { useCoverage } from "../hooks/useCoverage.js";
import { downloadText } from "../components/download.js";
import { useSession } from "../session.js";
import { PlanStage } from "../components/PlanStage.js";
import { HeatZones } from "../components/HeatZones.js";
import { Legend } from "../components/Legend.js";
import { RangeHeading } from "../components/RangeBar.js";
import { HistoryNote, useKeptHistory } from "../components/HistoryNote.js";
import { cutByRetention, HISTORY_CUT_SLACK_MS } from "@footfall/core";
import { Empty, ErrorState, Loading, Segmented } from "../components/States.js";
import { TrafficCharts } from "../components/TrafficCharts.js";
import { QueueWaits } from "../components/QueueWaits.js";
import { isNotFound, type TrafficOutage } from "../api/client.js";
import { NotOpenYetNote, useNotOpenYet } from "../components/NotOpenYet.js";
import "../styles/analytics.css";
import { nameShown } from "../model/names.js";

export default function HeatmapView(props: ViewProps) {
  const { store, route } = props;
  const { api } = useSession();
  const r = useAnalyticsRange(props);
  const metric: Metric = isMetric(route.params.metric) ? route.params.metric : "visits";
  const compare = route.params.compare === "1";
  const prev = useMemo(() => previousPeriod(r.range, r.timeZone), [r.range, r.timeZone]);
  const coverage = useCoverage(store, r.now);
  const noData = coverage ? !rangeHasData(r.range, coverage) : false;
  const previousNoData = compare && coverage ? !rangeHasData(prev, coverage) : false;
  const previousPartial = compare && coverage ? !previousNoData && rangeIsPartial(prev, coverage) : false;
  const partial = coverage ? !noData && rangeIsPartial(r.range, coverage) : false;
  // Figures that begin at the history kept were cut by retention, not started then: the history note says so instead.
  const history = useKeptHistory();
  const cutHere = (p: { from: number }) => !!history && cutByRetention(p, history) && (coverage?.from == null || coverage.from < history.keptFrom + HISTORY_CUT_SLACK_MS);

  const dwell = useQ(["dwell-answer", store, r.range.from, r.range.to, r.now], (signal) => api.dwellAnswer(store, r.range, signal), { enabled: r.ready });
  const dwellZones = dwell.data?.zones;
  // The open hours a zone was counted by no agent (its own camera offline): its visits and dwell in them are not known, not none.
  const zonesOutage = dwell.data?.outages ?? null;
  const previous = useQ(["dwell-answer", store, prev.from, prev.to, r.now], (signal) => api.dwellAnswer(store, prev, signal), { enabled: r.ready && compare });
  const before = { data: previous.data?.zones, status: previous.status };

  // Sales figures: needed by the sales metrics, and by the "long dwell, low conversion" flag on every metric.
  const sales = isSalesMetric(metric);
  const conversion = useQ<ConversionReport | null>(
    ["conversion", store, r.range.from, r.range.to, r.now, sales],
    (signal) => api.conversion(store, r.range, signal).catch((e: unknown) => (sales ? Promise.reject(e) : null)),
    { enabled: r.ready },
  );
  const convBefore = useQ(["conversion", store, prev.from, prev.to, r.now, true], (signal) => api.conversion(store, prev, signal), { enabled: r.ready && compare && sales });
  // Hourly traffic: the charts below, and each zone's enters for the people door counters count in
  // (DESIGN §7), shown as those zones' visits.
  const hourly = useQ(["traffic", store, r.range.from, r.range.to, r.now, "hour"], (signal) => api.trafficAnswer(store, r.range, "hour", signal), { enabled: r.ready });
  const enters = useMemo(() => (hourly.data ? zoneEnters(hourly.data.buckets) : undefined), [hourly.data]);
  const trafficBefore = useQ(["traffic-answer", store, prev.from, prev.to, r.now, "day"], (signal) => api.trafficAnswer(store, prev, "day", signal), { enabled: r.ready && compare });
  const entersBefore = useMemo(() => ({ data: trafficBefore.data ? zoneEnters(trafficBefore.data.buckets) : undefined }), [trafficBefore.data]);
  // The store's entrance counted by no agent for some open hours of either period (its agents offline): no change is
  // given, "— not counted" (the chain view's and the digests' rule), or the outage would read as a drop, then as growth.
  const outage = compare ? outageChange(hourly.data?.outages, trafficBefore.data?.outages, r.timeZone) : null;
  // A zone counted by no agent for some open hours of either period (its own camera offline): no change for it either,
  // "— not counted" in the ranking, on the plan, in the tooltip and the CSV, as for the entrance.
  const previousOutage = compare ? (previous.data?.outages ?? null) : null;
  const zoneOutage = useCallback((zone: string) => (compare && !outage ? zoneOutageChange(zone, noData ? null : zonesOutage, previousNoData ? null : previousOutage, r.timeZone) : null), [compare, outage, noData, zonesOutage, previousNoData, previousOutage, r.timeZone]);
  const figures = sales ? conversion : dwell;
  // No sales imported for the range: conversion is unknown ("–"), not 0 %.
  const withSales = (conversion.data?.store.transactions ?? 0) > 0;
  const prevWithSales = (convBefore.data?.store.transactions ?? 0) > 0;
  const scene = useMemo(
    () =>
      r.layout && dwellZones && (!sales || conversion.data) && coverage
        ? heatScene(
            r.layout,
            dwellZones,
            metric,
            compare ? before.data : undefined,
            { now: withSales ? conversion.data?.zones : undefined, previous: compare && prevWithSales ? convBefore.data?.zones : undefined },
            {
              now: enters ? doorInByZone(enters, dwellZones) : undefined,
              previous: compare && entersBefore.data && before.data ? doorInByZone(entersBefore.data, before.data) : undefined,
            },
            { now: !noData, previous: !previousNoData },
            r.layout.currency,
          )
        : null,
    [r.layout, dwellZones, metric, compare, before.data, sales, conversion.data, convBefore.data, enters, entersBefore.data, coverage, noData, previousNoData, withSales, prevWithSales],
  );
  // Zones with figures that a later version removed are named as the older versions named them.
  const unplacedIds = scene?.unplaced.map((d) => d.zone as string) ?? [];
  const removedNames = useQ(
    ["removed-zone-names", store, r.range.from, r.range.to, unplacedIds.join(",")],
    async (signal) => {
      const times = layoutTimesIn(await api.layouts(store, signal), r.range);
      return { key: `${store}:${unplacedIds.join(",")}`, names: unplacedNames(unplacedIds, await Promise.all(times.map((at) => api.layout(store, at, signal)))) };
    },
    { enabled: unplacedIds.length > 0 },
  );
  // "Today" before the store opens: says so and when, instead of "no visits, try a longer range".
  const closed = useNotOpenYet(store, r.range, r.now, r.timeZone, r.ready && !!scene && scene.zones.every((z) => !z.visits));
  const flagged = scene?.zones.filter((z) => z.longDwellLowConversion) ?? [];
  const [hover, setHover] = useState<{ id: string; x: number; y: number } | null>(null);
  const onHover = useCallback((id: string | null, at: { x: number; y: number } | null) => setHover(id && at ? { id, ...at } : null), []);
  const hovered = scene?.zones.find((z) => z.id === hover?.id) ?? null;
  const metricInfo = METRICS.find((m) => m.id === metric)!;

  const exportCsv = () => {
    if (!scene) return;
    // Sales columns when there are sales to speak of; a door counter's columns when one counted people in.
    // An entrance outage in either period: no change in the export either, as on screen.
    const shown = { ...scene, zones: scene.zones.map((z) => (outage || zoneOutage(z.id) ? { ...z, change: null } : z)) };
    const csv = heatmapCsv(shown, { ...r.range, timeZone: r.timeZone }, { metric, compare, withSales, currency: r.layout?.currency, notCounted: noData ? null : zonesOutage });
    downloadText(`footfall-${store}-${dayOf(r.range.from, r.timeZone)}_${dayOf(r.range.to - 1, r.timeZone)}-${metric}.csv`, csv, "text/csv;charset=utf-8");
  };

  // Nothing counted now (every zone's agents offline): said by the "Updated" chip, as on the live and chain views.
  const nothingNow = useNothingCounted(store, r.ready && r.updatedAt != null, r.updatedAt);

  if (!r.ready && r.layoutStatus === "error") {
    return <div className="page">{isNotFound(r.layoutError) ? <NoLayout /> : <ErrorState error={r.layoutError!} onRetry={r.reloadLayout} />}</div>;
  }
  return (
    <div className="page" data-testid="heatmap" data-from={r.ready ? r.range.from : undefined} data-to={r.ready ? r.range.to : undefined} data-figures-from={coverage ? (coverage.from ?? "none") : undefined}>
      <RangeHeading
        title="Heatmap"
        updatedAt={r.updatedAt}
        notCounted={nothingNow}
        note={compare && <> · compared with {formatRange(prev, r.timeZone)}</>}
        preset={r.preset}
        range={r.range}
        timeZone={r.timeZone}
        ready={r.ready}
        onPreset={r.setPreset}
        onDays={r.setDays}
        compare={compare}
        onCompare={(on) => r.set({ compare: on ? "1" : null })}
      />
      <div className="toolbar">
        <Segmented label="Metric" value={metric} options={METRICS} onChange={(m) => r.set({ metric: m })} />
        <div className="spacer" />
        <button className="btn" onClick={r.refresh} title="Fetch the latest figures">Refresh</button>
        <button className="btn" onClick={exportCsv} disabled={!scene} data-testid="export-csv">Export CSV</button>
      </div>
      {noData && coverage && (
        <div className="alert info" data-testid="no-data">
          No data for this range: {coverage.from === null ? "this store has no figures yet (its agents have not reported any visit)." : `this store's figures begin ${formatDateTimeZ(figuresBegin(coverage)!, r.timeZone)}.`}
        </div>
      )}
      {r.ready && <HistoryNote timeZone={r.timeZone} range={r.range} previous={compare ? prev : null} />}
      {partial && !cutHere(r.range) && coverage?.from != null && <div className="alert info" data-testid="partial">This store's figures begin {formatDateTimeZ(figuresBegin(coverage)!, r.timeZone)}: the range before that has no data.</div>}
      <NotOpenYetNote closed={closed} onYesterday={() => r.setPreset("yesterday")} />
      {previousNoData && <div className="alert warn" data-testid="previous-no-data">The previous period ({formatRange(prev, r.timeZone)}) has no data: there is nothing to compare with.</div>}
      {previousPartial && !cutHere(prev) && coverage?.from != null && (
        <div className="alert warn" data-testid="previous-partial">
          The previous period ({formatRange(prev, r.timeZone)}) is partial: the store's figures begin {formatDateTimeZ(figuresBegin(coverage)!, r.timeZone)}, so changes overstate growth.
        </div>
      )}
      {outage && (
        <div className="alert warn" data-testid="outage-compare" title={outage.title}>
          {outage.note}
        </div>
      )}
      {zonesOutage && !noData && (
        <div className="alert warn" data-testid="zones-outage" data-hours={zonesOutage.hours} data-zones={zonesOutage.zones.join(",")}>
          {zonesOutageNote(zonesOutage, r.timeZone, (z) => nameShown(r.layout?.zones.find((x) => x.id === z)?.name ?? z))}.
        </div>
      )}
      <div className="heat-grid">
        <section className="card heat-plan-card">
          <div className="card-h">
            <h2>Zones by {metricInfo.label.toLowerCase()}</h2>
            {(dwell.status === "loading" || before.status === "loading" || (sales && conversion.status === "loading")) && <div className="spinner sm" aria-label="Loading" />}
            <span className="hint">Scroll to zoom · drag to pan</span>
          </div>
          <div className="heat-plan">
            {figures.status === "error" ? (
              <ErrorState error={figures.error} onRetry={figures.reload} />
            ) : !r.layout || !scene ? (
              <Loading label="Loading figures…" />
            ) : r.layout.zones.length === 0 ? (
              <NoLayout zonesMissing />
            ) : (
              <PlanStage
                floor={r.layout.floor}
                label={`Heatmap of ${metricInfo.label.toLowerCase()} per zone`}
                overlay={hovered && hover && <ZoneTooltip zone={hovered} at={hover} metric={metric} compare={compare} previousNoData={scene.previousNoData} currency={r.layout.currency} outage={outage ?? zoneOutage(hovered.id)} />}
              >
                {(v) => <HeatZones zones={scene.zones} viewport={v} hovered={hover?.id ?? null} compare={compare} onHover={onHover} showFlags changeLabel={(z) => (outage ?? zoneOutage(z.id))?.text ?? changeText(z, scene.previousNoData, metric)} />}
              </PlanStage>
            )}
          </div>
          {scene && (
            <div className="card-b legend-wrap">
              <Legend
                max={scene.max}
                metric={metric}
                title={`${metricInfo.label}${metric === "median" || metric === "p90" ? " (closed visits)" : metric === "conversion" ? " (transactions per visit)" : ""}`}
                flagged={withSales ? flagged.length : undefined}
                currency={r.layout?.currency}
                {...(sales && withSales ? { noData: "no visits, or a zone that sells nothing itself (entrance, tills, queue, fitting rooms)" } : {})}
              />
            </div>
          )}
        </section>
        <section className="card heat-side">
          <div className="card-h">
            <h2>Ranking</h2>
            <span className="hint">{scene ? `${scene.zones.length} zones` : ""}</span>
          </div>
          {scene ? <Ranking zones={rankZones(scene)} metric={metric} compare={compare} unplaced={scene.unplaced.length} noData={scene.noData || closed !== null} previousNoData={scene.previousNoData} currency={r.layout?.currency} outage={outage} zoneOutage={zoneOutage} zonesOutage={noData ? null : zonesOutage} /> : <Loading />}
        </section>
      </div>
      {sales && conversion.data && <StoreSales report={conversion.data} currency={r.layout?.currency} since={conversionSince(conversion.data.store.since, r.range, r.timeZone)} />}
      {r.ready && <TrafficCharts store={store} range={r.range} bucket={bucketFor(r.range)} timeZone={r.timeZone} layout={r.layout} hourly={hourly} coverage={coverage} now={r.now} />}
      {r.ready && r.layout?.zones.some((z) => z.kind === "queue") && <QueueWaits store={store} range={r.range} timeZone={r.timeZone} now={r.now} noData={noData} />}
      {scene && scene.unplaced.length > 0 && (
        <div className="alert warn" data-testid="unplaced-zones">
          {scene.unplaced.length} zone{scene.unplaced.length > 1 ? "s have" : " has"} figures in this range but {scene.unplaced.length > 1 ? "are" : "is"} not on the layout valid at its end: {(removedNames.data?.key === `${store}:${unplacedIds.join(",")}` ? removedNames.data.names : unplacedIds).map(nameShown).join(", ")}.
        </div>
      )}
    </div>
  );
}

function Ranking({
  zones,
  metric,
  compare,
  unplaced,
  noData,
  previousNoData,
  currency,
  outage,
  zoneOutage,
  zonesOutage,
}: {
  zones: HeatZone[];
  metric: Metric;
  compare: boolean;
  unplaced: number;
  noData: boolean;
  previousNoData: boolean;
  currency: string | undefined;
  outage: Outage;
  /** A zone's change withheld for its own outage in either period (zoneOutageChange), or null. */
  zoneOutage: (zone: string) => { text: string; title: string } | null;
  /** The open hours zones were counted by no agent (GET .../dwell's outages): those zones' rows say so. */
  zonesOutage: TrafficOutage | null;
}) {
  if (zones.length === 0) return <Empty title="No zones">This layout has no zones yet.</Empty>;
  const none = !noData && zones.every((z) => z.value === null || z.value === 0);
  return (
    <div className="heat-table-wrap" tabIndex={0} role="region" aria-label="Zones ranked">
      {none && (
        <div className="alert info" style={{ margin: 12 }}>
          {isSalesMetric(metric) ? "No sales matched to zones in this range. An admin imports sales in the Sales view." : `No visits in this range${unplaced ? " on this layout" : ""}. Try a longer range.`}
        </div>
      )}
      <table className="table" data-testid="ranking">
        <thead>
          <tr>
            <th>Zone</th>
            <th className="num">{METRICS.find((m) => m.id === metric)!.label}</th>
            {compare && <th className="num">Change</th>}
          </tr>
        </thead>
        <tbody>
          {zones.map((z) => {
            const withheld = outage ?? zoneOutage(z.id);
            return (
              <tr key={z.id} data-testid={`heat-row-${z.id}`} data-value={z.value ?? ""} data-fill={z.fill} data-not-counted={zonesOutage?.zones.includes(z.id) ? zonesOutage.hours : undefined}>
                <td>
                  <span className="swatch" style={{ background: z.fill }} /> <span style={{ marginLeft: 6 }}>{nameShown(z.name)}</span>
                  {zonesOutage?.zones.includes(z.id) && <span className="warn-text small" title="Counted by no agent (offline) in those open hours: its figures in them are not known, not none"> · not counted {zonesOutage.hours} h</span>}
                  {z.longDwellLowConversion && <span className="flag-chip" title="Long dwell, low conversion" data-testid={`flag-${z.id}`}>long dwell · low conv.</span>}
                </td>
                <td className="num heat-value">{formatMetric(z.value, metric, false, currency)}</td>
                {compare &&
                  (withheld ? (
                    <td className="num muted" data-change={outage ? "outage" : "zone-outage"} title={withheld.title}>{withheld.text}</td>
                  ) : (
                    <td className={`num ${z.change === null ? "muted" : z.change > 0 ? "up" : z.change < 0 ? "down" : ""}`}>{changeText(z, previousNoData, metric)}</td>
                  ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The comparison withheld for an entrance outage in either period (`outageChange`), or null. */
type Outage = { text: string; title: string; note: string } | null;
/** The store's comparison withheld (`Outage`) or a zone's (`zoneOutageChange`): its text and title. */
type Withheld = { text: string; title: string } | null;

function ZoneTooltip({ zone, at, metric, compare, previousNoData, currency, outage }: { zone: HeatZone; at: { x: number; y: number }; metric: Metric; compare: boolean; previousNoData: boolean; currency: string | undefined; outage: Withheld }) {
  // A zone known only by its door counter: no one was followed in it, so no visitors and no dwell.
  const doorOnly = zone.doorIn !== null && (zone.tracked ?? 0) === 0;
  const d = doorOnly ? null : zone.dwell;
  const count = (n: number | null | undefined) => (n === null || n === undefined ? "–" : formatCount(n));
  return (
    <div className="tooltip" style={{ left: at.x + 14, top: at.y + 14 }} data-testid="tooltip">
      <h4>{nameShown(zone.name)} <span style={{ color: "#94a3b8", fontWeight: 400 }}>· {zone.kind}</span></h4>
      <dl>
        <dt>Visits</dt><dd data-testid="tooltip-visits">{count(zone.visits)}</dd>
        {zone.doorIn !== null && (
          <>
            <dt className="sub">counted at the door</dt><dd data-testid="tooltip-door">{formatCount(zone.doorIn)}</dd>
            <dt className="sub">tracked in the zone</dt><dd data-testid="tooltip-tracked">{count(zone.tracked)}</dd>
          </>
        )}
        <dt>Visitors</dt><dd data-testid="tooltip-visitors">{doorOnly ? "–" : count(zone.visits === null ? null : (d?.visitors ?? 0))}</dd>
        <dt>Mean dwell</dt><dd>{d?.dwell_s ? formatDuration(d.dwell_s.mean) : "–"}</dd>
        <dt>Median dwell</dt><dd>{d?.dwell_s ? formatDuration(d.dwell_s.median) : "–"}</dd>
        <dt>P90 dwell</dt><dd>{d?.dwell_s ? formatDuration(d.dwell_s.p90) : "–"}</dd>
        {zone.sales && (
          <>
            <dt>Transactions</dt><dd data-testid="tooltip-transactions">{formatTransactions(zone.sales.transactions)}</dd>
            <dt>Conversion</dt><dd>{formatRate(zone.sales.conversion)}</dd>
            <dt>Sales per visit</dt><dd>{formatMoney(zone.sales.salesPerVisit, currency)}</dd>
          </>
        )}
        {compare && (
          <>
            <dt>Previous {METRICS.find((m) => m.id === metric)!.label.toLowerCase()}</dt>
            <dd>{previousNoData ? "no data" : `${formatMetric(zone.previous, metric, false, currency)} (${outage?.text ?? changeText(zone, false, metric)})`}</dd>
          </>
        )}
      </dl>
      {doorOnly && <p className="tip-note">A door counter counts people in; it cannot tell visitors apart or how long they stay.</p>}
      {zone.longDwellLowConversion && (
        <p className="tip-flag" data-testid="tooltip-flag">
          Long dwell, low conversion: shoppers stay {zone.sales?.dwellMedian_s != null ? `${formatDuration(zone.sales.dwellMedian_s)} (median)` : "long"} but few buy here. Check prices, stock or staff.
        </p>
      )}
    </div>
  );
}

/** Store-level sales figures of the range (shown with the sales metrics). */
function StoreSales({ report, currency, since }: { report: ConversionReport; currency: string | undefined; since: string | null }) {
  const s = report.store;
  const words = storeSalesWords(s);
  return (
    <div className="stats card card-b" data-testid="store-sales">
      <div className="stat">
        <div className="v">{formatRate(s.conversion)}</div>
        <div className="k" data-testid="store-conversion-words">{words.conversion}</div>
        {/* The sales figures count from the store's first figures on (/conversion's `since`). */}
        {since && <div className="k" data-testid="store-sales-since" title="The sales before the store's first figures have no enters to be set against">{s.since === null ? "no sale counted: no figures in this range" : `sales ${since}`}</div>}
      </div>
      <div className="stat"><div className="v" data-testid="average-basket">{formatMoney(s.averageBasket, currency)}</div><div className="k">average basket</div></div>
      <div className="stat"><div className="v">{formatMoney(s.salesPerVisitor, currency)}</div><div className="k" data-testid="sales-per-head-words">{words.perHead}</div></div>
      <div className="stat"><div className="v">{s.staffRatio === null ? "–" : formatCount(s.staffRatio)}</div><div className="k">{s.staffRatio === null ? "shoppers per staff member (no staff counts)" : "shoppers per staff member"}</div></div>
    </div>
  );
}

function NoLayout({ zonesMissing }: { zonesMissing?: boolean }) {
  return (
    <Empty icon="plan" title={zonesMissing ? "No zones on this layout" : "No layout for this store yet"}>
      An admin draws the store's zones in the Layout view; figures appear here once agents report visits.
    </Empty>
  );
}

