/**
 * An experiment's result: the layout before and after side by side, zones of interest coloured by
 * reach on one shared scale, and the verdict table (figures before and after, the change with its
 * 95 % interval, the difference in differences with control stores, the plain verdict, warnings).
 */
import { useMemo, useState } from "react";
import type { Layout } from "@footfall/core";
import type { ExperimentResult as Result, Period } from "../api/types.js";
import { useQ } from "../hooks/useQ.js";
import { formatDateTimeZ } from "../model/format.js";
import { storeNames } from "../model/experiment.js";
import { adjustmentHint, countedHint, experimentCsvFile, hasControls, provisionalOf, reachValues, reachZones, sampleNotice, tripsBasis, verdictGuide, verdictRows, verdictShown, warningSentence, type Provisional, type VerdictRow } from "../model/verdict.js";
import { useSession } from "../session.js";
import { HeatZones } from "./HeatZones.js";
import { Legend } from "./Legend.js";
import { PlanStage } from "./PlanStage.js";
import { ErrorState, Loading } from "./States.js";
import { ExperimentDelete } from "./ExperimentDelete.js";
import { downloadText } from "./download.js";
import { nameShown } from "../model/names.js";

export function ExperimentResultView({ id, mayDelete = false, onDeleted }: { id: string; mayDelete?: boolean; onDeleted?: () => void }) {
  const { api } = useSession();
  const result = useQ(["experiment-result", id], (signal) => api.experimentResult(id, signal));
  if (result.status === "error" && !result.data) return <section className="card"><ErrorState error={result.error} onRetry={result.reload} /></section>;
  if (!result.data) return <section className="card"><Loading label="Computing the result…" /></section>;
  return <Loaded result={result.data} mayDelete={mayDelete} onDeleted={onDeleted} />;
}

