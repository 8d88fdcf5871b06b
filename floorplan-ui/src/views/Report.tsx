/**
 * A printable report of any range: the store's key figures, enters per day, every zone's visits,
 * visitors and dwell, sales by zone when imported, and the top paths, as tables. A zone's figures are
 * the heatmap's (`metricValue`): a door counter's people are its visits, and a zone known only by its
 * door has no visitors or dwell ("–", not 0). No data is not zero: a day before the store's first
 * figures (or still to come) reads "no data" in "Enters per day", and the report says when its
 * range is partly or wholly before them. Print CSS
 * (styles/admin.css) hides the navigation and the controls, keeps tables whole where it can and
 * starts each section cleanly, so the browser's "Save as PDF" gives a clean document.
 */
import type { ViewProps } from "../App.js";
import { useAnalyticsRange } from "../hooks/useAnalyticsRange.js";
import { useNothingCounted } from "../hooks/useNothingCounted.js";
import { useQ } from "../hooks/useQ.js";
import { formatCount, formatDate, formatDateTime, formatDateTimeZ, formatDuration, formatMoney, formatRange, formatRate, formatTransactions } from "../model/format.js";
import { doorInByZone, metricValue, zoneEnters } from "../model/heatmap.js";
import { figuresBegin, rangeHasData, rangeIsPartial } from "../model/coverage.js";
import { notCountedHours, OUTAGE_MEANS, slotsTotal, trafficOutageNote, trafficSlots, zonesOutageNote } from "../model/traffic.js";
import { conversionSince, NOT_COUNTED, storeKeyFigures } from "../model/sales.js";
import { useCoverage } from "../hooks/useCoverage.js";
import { useRemovedZones } from "../hooks/useRemovedZones.js";
import { useSession } from "../session.js";
import { RangeHeading } from "../components/RangeBar.js";
import { HistoryNote } from "../components/HistoryNote.js";
import { ErrorState, Loading } from "../components/States.js";
import "../styles/analytics.css";
import "../styles/admin.css";
import { nameShown } from "../model/names.js";
import { notCountedSinceText } from "../model/not-counted.js";
import { useServerNow } from "../hooks/useServerNow.js";

