/** Flows: transitions as arrows on the plan, the top paths, and a Sankey of the first steps after the entrance. */
import { useCallback, useMemo, useState } from "react";
import type { ViewProps } from "../App.js";
import { isNotFound } from "../api/client.js";
import { useQ } from "../hooks/useQ.js";
import { useAnalyticsRange } from "../hooks/useAnalyticsRange.js";
import { useNothingCounted } from "../hooks/useNothingCounted.js";
import { firstStepRows, firstSteps, flowArrows, namedPaths, stepText } from "../model/flows.js";
import { pathsCsv, transitionsCsv } from "../model/exports.js";
import { downloadCsv } from "../components/download.js";
import { formatCount, formatRate } from "../model/format.js";
import { rangeHasData } from "../model/coverage.js";
import { zonesOutageNote } from "../model/traffic.js";
import { useCoverage } from "../hooks/useCoverage.js";
import { useRemovedZones } from "../hooks/useRemovedZones.js";
import { useSession } from "../session.js";
import { PlanStage } from "../components/PlanStage.js";
import { FlowArrows } from "../components/FlowArrows.js";
import { RangeHeading } from "../components/RangeBar.js";
import { NotOpenYetNote, useNotOpenYet } from "../components/NotOpenYet.js";
import { RetentionNote } from "../components/RetentionNote.js";
import { HistoryNote } from "../components/HistoryNote.js";
import { Chart } from "../components/Chart.js";
import { Empty, ErrorState, Loading, Segmented } from "../components/States.js";
import "../styles/analytics.css";
import { nameShown } from "../model/names.js";

/** Paths fetched for the list and the Sankey (the API sorts them by count; 1000 is its most). */
const PATH_LIMIT = 1000;
/** How many moves the plan draws, the busiest first. Named "arrows": it does not change the top paths' list beside it. */
const ARROW_CHOICES = [
  { id: "10", label: "10 arrows" },
  { id: "25", label: "25 arrows" },
  { id: "60", label: "60 arrows" },
] as const;