function Loaded({ result, mayDelete, onDeleted }: { result: Result; mayDelete: boolean; onDeleted?: () => void }) {
  const { api, stores } = useSession();
  const exp = result.experiment;
  const store = exp.testStores[0]!;
  const layouts = useQ(["experiment-layouts", store, exp.before.to, exp.after.from], async (signal) => {
    const [before, after] = await Promise.all([api.layout(store, exp.before.to - 1, signal), api.layout(store, exp.after.from, signal)]);
    return { before, after };
  });
  const tz = layouts.data?.after.timezone ?? null;
  const names = useMemo(() => {
    const m = new Map<string, string>();
    for (const z of [...(layouts.data?.before.zones ?? []), ...(layouts.data?.after.zones ?? [])]) m.set(z.id, nameShown(z.name));
    return m;
  }, [layouts.data]);
  const rows = useMemo(() => verdictRows(result, (z) => names.get(z) ?? z), [result, names]);
  const reach = useMemo(() => reachValues(result), [result]);
  const [exporting, setExporting] = useState<string | null>(null);

  const exportCsv = async () => {
    setExporting("Exporting…");
    try {
      const text = await (await api.experimentCsv(exp.id)).text();
      downloadText(`footfall-experiment-${exp.id}.csv`, experimentCsvFile(text), "text/csv;charset=utf-8");
      setExporting(null);
    } catch (err) {
      setExporting(`Export failed: ${(err as Error).message}`);
    }
  };

  return (
    <div className="exp-result" data-testid="experiment-result">
      <div className="card card-b exp-summary">
        <div>
          <h2 data-testid="exp-title">{nameShown(exp.name)}</h2>
          <div className="muted small">
            Test store{exp.testStores.length > 1 ? "s" : ""} <b title={exp.testStores.join(", ")}>{storeNames(exp.testStores, stores)}</b>
            {exp.controlStores.length > 0 ? <> · control store{exp.controlStores.length > 1 ? "s" : ""} <b title={exp.controlStores.join(", ")}>{storeNames(exp.controlStores, stores)}</b></> : " · no control stores"}
            {exp.layoutVersion != null ? <> · layout version {exp.layoutVersion}</> : null}
          </div>
          {tripsBasis(result) && <div className="muted small" data-testid="exp-trips">Based on {tripsBasis(result)}</div>}
        </div>
        <div className="spacer" />
        {tz && <span className="muted small" data-testid="exp-computed">Computed {formatDateTimeZ(typeof result.computedAt === "number" ? result.computedAt : Date.parse(result.computedAt), tz)}</span>}
        <button className="btn" onClick={exportCsv} data-testid="exp-export">Export CSV</button>
        {exporting && <span className="small muted" role="status">{exporting}</span>}
        {mayDelete && <ExperimentDelete experiment={exp} onDeleted={onDeleted} />}
      </div>
      {sampleNotice(result) && <div className="alert info" data-testid="exp-too-small">{sampleNotice(result)}</div>}
      {result.warnings.length > 0 && (
        <div className="alert warn" data-testid="exp-warnings">
          <ul style={{ margin: 0, paddingLeft: 18 }}>{result.warnings.map((w) => <li key={w}>{warningSentence(w)}</li>)}</ul>
        </div>
      )}
      <div className="exp-plans">
        {(["before", "after"] as const).map((side) => (
          <section className="card heat-plan-card" key={side} data-testid={`exp-plan-${side}`}>
            <div className="card-h">
              <h2>{side === "before" ? "Before" : "After"}{layouts.data ? ` · layout version ${layouts.data[side].version}` : ""}</h2>
              <span className="hint" data-testid={`exp-period-${side}`}>{tz ? periodText(exp[side], tz) : ""}</span>
            </div>
            <div className="exp-plan">
              {layouts.status === "error" ? (
                <ErrorState error={layouts.error} onRetry={layouts.reload} />
              ) : !layouts.data ? (
                <Loading />
              ) : (
                <SidePlan layout={layouts.data[side]} values={reach[side]} max={reach.max} label={`Reach per zone ${side} the change`} />
              )}
            </div>
          </section>
        ))}
      </div>
      <div className="card card-b legend-wrap" style={{ borderTop: 0 }}>
        <Legend max={reach.max} metric="conversion" title="Reach: share of the store's trips that reached the zone (one scale for both plans)" noData="not in the experiment" />
      </div>
      <section className="card">
        <div className="card-h">
          <h2>Verdict</h2>
          <span className="hint" data-testid="verdict-hint">{adjustmentHint(result)}</span>
        </div>
        <VerdictTable rows={rows} provisional={provisionalOf(result)} />
        {verdictGuide(rows).length > 0 && (
          <ul className="card-b muted small verdict-guide" data-testid="verdict-guide">
            {verdictGuide(rows).map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function periodText(p: Period, tz: string): string {
  return `${formatDateTimeZ(p.from, tz)} – ${formatDateTimeZ(p.to, tz)}`;
}

function SidePlan({ layout, values, max, label }: { layout: Layout; values: ReadonlyMap<string, number | null>; max: number; label: string }) {
  const zones = useMemo(() => reachZones(layout, values, max), [layout, values, max]);
  return (
    <PlanStage floor={layout.floor} label={label} interactive={false} padding={16}>
      {(v) => <HeatZones zones={zones} viewport={v} hovered={null} compare={false} onHover={() => {}} />}
    </PlanStage>
  );
}

function VerdictTable({ rows, provisional }: { rows: VerdictRow[]; provisional: Provisional | null }) {
  const did = hasControls(rows);
  if (rows.length === 0) return <div className="card-b muted">No zones in this experiment.</div>;
  return (
    <div style={{ overflowX: "auto" }}>
      <table className={`table verdict-table${did ? " did" : ""}`} data-testid="verdict-table">
        <thead>
          <tr>
            <th>Zone</th>
            <th>Metric</th>
            <th className="num">Before</th>
            <th className="num">After</th>
            <th className="num" title="After minus before, relative to before, with its 95 % interval (where before is 0: in percentage points, seconds or visits per trip)">Change [95 % interval]</th>
            {did && <th className="num">vs control (DiD)</th>}
            <th>Verdict</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={`${r.zone}:${r.metric}`} data-testid={`verdict-${r.zone}-${r.metric}`} className={i > 0 && rows[i - 1]!.zone !== r.zone ? "zone-start" : undefined}>
              <td>{i === 0 || rows[i - 1]!.zone !== r.zone ? <b>{r.zoneName}</b> : null}</td>
              <td>{r.metricLabel}</td>
              {(["before", "after"] as const).map((side) => (
                <td className="num nowrap" key={side}>
                  {r[side]}
                  {r.counted && r.counted[side] !== r[side] && (
                    <div className="small muted" title={countedHint(r.metric)} data-testid={`counted-${side}`}>
                      {r.counted[side]} as counted
                    </div>
                  )}
                </td>
              ))}
              <td className="num nowrap">
                {r.change}
                {r.net && !did && <div className="small muted" title="The verdict compares the change with the control stores' change over the same periods">verdict net of controls</div>}
              </td>
              {did && <td className="num nowrap">{r.did ?? "–"}</td>}
              <td>
                {((v) => (
                  <>
                    <span className={`verdict ${v.tone}`} data-verdict={r.verdict} data-provisional={provisional ? "true" : undefined}>{v.label}</span>
                    {v.note && <div className="small muted" data-testid="verdict-provisional">{v.note}</div>}
                  </>
                ))(verdictShown(r.verdict, provisional))}
                <div className="verdict-text">{r.text}</div>
                {r.warning && <div className="verdict-warning">⚠ {warningSentence(r.warning)}</div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
