import type { ReactNode } from "react";
import { PRESETS, dayOf, editDays, type DateRange, type Preset } from "../model/range.js";
import { formatRange, formatTime } from "../model/format.js";
import { Segmented } from "./States.js";
import { notCountedSinceText, type NotCountedSpan } from "../model/not-counted.js";
import { useServerNow } from "../hooks/useServerNow.js";

export interface RangeBarProps {
  preset: Preset;
  range: DateRange;
  timeZone: string;
  onPreset: (p: Preset) => void;
  onDays: (first: string, last: string) => void;
  compare?: boolean;
  onCompare?: (on: boolean) => void;
}

/** Range presets, custom days (in the store's time zone) and the compare toggle. */
export function RangeBar({ preset, range, timeZone, onPreset, onDays, compare, onCompare }: RangeBarProps) {
  const first = dayOf(range.from, timeZone);
  const last = dayOf(Math.max(range.from, range.to - 1), timeZone);
  return (
    <div className="row">
      <Segmented label="Date range" value={preset} options={PRESETS} onChange={onPreset} />
      {preset === "custom" && (
        <div className="row range-days">
          <input className="field" type="date" aria-label="First day" value={first} max={last} onChange={(e) => e.target.value && onDays(...editDays(first, last, "first", e.target.value))} />
          <span className="muted">to</span>
          <input className="field" type="date" aria-label="Last day" value={last} min={first} onChange={(e) => e.target.value && onDays(...editDays(first, last, "last", e.target.value))} />
        </div>
      )}
      {onCompare && (
        <label className="row toggle">
          <input type="checkbox" checked={!!compare} onChange={(e) => onCompare(e.target.checked)} />
          <span>Compare with the previous period</span>
        </label>
      )}
    </div>
  );
}

/**
 * An analytics view's heading: its title over the range and time zone (and `note`, e.g. the
 * compared period), then a toolbar with the range bar and, right-aligned, `children`. While nothing is counted
 * (`notCounted`, useNothingCounted) a range reaching the present says so next to "Updated": "Not counted since 17:34 CET (cam-1 offline)".
 */
export function RangeHeading({ title, note, children, updatedAt, notCounted = null, ready = true, ...bar }: RangeBarProps & { title: string; note?: ReactNode; children?: ReactNode; updatedAt?: number | null; notCounted?: NotCountedSpan | null; ready?: boolean }) {
  // The outage's start is worded against the server's day ("since Fri 17:34 CET" seen on Monday).
  const now = useServerNow(60_000);
  return (
    <>
      <div className="page-h">
        <h1>{title}</h1>
        {/* Until the store's time zone is known the range would read in UTC: nothing rather than a wrong day. */}
        <span className={ready ? "sub" : "sub pending"} data-testid="range-label">
          {formatRange(bar.range, bar.timeZone, { open: updatedAt != null })}
          {updatedAt != null ? ` so far` : ""} · times in {bar.timeZone}
          {note}
        </span>
        {updatedAt != null && (
          <span className="chip" data-testid="updated-at" title="Figures of a range that reaches the present are fetched again every minute">
            Updated {formatTime(updatedAt, bar.timeZone)}
          </span>
        )}
        {updatedAt != null && notCounted && (
          <span className="chip not-counted-chip" data-testid="not-counted-now" title="Every zone's agents are offline: the figures stop there, the last hour is short by what nobody counted">
            {notCountedSinceText(notCounted, bar.timeZone, now)}
          </span>
        )}
      </div>
      <div className="toolbar">
        <RangeBar {...bar} />
        {children && (
          <>
            <div className="spacer" />
            {children}
          </>
        )}
      </div>
    </>
  );
}