export default function FlowsView(props: ViewProps) {
  const { store, route } = props;
  const { api } = useSession();
  const r = useAnalyticsRange(props);
  // Ten arrows by default: more pile onto the busiest zones and hide the labels.
  const top = (ARROW_CHOICES.find((c) => c.id === route.params.top) ?? ARROW_CHOICES[0]).id;
  const report = useQ(["paths", store, r.range.from, r.range.to, r.now, PATH_LIMIT], (signal) => api.paths(store, r.range, PATH_LIMIT, signal), { enabled: r.ready });
  // The store's enters (door counter and tracked entrance), to say how they differ from trips.
  const enters = useQ(["store-enters", store, r.range.from, r.range.to, r.now], (signal) => api.traffic(store, r.range, "day", signal).then((b) => b.reduce((s, x) => s + x.enters, 0)), { enabled: r.ready });
  const coverage = useCoverage(store, r.now);
  const noData = coverage ? !rangeHasData(r.range, coverage) : false;
  const arrows = useMemo(() => (r.layout && report.data ? flowArrows(r.layout, report.data.transitions, { maxArrows: Number(top) }) : []), [r.layout, report.data, top]);
  // Zones a later version removed (in the range's paths, not on the layout shown) are named as they were named then.
  const removed = useRemovedZones(store, r.range, r.layout, report.data ? [...report.data.paths.flatMap((p) => p.zones as readonly string[]), ...report.data.transitions.flatMap((t) => [t.from as string, t.to as string])] : []);
  const named = useMemo(() => (r.layout ? { zones: [...r.layout.zones, ...removed] } : undefined), [r.layout, removed]);
  const steps = useMemo(() => (named && report.data ? firstSteps(named, report.data.paths, 3, 6, report.data.trips) : null), [named, report.data]);
  const paths = useMemo(() => (named && report.data ? namedPaths(named, report.data.paths, 12, report.data.trips) : []), [named, report.data]);
  const [hover, setHover] = useState<{ i: number; x: number; y: number } | null>(null);
  const onHover = useCallback((i: number | null, at: { x: number; y: number } | null) => setHover(i !== null && at ? { i, ...at } : null), []);
  const names = useMemo(() => new Map(named?.zones.map((z) => [z.id as string, z.name]) ?? []), [named]);

  const trips = report.data?.trips ?? 0;
  // The open hours a zone was counted by no agent: its trips in them are not known, not none.
  const outage = report.data?.outages ?? null;
  const outageNote = zonesOutageNote(outage, r.timeZone, (z) => nameShown(names.get(z)) ?? z);
  // "Today" before the store opens: says so and when, instead of an empty page that says nothing of why.
  const closed = useNotOpenYet(store, r.range, r.now, r.timeZone, r.ready && report.data !== undefined && trips === 0);
  // Nothing counted now (every zone's agents offline): the heading says so next to "Updated", as the heatmap's does.
  const nothingNow = useNothingCounted(store, r.ready && r.updatedAt != null, r.updatedAt);

  if (!r.ready && r.layoutStatus === "error") {
    return <div className="page">{isNotFound(r.layoutError) ? <Empty icon="plan" title="No layout for this store yet">An admin draws the zones in Layout first.</Empty> : <ErrorState error={r.layoutError!} onRetry={r.reloadLayout} />}</div>;
  }
  const hovered = hover ? arrows[hover.i] : undefined;
  return (
    <div className="page" data-testid="flows" data-from={r.ready ? r.range.from : undefined} data-to={r.ready ? r.range.to : undefined}>
      <RangeHeading title="Flows" preset={r.preset} range={r.range} timeZone={r.timeZone} ready={r.ready} onPreset={r.setPreset} onDays={r.setDays} updatedAt={r.updatedAt} notCounted={nothingNow}>
        <Segmented label="Arrows drawn on the plan" value={top} options={ARROW_CHOICES} onChange={(t) => r.set({ top: t })} />
        <button className="btn" onClick={r.refresh}>Refresh</button>
        <button className="btn" disabled={!report.data} data-testid="export-paths" title="Every path of the range (up to 1,000), busiest first, with its share of all trips" onClick={() => report.data && downloadCsv(store, r.range, r.timeZone, "paths", pathsCsv(report.data.paths, trips, names, { ...r.range, timeZone: r.timeZone }, outage?.hours))}>
          Export paths CSV
        </button>
        <button className="btn" disabled={!report.data} data-testid="export-moves" title="Every move between two zones in the range, busiest first" onClick={() => report.data && downloadCsv(store, r.range, r.timeZone, "moves", transitionsCsv(report.data.transitions, names, { ...r.range, timeZone: r.timeZone }, outage?.hours))}>
          Export moves CSV
        </button>
      </RangeHeading>
      {r.ready && <HistoryNote timeZone={r.timeZone} range={r.range} />}
      {r.ready && <RetentionNote need="aggregates" what="" timeZone={r.timeZone} range={r.range} />}
      <NotOpenYetNote closed={closed} onYesterday={() => r.setPreset("yesterday")} />
      {outageNote && (
        <div className="alert warn" data-testid="zones-outage" data-hours={outage!.hours} data-zones={outage!.zones.join(",")}>
          {outageNote}.
        </div>
      )}
      {report.status === "error" ? (
        <div className="card"><ErrorState error={report.error} onRetry={report.reload} /></div>
      ) : (
        <>
          <div className="flows-grid">
            <section className="card heat-plan-card">
              <div className="card-h">
                <h2>Transitions between zones</h2>
                <span className="hint">Arrow width follows the number of moves</span>
              </div>
              <div className="heat-plan">
                {!r.layout || !report.data ? (
                  <Loading label="Loading paths…" />
                ) : (
                  <>
                    <PlanStage
                      floor={r.layout.floor}
                      label="Transitions between zones"
                      overlay={
                        hovered && hover ? (
                          <div className="tooltip" style={{ left: hover.x + 14, top: hover.y + 14 }}>
                            <h4>{nameShown(names.get(hovered.from)) ?? hovered.from} → {nameShown(names.get(hovered.to)) ?? hovered.to}</h4>
                            <b>{formatCount(hovered.count)}</b> moves
                          </div>
                        ) : null
                      }
                    >
                      {(v) => <FlowArrows layout={r.layout!} arrows={arrows} viewport={v} hovered={hover?.i ?? null} onHover={onHover} />}
                    </PlanStage>
                    {arrows.length === 0 && <div className="plan-empty" data-testid="flows-empty">{noData ? "No data for this range: the store's figures begin later." : "No moves between zones in this range."}</div>}
                    <TransitionsTable arrows={arrows} names={names} />
                  </>
                )}
              </div>
            </section>
            <section className="card heat-side">
              <div className="card-h">
                <h2>Top paths</h2>
                <span className="hint" data-testid="paths-trips" data-trips={report.data ? trips : ""}>{report.data ? (noData ? "no data" : `${formatCount(trips)} trips${paths.length ? ` · the ${paths.length} most common` : ""}`) : ""}</span>
              </div>
              {!report.data ? (
                <Loading />
              ) : paths.length === 0 ? (
                noData ? <Empty title="No data for this range" icon="path">The store's figures begin later.</Empty> : <Empty title="No trips in this range" icon="path" />
              ) : (
                <ol className="paths" data-testid="top-paths" tabIndex={0} aria-label={`The ${paths.length} most common paths`}>
                  {paths.map((p, i) => (
                    <li key={i}>
                      <div className="row" style={{ justifyContent: "space-between", flexWrap: "nowrap", alignItems: "flex-start" }}>
                        <div className="path">
                          {p.names.map((n, j) => (
                            <span key={j} className="row" style={{ gap: 4 }}>
                              {j > 0 && <span className="arrow">▶</span>}
                              <span className="step">{n}</span>
                            </span>
                          ))}
                        </div>
                        <div style={{ textAlign: "right", whiteSpace: "nowrap" }}>
                          <b>{formatCount(p.count)}</b> <span className="muted small" data-testid="path-share">{formatRate(p.share)}</span>
                        </div>
                      </div>
                      <div className="sharebar"><span style={{ width: `${p.share * 100}%` }} /></div>
                    </li>
                  ))}
                </ol>
              )}
            </section>
          </div>
          <section className="card">
            <div className="card-h">
              <h2>First steps after the entrance</h2>
              <span className="hint">Where trips went next, and how many went no further</span>
            </div>
            <div className="card-b">{!steps ? <Loading /> : <StepsSankey steps={steps} enters={enters.data} noData={noData} />}</div>
          </section>
        </>
      )}
    </div>
  );
}

