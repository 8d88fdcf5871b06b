/**
 * The store's opening hours editor, the one both Admin > Store settings and the Alerts view show:
 * the weekly schedule (each day open or closed, its intervals as time pickers) and the dated
 * exceptions (a row per date: closed or its own intervals, a note). Checked before saving
 * (model/hours-editor.ts, naming the day or the row); read-only (inputs disabled, no buttons) for
 * those who may not change it. `save` sends the hours (null: none, the store counts as always
 * open); `onSaved` lets the page fetch them again, and the form then shows what the server holds.
 */
import { useState } from "react";
import { errorMessage, localDate, WEEKDAYS, type OpeningHours, type Weekday } from "@footfall/core";
import { DAY_NAMES, draftOf, exceptionName, hoursOfDraft, MAX_EXCEPTIONS, MAX_INTERVALS, MAX_NOTE, newException, nextInterval, type DayInterval, type ExceptionRow, type HoursDraft } from "../model/hours-editor.js";
import "../styles/hours.css";

interface Props {
  hours: OpeningHours | null;
  /** Shows the hours with every input disabled and no button. */
  readOnly?: boolean;
  /** The store's time zone: exceptions before its today are shown muted. */
  timeZone?: string;
  save: (hours: OpeningHours | null) => Promise<unknown>;
  onSaved: () => void;
}

