/**
 * Analytics: each checkout queue's waits over the range (issue 14.1): joins, median and p90 wait,
 * abandonment, and the median wait by hour of day and weekday in the store's time zone, as a
 * table coloured by wait; exportable as CSV (the server's export, one row per weekday and hour).
 */
import { useMemo } from "react";
import { queuesApi, type QueueReportRow } from "../api/queues.js";
import { useQ } from "../hooks/useQ.js";
import { dayOf } from "../model/range.js";
import { formatCount, formatRate } from "../model/format.js";
import { formatWait, OUTCOME_HOUR_WORDS, queueCellTitle, waitGrid, WEEKDAYS } from "../model/queues.js";
import { useSession } from "../session.js";
import { downloadText } from "./download.js";
import { Empty, ErrorState, Loading } from "./States.js";
import "../styles/queues.css";
import { nameShown } from "../model/names.js";

/** `noData`: the range holds none of the store's figures (before they begin): said so, not "0 joined". */
export function QueueWaits({ store, range, timeZone, now, noData = false }: { store: string; range: { from: number; to: number }; timeZone: string; now: number; noData?: boolean }) {
  const { api } = useSession();
  const client = useMemo(() => queuesApi(api.token), [api.token]);
  const report = useQ(["queues", store, range.from, range.to, now], (signal) => client.report(store, range, signal));
  const exportCsv = async () => {
    const csv = await client.csv(store, range);
    downloadText(`footfall-${store}-${dayOf(range.from, timeZone)}_${dayOf(range.to - 1, timeZone)}-queue-waits.csv`, `\uFEFF${csv}`, "text/csv;charset=utf-8");
  };
  return (
    <section className="card" aria-labelledby="queues-h" data-testid="queue-waits">
      <div className="card-h">
        <h2 id="queues-h">Checkout queues: wait by hour of day × weekday</h2>
        <span className="hint" data-testid="queue-waits-hint">median wait of the people who joined in each hour; served and gave up {OUTCOME_HOUR_WORDS}</span>
        <button className="btn sm" onClick={() => void exportCsv()} disabled={!report.data || noData} data-testid="export-queues">Export CSV</button>
      </div>
      <div className="card-b">
        {report.status === "error" ? <ErrorState error={report.error} onRetry={report.reload} /> : !report.data ? <Loading /> : report.data.queues.length === 0 ? <Empty title="No queue zones in this range" icon="chart" /> : noData ? <Empty title="No data for this range" icon="chart">The store's figures begin later.</Empty> : report.data.queues.map((q) => <QueueBlock key={q.zone} q={q} />)}
      </div>
    </section>
  );
}

function QueueBlock({ q }: { q: QueueReportRow }) {
  const grid = useMemo(() => waitGrid(q), [q]);
  const pct = formatRate(q.abandonmentRate);
  return (
    <div data-testid={`queue-report-${q.zone}`}>
      <div className="queue-summary">
        <b>{nameShown(q.name)}</b>
        <span data-testid={`queue-joins-${q.zone}`}>{formatCount(q.joins)} joined</span>
        <span>median wait {formatWait(q.wait_s?.median)}</span>
        <span>p90 {formatWait(q.wait_s?.p90)}</span>
        <span title="left the queue without going to the till next; in trips that began in the range">
          gave up {formatCount(q.abandoned)} ({pct})
        </span>
      </div>
      {grid.hours.length === 0 ? (
        <Empty title="Nobody queued in this range" icon="chart" />
      ) : (
        <div className="queue-grid-wrap" tabIndex={0} role="region" aria-label={`${nameShown(q.name)}: median wait by hour and weekday`}>
          <table className="queue-grid" data-testid={`queue-grid-${q.zone}`}>
            <thead>
              <tr>
                <th scope="col">Day</th>
                {grid.hours.map((h) => (
                  <th key={h} scope="col">{String(h).padStart(2, "0")}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {grid.weekdays.map((d) => (
                <tr key={d}>
                  <th scope="row">{WEEKDAYS[d - 1]}</th>
                  {grid.hours.map((h) => {
                    const c = grid.cells.get(`${d}-${h}`);
                    const m = c?.wait_s?.median ?? null;
                    const share = m === null || grid.maxMedian === 0 ? 0 : m / grid.maxMedian;
                    return (
                      <td
                        key={h}
                        data-testid={`queue-cell-${q.zone}-${d}-${h}`}
                        data-median={m ?? ""}
                        title={queueCellTitle(c)}
                        style={{ background: m === null ? undefined : `rgba(220, 38, 38, ${(0.08 + 0.6 * share).toFixed(2)})` }}
                      >
                        {m === null ? "" : formatWait(m)}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