export default function ReportView(props: ViewProps) {
  const { store } = props;
  const { api, stores } = useSession();
  const r = useAnalyticsRange(props);
  const { range, timeZone, layout } = r;
  const now = useServerNow(60_000);
  const enabled = r.ready;
  const key = [store, range.from, range.to] as const;
  const answer = useQ(["report-traffic", ...key], (signal) => api.trafficAnswer(store, range, "day", signal), { enabled });
  const traffic = { ...answer, data: answer.data?.buckets };
  const dwell = useQ(["report-dwell", ...key], (signal) => api.dwell(store, range, signal), { enabled });
  const conversion = useQ(["report-conversion", ...key], (signal) => api.conversion(store, range, signal), { enabled });
  const paths = useQ(["report-paths", ...key], (signal) => api.paths(store, range, 10, signal), { enabled });
  const name = nameShown(stores.find((s) => s.id === store)?.name) || store;
  // A zone a later version removed (figures in the range, not on the layout shown) is named as it was named then.
  const removed = useRemovedZones(store, range, layout, [...(dwell.data ?? []).map((d) => d.zone as string), ...(paths.data?.paths ?? []).flatMap((p) => p.zones as readonly string[])]);
  const zoneName = (id: string) => nameShown((layout?.zones.find((z) => z.id === id) ?? removed.find((z) => z.id === id))?.name) ?? id;
  const coverage = useCoverage(store, r.now);
  // Nothing counted now (every zone's agents offline): the heading says so next to "Updated", as the heatmap's does.
  const nothingNow = useNothingCounted(store, r.ready && r.updatedAt != null, r.updatedAt);
  const failed = [traffic, dwell, conversion, paths].find((q) => q.status === "error" && !q.data);
  const loading = !traffic.data || !dwell.data || !conversion.data || !paths.data || !coverage;
  const c = conversion.data?.store;
  // Every day of the range, "no data" (null) before the store's first figures or after now, as the traffic chart shows them.
  const days = traffic.data && coverage ? trafficSlots(traffic.data, range, "day", timeZone, false, coverage) : [];
  const daysTotal = slotsTotal(days);
  // The open hours nobody counted the store's entrance (its agents offline), per day: those days' enters are short by them.
  const outage = answer.data?.outages ?? null;
  const daysNotCounted = notCountedHours(days, outage);
  // The open hours a zone was counted by no agent (GET .../paths' outages, every zone): its visits, dwell and trips in them are not known.
  const zonesOutage = paths.data?.outages ?? null;
  const busiest = days.reduce<(typeof days)[number] | null>((best, d) => (d.value !== null && (!best || d.value > best.value!) ? d : best), null);
  const noData = coverage ? !rangeHasData(range, coverage) : false;
  const partial = coverage ? rangeIsPartial(range, coverage) : false;
  // The sales figures count from the store's first figures on (/conversion's `since`): said when that is not the whole range.
  const since = c ? conversionSince(c.since, range, timeZone) : null;
  // A range without figures: no enters ("no data", as the days below) and no sale counted ("not counted", not 0).
  const shown = c ? storeKeyFigures(c) : null;
  const notCounted = <span className="muted" title={NOT_COUNTED.title}>{NOT_COUNTED.text}</span>;
  const zoneRows = (() => {
    if (!dwell.data || !traffic.data) return [];
    const doorIn = doorInByZone(zoneEnters(traffic.data), dwell.data);
    const byZone = new Map(dwell.data.map((d) => [d.zone as string, d]));
    return [...new Set([...byZone.keys(), ...doorIn.keys()])]
      .map((zone) => {
        const d = byZone.get(zone);
        const door = doorIn.get(zone) ?? 0;
        return { zone, visits: metricValue(d, "visits", null, door) ?? 0, visitors: metricValue(d, "visitors", null, door), median: metricValue(d, "median", null, door) };
      })
      .sort((a, b) => b.visits - a.visits);
  })();

  return (
    <div className="page report" data-testid="report">
      {/* On screen, as every view: the range's days, its time zone, and when a live range was fetched. */}
      <div className="no-print report-heading" data-testid="report-heading">
        <RangeHeading title="Report" preset={r.preset} range={range} timeZone={timeZone} ready={r.ready} onPreset={r.setPreset} onDays={r.setDays} updatedAt={r.updatedAt} notCounted={nothingNow}>
          <button className="btn primary" onClick={() => window.print()} disabled={loading}>
            Print or save as PDF
          </button>
        </RangeHeading>
      </div>
      <header className="report-head">
        <h1 className="report-title">{name}</h1>
        <p className="report-sub" data-testid="report-range" data-from={r.ready ? range.from : undefined} data-to={r.ready ? range.to : undefined}>
          {r.ready ? formatRange(range, timeZone, { open: r.updatedAt != null }) : ""} · times in {timeZone}
        </p>
        <p className="report-sub small">Footfall report, made {formatDateTime(Date.now(), timeZone)}</p>
        {/* The heading's chip is not printed (the head is printed alone): it says it under its range, in the same words. */}
        {r.updatedAt != null && nothingNow && (
          <p className="report-sub small warn-text" data-testid="report-not-counted-now">
            {notCountedSinceText(nothingNow, timeZone, now)}: the figures stop there, the last hour is short by what nobody counted
          </p>
        )}
      </header>
      {r.ready && <HistoryNote timeZone={timeZone} range={range} />}
      {failed?.error ? (
        <ErrorState error={failed.error} onRetry={failed.reload} />
      ) : loading ? (
        <Loading label="Building the report…" />
      ) : (
        <>
          {noData && (
            <p className="alert info" data-testid="report-no-data">
              No data for this range: {coverage!.from === null ? "this store has no figures yet (its agents have not reported any visit)." : `this store's figures begin ${formatDateTimeZ(figuresBegin(coverage!)!, timeZone)}.`}
            </p>
          )}
          {partial && coverage!.from !== null && (
            <p className="alert info" data-testid="report-partial">This store's figures begin {formatDateTimeZ(figuresBegin(coverage!)!, timeZone)}: the range before that has no data.</p>
          )}
          <section className="report-section">
            <h2>Key figures</h2>
            <table className="table report-table" data-testid="report-figures">
              <tbody>
                <tr><th scope="row">Enters</th><td className="num">{shown!.enters === null ? <span className="muted">no data</span> : formatCount(shown!.enters)}</td></tr>
                <tr><th scope="row">Transactions</th><td className="num">{shown!.transactions === null ? notCounted : formatCount(shown!.transactions)}</td></tr>
                <tr><th scope="row">Conversion</th><td className="num">{formatRate(c!.conversion)}</td></tr>
                <tr><th scope="row">Sales</th><td className="num">{shown!.sales === null ? notCounted : formatMoney(shown!.sales, layout?.currency)}</td></tr>
                <tr><th scope="row">Average basket</th><td className="num">{formatMoney(c!.averageBasket, layout?.currency)}</td></tr>
                <tr><th scope="row">Busiest day</th><td className="num">{busiest && busiest.value! > 0 ? `${formatDate(busiest.start, timeZone)} (${formatCount(busiest.value!)})` : "–"}</td></tr>
              </tbody>
            </table>
            {since && (
              <p className="small muted" data-testid="report-since">
                {c!.since === null
                  ? "No sale is counted: this range has no figures, so no enters to set sales against."
                  : `Transactions, conversion, sales and average basket count the sales ${since}, the day this store's figures begin: the sales before it have no enters to be set against.`}
              </p>
            )}
          </section>
          {outage && (
            <p className="alert warn" data-testid="report-outage">
              {trafficOutageNote(outage, timeZone)}: {OUTAGE_MEANS}.
            </p>
          )}
          <section className="report-section">
            <h2>Enters per day</h2>
            <table className="table report-table" data-testid="report-days">
              <thead><tr><th>Day</th><th className="num">Enters</th></tr></thead>
              <tbody>
                {days.map((d, i) => (
                  <tr key={d.start} data-value={d.value ?? ""} data-not-counted={daysNotCounted[i] || undefined}>
                    <td>{formatDate(d.start, timeZone)}</td>
                    <td className={d.value === null ? "num muted" : "num"}>
                      {d.value === null ? "no data" : formatCount(d.value)}
                      {!!daysNotCounted[i] && <span className="warn-text small" title={`${trafficOutageNote(outage, timeZone)}: ${OUTAGE_MEANS}`}> · not counted {daysNotCounted[i]} h</span>}
                    </td>
                  </tr>
                ))}
                <tr className="total"><th scope="row">Total</th><td className="num">{daysTotal === null ? "no data" : formatCount(daysTotal)}</td></tr>
              </tbody>
            </table>
          </section>
          <section className="report-section">
            <h2>Zones</h2>
            {zonesOutage && (
              <p className="alert warn" data-testid="zones-outage" data-hours={zonesOutage.hours} data-zones={zonesOutage.zones.join(",")}>
                {zonesOutageNote(zonesOutage, timeZone, zoneName)}.
              </p>
            )}
            <table className="table report-table" data-testid="report-zones">
              <thead><tr><th>Zone</th><th className="num">Visits</th><th className="num">Visitors</th><th className="num">Median dwell</th><th className="num">Transactions</th><th className="num">Conversion</th></tr></thead>
              <tbody>
                {zoneRows.map((z) => {
                  const s = conversion.data!.zones.find((x) => x.zone === z.zone);
                  return (
                    <tr key={z.zone} data-zone={z.zone} data-visits={z.visits} data-visitors={z.visitors ?? ""} data-not-counted={zonesOutage?.zones.includes(z.zone) ? zonesOutage.hours : undefined}>
                      <td>
                        {zoneName(z.zone)}
                        {zonesOutage?.zones.includes(z.zone) && <span className="warn-text small"> · not counted {zonesOutage.hours} h</span>}
                      </td>
                      <td className="num">{noData ? <span className="muted">no data</span> : formatCount(z.visits)}</td>
                      <td className="num">{noData ? <span className="muted">no data</span> : z.visitors === null ? "–" : formatCount(z.visitors)}</td>
                      <td className="num">{z.median === null ? "–" : formatDuration(z.median)}</td>
                      <td className="num">{shown!.transactions === null ? notCounted : s ? formatTransactions(s.transactions) : "–"}</td>
                      <td className="num">{s ? formatRate(s.conversion) : "–"}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </section>
          <section className="report-section">
            <h2>Top paths</h2>
            {paths.data!.paths.length === 0 ? (
              <p className="muted" data-testid="report-paths-empty">{noData ? "No data for this range." : "No trips in this range."}</p>
            ) : (
              <table className="table report-table" data-testid="report-paths">
                <thead><tr><th>Path</th><th className="num">Trips</th><th className="num">Share</th></tr></thead>
                <tbody>
                  {paths.data!.paths.map((p) => (
                    <tr key={p.zones.join(">")}>
                      <td>{p.zones.map(zoneName).join(" → ")}</td>
                      <td className="num">{formatCount(p.count)}</td>
                      <td className="num">{formatRate(paths.data!.trips ? p.count / paths.data!.trips : null)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </div>
  );
}
