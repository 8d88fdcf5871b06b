import { FLAG_COLOUR, legendGradient, legendTicks, NO_DATA_FILL, type Metric } from "../model/heatmap.js";

/** The heatmap's scale: viridis from 0 to the largest value shown, and the no-data swatch. */
export function Legend({ max, metric, title, flagged, noData = "no data", currency }: { max: number; metric: Metric; title: string; flagged?: number | undefined; noData?: string; currency?: string | undefined }) {
  const gradient = `linear-gradient(90deg, ${legendGradient().map((s) => `${s.colour} ${s.offset * 100}%`).join(", ")})`;
  const ticks = legendTicks(max, metric, 4, currency);
  return (
    <div className="legend" data-testid="legend" data-max={max}>
      <div className="row" style={{ justifyContent: "space-between" }}>
        <h3>{title}</h3>
      </div>
      <div className="legend-bar" style={{ background: max > 0 ? gradient : "#eef1f6" }} />
      <div className="legend-ticks">
        {ticks.map((t) => (
          <span key={t.value}>{t.label}</span>
        ))}
      </div>
      <div className="legend-foot">
        <span><span className="swatch" style={{ background: NO_DATA_FILL }} /> {noData}</span>
        {flagged !== undefined && (
          <span data-testid="legend-flag" title="Zones where shoppers stay long but few of them buy (from the sales imported)">
            <span className="swatch flag-swatch" style={{ borderColor: FLAG_COLOUR }} /> long dwell, low conversion ({flagged === 0 ? "none" : `${flagged} zone${flagged > 1 ? "s" : ""}`})
          </span>
        )}
        <span>{max > 0 ? "Scale: viridis, 0 to the largest zone" : "Nothing above zero in this range"}</span>
      </div>
    </div>
  );
}