/** The arrows on the plan as a table, for screen readers and keyboard users. */
function TransitionsTable({ arrows, names }: { arrows: readonly { from: string; to: string; count: number }[]; names: ReadonlyMap<string, string> }) {
  return (
    <div className="sr-only">
      <table data-testid="transitions-table">
        <caption>Moves between zones, most first</caption>
        <thead>
          <tr><th scope="col">From</th><th scope="col">To</th><th scope="col">Moves</th></tr>
        </thead>
        <tbody>
          {arrows.map((a) => (
            <tr key={`${a.from}>${a.to}`}><td>{nameShown(names.get(a.from)) ?? a.from}</td><td>{nameShown(names.get(a.to)) ?? a.to}</td><td>{formatCount(a.count)}</td></tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function StepsSankey({ steps, enters, noData }: { steps: NonNullable<ReturnType<typeof firstSteps>>; enters: number | undefined; noData: boolean }) {
  const option = useMemo(() => {
    const colour = (kind: string) => (kind === "left" ? "#cbd5e1" : kind === "entrance" ? "#3b528b" : kind === "other" ? "#94a3b8" : "#21918c");
    return {
      tooltip: { trigger: "item", triggerOn: "mousemove" },
      series: [
        {
          type: "sankey",
          left: 8,
          right: 120,
          top: 8,
          bottom: 8,
          nodeGap: 10,
          nodeWidth: 14,
          nodeAlign: "left",
          draggable: false,
          emphasis: { focus: "adjacency" },
          data: steps.nodes.map((n) => ({ name: n.id, depth: n.level, itemStyle: { color: colour(n.kind), borderWidth: 0 } })),
          links: steps.links,
          label: { formatter: (p: { name: string }) => steps.nodes.find((n) => n.id === p.name)?.label ?? p.name, fontSize: 12, color: "#334155" },
          lineStyle: { color: "gradient", opacity: 0.35, curveness: 0.5 },
          tooltip: {
            formatter: (p: { dataType: string; name: string; value: number; data: { source?: string; target?: string } }) => {
              const label = (id?: string) => steps.nodes.find((n) => n.id === id)?.label ?? id;
              return p.dataType === "edge" ? `${label(p.data.source)} → ${label(p.data.target)}<br/><b>${formatCount(p.value)}</b> trips` : `${label(p.name)}: <b>${formatCount(p.value)}</b> trips`;
            },
          },
        },
      ],
    };
  }, [steps]);
  if (noData) return <Empty title="No data for this range" icon="path">The store's figures begin later.</Empty>;
  if (steps.trips === 0) return <Empty title="No trips in this range" icon="path">Trips appear once agents report visits.</Empty>;
  return (
    <>
      <div className="stats" style={{ marginBottom: 12 }} data-testid="dropoff">
        <div className="stat" data-testid="trips" data-value={steps.trips}><div className="v">{formatCount(steps.trips)}</div><div className="k">trips (people followed from zone to zone)</div></div>
        {enters !== undefined && (
          <div className="stat" data-testid="store-enters" data-value={enters} title="People in through the entrance: counted by the door counter, or followed in the entrance zone. Some are never followed further (lost by the tracking, or not tracked at all), so trips can be fewer.">
            <div className="v">{formatCount(enters)}</div>
            <div className="k">store enters (at the door)</div>
          </div>
        )}
        {steps.dropOff.map((d) => (
          <div className="stat" key={d.step}>
            <div className="v">{formatRate(d.share)}</div>
            <div className="k">{d.step === 1 ? "left right after the entrance" : `left after ${d.step - 1} zone${d.step > 2 ? "s" : ""}`} ({formatCount(d.left)})</div>
          </div>
        ))}
        {steps.entranceTracked && steps.elsewhere > 0 && (
          <div className="stat" title="Their first zone was not an entrance zone: they start from “Entered the store”.">
            <div className="v muted">{formatCount(steps.elsewhere)}</div>
            <div className="k">began past the entrance zone</div>
          </div>
        )}
      </div>
      {!steps.entranceTracked && (
        <p className="muted small" data-testid="door-note">
          The entrance is counted by a door counter, which does not follow people: trips begin at the first zone a shopper was followed in, so nobody is seen leaving right after the entrance.
        </p>
      )}
      {steps.listed < steps.trips && (
        <p className="muted small" data-testid="listed-note">
          Drawn from the most common paths: {formatCount(steps.listed)} of the {formatCount(steps.trips)} trips ({formatRate(steps.listed / steps.trips)}); shares of those leaving are of these trips.
        </p>
      )}
      <Chart option={option} height={Math.max(260, Math.min(520, steps.nodes.length * 26))} label="Sankey of the first steps after the entrance" testId="sankey" />
      <div className="sr-only">
        <table>
          <caption>First steps: trips from each step to the next</caption>
          <thead>
            <tr><th scope="col">Step</th><th scope="col">From</th><th scope="col">To</th><th scope="col">Trips</th></tr>
          </thead>
          <tbody data-testid="first-steps-table">
            {/* The step of each move, so a pair met at two steps (Fruit → Entrance → Fruit) is not read out as the same row twice. */}
            {firstStepRows(steps).map((r, i) => (
              <tr key={`${r.step}|${i}`}>
                <th scope="row">{stepText(r.step)}</th>
                <td>{r.from}</td>
                <td>{r.to}</td>
                <td>{formatCount(r.trips)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