export function OpeningHoursEditor({ hours, readOnly = false, timeZone, save, onSaved }: Props) {
  // The form follows the server's hours when they change (after a save, here or on the other page),
  // not when the same hours are fetched again (the Alerts page refetches after a rule is saved).
  const shown = JSON.stringify(hours);
  const [base, setBase] = useState(shown);
  const [draft, setDraft] = useState<HoursDraft>(() => draftOf(hours));
  if (base !== shown) {
    setBase(shown);
    setDraft(draftOf(hours));
  }
  const [problems, setProblems] = useState<string[]>([]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const today = localDate(Date.now(), timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone);

  const edit = (next: HoursDraft) => (setDraft(next), setMessage(null));
  const setDay = (d: Weekday, ivs: DayInterval[]) => edit({ ...draft, weekly: { ...draft.weekly, [d]: ivs } });
  const setRow = (i: number, row: ExceptionRow) => edit({ ...draft, exceptions: draft.exceptions.map((r, n) => (n === i ? row : r)) });

  const submit = async (clear: boolean) => {
    setMessage(null);
    let body: OpeningHours | null = null;
    if (!clear) {
      const checked = hoursOfDraft(draft);
      if (checked.problems) return setProblems(checked.problems);
      body = checked.hours;
    }
    setProblems([]);
    setBusy(true);
    try {
      await save(body);
      setMessage({ ok: true, text: clear ? "Opening hours removed: the store counts as always open." : "Opening hours saved." });
      onSaved();
    } catch (err) {
      setMessage({ ok: false, text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };

  // Nothing to read but that: a week of unticked "closed" days under "always open" would say the opposite.
  if (!hours && readOnly) {
    return (
      <div className="hours-editor" data-testid="hours-editor">
        <p className="muted" data-testid="hours-none">
          No opening hours set: the store counts as always open (the door count resets at local midnight).
        </p>
      </div>
    );
  }
  return (
    <div className="hours-editor" data-testid="hours-editor">
      {!hours && (
        <p className="muted" data-testid="hours-none">
          No opening hours set: the store counts as always open (the door count resets at local midnight).
          {readOnly ? "" : " Tick the days it opens; once saved, the others are closed."}
        </p>
      )}
      <table className="table hours-table" data-testid="hours-weekly">
        <tbody>
          {WEEKDAYS.map((d) => (
            <tr key={d} data-testid={`hours-row-${d}`}>
              <th scope="row">{DAY_NAMES[d]}</th>
              <td>
                <OpenToggle label={DAY_NAMES[d]} intervals={draft.weekly[d]} readOnly={readOnly} onChange={(ivs) => setDay(d, ivs)} />
              </td>
              <td>
                <Intervals label={DAY_NAMES[d]} intervals={draft.weekly[d]} readOnly={readOnly} onChange={(ivs) => setDay(d, ivs)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h3 className="hours-h3">Dated exceptions</h3>
      {draft.exceptions.length === 0 ? (
        <p className="muted small" data-testid="hours-exceptions-none">
          No dated exception{readOnly ? "." : ": add a date the store is closed (e.g. 25 Dec) or opens on other hours (e.g. a short Christmas Eve)."}
        </p>
      ) : (
        <table className="table hours-table" data-testid="hours-exceptions">
          <thead>
            <tr>
              <th>Date</th>
              <th>Open</th>
              <th>Hours</th>
              <th>Note</th>
              {!readOnly && <th />}
            </tr>
          </thead>
          <tbody>
            {draft.exceptions.map((row, i) => {
              const label = `Exception ${i + 1}`;
              const past = row.date !== "" && row.date < today;
              return (
                <tr key={row.key} className={past ? "muted hours-past" : undefined} data-testid={`hours-exception-${i + 1}`} data-past={past || undefined}>
                  <td>
                    <span className="row">
                      <input className="field" type="date" aria-label={`${label} date`} value={row.date} disabled={readOnly} onChange={(e) => setRow(i, { ...row, date: e.target.value })} />
                      {past && <span className="small">past</span>}
                    </span>
                  </td>
                  <td>
                    <OpenToggle label={label} intervals={row.intervals} readOnly={readOnly} onChange={(ivs) => setRow(i, { ...row, intervals: ivs })} />
                  </td>
                  <td>
                    <Intervals label={label} intervals={row.intervals} readOnly={readOnly} onChange={(ivs) => setRow(i, { ...row, intervals: ivs })} />
                  </td>
                  <td>
                    <input className="field" aria-label={`${label} note`} placeholder={readOnly ? "" : "e.g. Christmas"} maxLength={MAX_NOTE} value={row.note} disabled={readOnly} onChange={(e) => setRow(i, { ...row, note: e.target.value })} />
                  </td>
                  {!readOnly && (
                    <td>
                      <button type="button" className="btn sm" aria-label={`Remove exception ${i + 1} (${exceptionName(row, i)})`} onClick={() => edit({ ...draft, exceptions: draft.exceptions.filter((_, n) => n !== i) })}>
                        Remove
                      </button>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {!readOnly && draft.exceptions.length < MAX_EXCEPTIONS && (
        <p>
          <button type="button" className="btn sm" data-testid="hours-add-exception" onClick={() => edit({ ...draft, exceptions: [...draft.exceptions, newException()] })}>
            + Add a dated exception
          </button>
        </p>
      )}

      {!readOnly && (
        <div className="row hours-actions">
          <button type="button" className="btn primary" data-testid="hours-save" disabled={busy} onClick={() => void submit(false)}>
            Save opening hours
          </button>
          {hours && (
            <button type="button" className="btn" data-testid="hours-remove" disabled={busy} onClick={() => void submit(true)}>
              Remove (always open)
            </button>
          )}
          {message?.ok && (
            <span className="muted" role="status" data-testid="hours-message">
              {message.text}
            </span>
          )}
        </div>
      )}
      {problems.length > 0 && (
        <ul className="error" role="alert" data-testid="hours-problems">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      {message && !message.ok && (
        <p className="error" role="alert" data-testid="hours-error">
          {message.text}
        </p>
      )}
    </div>
  );
}

/** A day's (or an exception's) open/closed checkbox: ticking it opens 09:00-19:00, unticking closes the day. */
function OpenToggle({ label, intervals, readOnly, onChange }: { label: string; intervals: DayInterval[]; readOnly: boolean; onChange: (ivs: DayInterval[]) => void }) {
  return (
    <label className="row toggle">
      <input type="checkbox" aria-label={`${label} open`} checked={intervals.length > 0} disabled={readOnly} onChange={(e) => onChange(e.target.checked ? [{ open: "09:00", close: "19:00" }] : [])} />
      <span>{intervals.length ? "open" : "closed"}</span>
    </label>
  );
}

/** A day's intervals as time pickers, with + interval and Remove (several a day, e.g. 09:00-12:30 and 14:00-19:00). */
function Intervals({ label, intervals, readOnly, onChange }: { label: string; intervals: DayInterval[]; readOnly: boolean; onChange: (ivs: DayInterval[]) => void }) {
  const next = nextInterval(intervals);
  return (
    <>
      {intervals.map((v, k) => {
        const set = (x: DayInterval) => onChange(intervals.map((y, n) => (n === k ? x : y)));
        const n = intervals.length > 1 ? ` (interval ${k + 1})` : "";
        return (
          <span className="row" key={k}>
            <input className="field" type="time" aria-label={`${label} opens${n}`} value={v.open} disabled={readOnly} onChange={(e) => set({ ...v, open: e.target.value })} />
            <span>to</span>
            {/* A time picker cannot show 24:00 (the end of the day): it shows 23:59, and the value stays 24:00 until changed. */}
            <input className="field" type="time" aria-label={`${label} closes${n}`} value={v.close === "24:00" ? "23:59" : v.close} disabled={readOnly} onChange={(e) => set({ ...v, close: e.target.value })} />
            {!readOnly && intervals.length > 1 && (
              <button type="button" className="btn sm" aria-label={`Remove ${label} ${v.open}-${v.close}`} onClick={() => onChange(intervals.filter((_, m) => m !== k))}>
                Remove
              </button>
            )}
          </span>
        );
      })}
      {!readOnly && intervals.length > 0 && intervals.length < MAX_INTERVALS && next && (
        <button type="button" className="btn sm" aria-label={`Add an interval on ${label}`} onClick={() => onChange([...intervals, next])}>
          + interval
        </button>
      )}
    </>
  );
}
