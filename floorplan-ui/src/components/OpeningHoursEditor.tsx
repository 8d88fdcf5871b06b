/**
 * The store's opening hours editor, the one both Admin > Store settings and the Alerts view show:
 * the weekly schedule (each day open or closed, its intervals as time pickers) and the dated
 * exceptions (a row per date: closed or its own intervals, a note). Checked before saving
 * (model/hours-editor.ts, naming the day or the row); read-only (inputs disabled, no buttons) for
 * those who may not change it. "Applies: from now / from a date" saves the hours now or schedules
 * them from a local date (the store's zone; PUT .../hours validFrom), saying what happens until
 * then; the versions scheduled ahead are listed under the form, each with Cancel (asks first), and
 * the versions in force before in a compact history. Edit… on a scheduled version opens it in the
 * form (its hours, its date) and the save replaces it in one step (PUT .../hours?replaces=, the server
 * refusing one in force meanwhile in words); moved to "from now", its hours apply at once instead.
 * `api.saveHours` sends the hours (null: none,
 * the store counts as always open); `onSaved` lets the page fetch them again, and the form then
 * shows what the server holds.
 */
import { useState } from "react";
import { errorMessage, localDate, WEEKDAYS, type HoursVersion, type OpeningHours, type Weekday } from "@footfall/core";
import type { AlertsApi } from "../api/alerts.js";
import { ApiError } from "../api/client.js";
import { useQ } from "../hooks/useQ.js";
import { formatLocalDate } from "../model/format.js";
import { DAY_NAMES, draftOf, exceptionName, hoursOfDraft, MAX_EXCEPTIONS, MAX_INTERVALS, MAX_NOTE, newException, nextInterval, type DayInterval, type ExceptionRow, type HoursDraft } from "../model/hours-editor.js";
import { firstScheduleDate, historyLines, hoursSummary, scheduledText, versionStart } from "../model/hours-schedule.js";
import { InlineConfirm } from "./InlineConfirm.js";
import { serverNow } from "../model/server-clock.js";
import "../styles/hours.css";

interface Props {
  store: string;
  hours: OpeningHours | null;
  /** The versions scheduled ahead (GET .../hours `scheduled`), oldest first. */
  scheduled?: readonly HoursVersion[];
  /** Shows the hours with every input disabled and no button. */
  readOnly?: boolean;
  /** The store's time zone: exceptions before its today are shown muted; a date picked to schedule from is its. */
  timeZone?: string;
  /** The hours wrappers (api/alerts.ts, the only ones). */
  api: Pick<AlertsApi, "saveHours" | "editScheduledHours" | "cancelScheduledHours" | "hoursHistory">;
  onSaved: () => void;
}

export function OpeningHoursEditor({ store, hours, scheduled = [], readOnly = false, timeZone, api, onSaved }: Props) {
  // The form follows the server's hours when they change (after a save, here or on the other page),
  // not when the same hours are fetched again (the Alerts page refetches after a rule is saved).
  const shown = JSON.stringify(hours);
  const [base, setBase] = useState(shown);
  const [draft, setDraft] = useState<HoursDraft>(() => draftOf(hours));
  // The scheduled version the form edits (Edit…), null: the form is the hours in force.
  const [editing, setEditing] = useState<HoursVersion | null>(null);
  if (base !== shown) {
    setBase(shown);
    // While it edits a scheduled change, the form holds that change's hours: the hours in force put in it would be
    // saved over the change ("Stop editing" shows the hours in force, as fetched now).
    if (!editing) setDraft(draftOf(hours));
  }
  const [problems, setProblems] = useState<string[]>([]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  // "from now" (""), or the local date (YYYY-MM-DD, the store's zone) the hours are scheduled from.
  const [applies, setApplies] = useState<"now" | "date">("now");
  const [fromDate, setFromDate] = useState("");
  const zone = timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  // The server's time: "today" and what is past are the server's, whatever the tablet's clock says.
  const now = serverNow();
  const today = localDate(now, zone);
  // The first date a schedule may start on: tomorrow, or the day after in the day's last 5 minutes (the server's margin).
  const firstDate = firstScheduleDate(now, zone);
  const ahead = applies === "date";
  // The versions in force before, read again whenever the hours or the scheduled ones change (a save, a cancel).
  const scheduledKey = scheduled.map((v) => v.from).join(",");
  const history = useQ(["hours-history", store, shown, scheduledKey], () => api.hoursHistory(store).catch(() => null));
  const past = history.data ? historyLines(history.data.versions, now, zone) : [];

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
    if (ahead && fromDate === "") return setProblems([`Pick the date the hours apply from (the first you can pick is ${formatLocalDate(firstDate)}), or choose "from now".`]);
    setProblems([]);
    setBusy(true);
    try {
      if (editing) {
        const was = versionStart(editing.from, zone);
        // Its date unchanged: its own instant (one scheduled by the API at another time than midnight stays there).
        const validFrom = !ahead ? undefined : fromDate === localDate(editing.from, zone) ? editing.from : fromDate;
        const r = await api.editScheduledHours(store, editing.from, body, validFrom);
        const to = r.validFrom === undefined ? null : versionStart(r.validFrom, zone);
        setMessage({
          ok: true,
          text:
            to === null
              ? `Saved: ${body === null ? "the store has no opening hours (always open)" : "these hours apply"} now, instead of from ${was}.`
              : to === was
                ? `Saved: the hours scheduled from ${was} are changed${body === null ? " (no opening hours, always open, from then)" : ""}. The form shows the hours in force now again.`
                : `Saved: the hours scheduled from ${was} apply from ${to} instead${body === null ? " (no opening hours, always open)" : ""}. The form shows the hours in force now again.`,
        });
        stopEditing();
      } else if (ahead) {
        const r = await api.saveHours(store, body, fromDate);
        // Until then: the hours scheduled before it, if any, else the current ones.
        const before = scheduled.filter((v) => r.validFrom === undefined || v.from < r.validFrom).at(-1);
        setMessage({ ok: true, text: scheduledText(fromDate, body === null, before ? versionStart(before.from, zone) : null) });
        // The form shows the hours in force again: a save from now next must not carry the scheduled ones.
        setDraft(draftOf(hours));
        setApplies("now");
        setFromDate("");
      } else {
        await api.saveHours(store, body);
        const next = scheduled[0];
        const then = next ? ` From ${versionStart(next.from, zone)} the hours scheduled then apply (listed below).` : "";
        setMessage({ ok: true, text: (clear ? "Opening hours removed: the store counts as always open." : "Opening hours saved.") + then });
      }
      onSaved();
    } catch (err) {
      const why = errorMessage(err);
      // The server's 400 (not more than 5 minutes ahead), with the date to pick instead.
      const tooSoon = ahead && err instanceof ApiError && err.status === 400 && why.includes("not ahead of now");
      setMessage({
        ok: false,
        text: tooSoon
          ? `Not scheduled: ${formatLocalDate(fromDate)} has begun (or begins within 5 minutes) in the store's time zone (${zone}). Pick ${formatLocalDate(firstDate)} or later, or choose "from now" to change the hours today. (${why})`
          : why,
      });
    } finally {
      setBusy(false);
    }
  };

  /** Back to the hours in force, from now. */
  const stopEditing = () => {
    setEditing(null);
    setDraft(draftOf(hours));
    setApplies("now");
    setFromDate("");
  };
  const startEditing = (v: HoursVersion) => {
    setEditing(v);
    setDraft(draftOf(v.hours));
    setApplies("date");
    setFromDate(localDate(v.from, zone));
    setProblems([]);
    setMessage(null);
  };

  const cancel = async (v: HoursVersion) => {
    setMessage(null);
    if (editing?.from === v.from) stopEditing();
    await api.cancelScheduledHours(store, v.from);
    setMessage({ ok: true, text: `Cancelled: the hours scheduled from ${versionStart(v.from, zone)} will not apply.` });
    onSaved();
  };
  const later = (
    <>
      <h3 className="hours-h3">Scheduled changes</h3>
      {scheduled.length === 0 ? (
        <p className="muted small" data-testid="hours-scheduled-none">
          None scheduled{readOnly ? "." : ': to change the hours from a later date (e.g. Christmas hours from 20 Dec), edit them above, choose "from a date" and save.'}
        </p>
      ) : (
        <ul className="hours-list" data-testid="hours-scheduled">
          {scheduled.map((v) => {
            const when = versionStart(v.from, zone);
            return (
              <li key={v.from} className="row" data-testid="hours-scheduled-item" data-from={v.from}>
                <span>
                  <b>From {when}</b>: {hoursSummary(v.hours)}
                </span>
                {!readOnly && (
                  <button
                    type="button"
                    className="btn sm"
                    data-testid="hours-edit"
                    aria-label={`Edit the hours scheduled from ${when}…`}
                    disabled={busy || editing?.from === v.from}
                    onClick={() => startEditing(v)}
                  >
                    {editing?.from === v.from ? "Editing above" : "Edit…"}
                  </button>
                )}
                {!readOnly && (
                  <InlineConfirm
                    name="hours-cancel"
                    ask={{ text: "Cancel…", label: `Cancel the hours scheduled from ${when}…`, className: "btn sm danger" }}
                    groupLabel={`Confirm cancelling the hours scheduled from ${when}`}
                    question={<>Cancel the hours due from {when}? They will not apply: the hours in force before them stay.</>}
                    yes={{ text: "Cancel them", busy: "Cancelling…", className: "btn sm danger" }}
                    no={{ text: "Keep them", className: "btn sm ghost" }}
                    action={() => cancel(v)}
                  />
                )}
              </li>
            );
          })}
        </ul>
      )}
      {past.length > 0 && (
        <details className="hours-history" data-testid="hours-history">
          {/* The list starts with the hours in force now: "before" alone read as if they were not. */}
          <summary>{past.length > 1 ? "History: the hours in force now and before" : "History: the hours in force (none before)"}</summary>
          <ul className="hours-list small">
            {past.map((l) => (
              <li key={l.from} className={l.current ? undefined : "muted"} data-current={l.current || undefined}>
                {l.when}: {l.summary}
              </li>
            ))}
          </ul>
        </details>
      )}
    </>
  );

  // Nothing to read but that: a week of unticked "closed" days under "always open" would say the opposite.
  if (!hours && readOnly) {
    return (
      <div className="hours-editor" data-testid="hours-editor">
        <p className="muted" data-testid="hours-none">
          No opening hours set: the store counts as always open (the door count resets at local midnight).
        </p>
        {later}
      </div>
    );
  }
  return (
    <div className="hours-editor" data-testid="hours-editor">
      {editing && (
        <p className="row hours-editing" role="status" data-testid="hours-editing">
          <span>
            Editing the hours scheduled from <b>{versionStart(editing.from, zone)}</b>: change them or their date, then save (they are replaced in one step; "from now" applies them at once instead).
          </span>
          <button type="button" className="btn sm ghost" data-testid="hours-edit-stop" disabled={busy} onClick={() => (stopEditing(), setMessage(null), setProblems([]))}>
            Stop editing
          </button>
        </p>
      )}
      {!hours && !editing && (
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
        <fieldset className="row hours-applies" data-testid="hours-applies">
          <legend>Applies</legend>
          <label className="row toggle">
            <input type="radio" name={`hours-applies-${store}`} checked={!ahead} onChange={() => (setApplies("now"), setMessage(null))} data-testid="hours-applies-now" />
            <span>from now</span>
          </label>
          <label className="row toggle">
            <input type="radio" name={`hours-applies-${store}`} checked={ahead} onChange={() => (setApplies("date"), setMessage(null))} data-testid="hours-applies-date" />
            <span>from a date</span>
          </label>
          <input
            className="field"
            type="date"
            aria-label={`Date the hours apply from (in the store's time zone, ${zone})`}
            data-testid="hours-from"
            min={firstDate}
            value={fromDate}
            onChange={(e) => (setFromDate(e.target.value), setApplies("date"), setMessage(null))}
          />
          {ahead && <span className="muted small">its start in {zone}; until then the hours in force stay</span>}
        </fieldset>
      )}
      {!readOnly && (
        <div className="row hours-actions">
          <button type="button" className="btn primary" data-testid="hours-save" disabled={busy} onClick={() => void submit(false)}>
            {editing
              ? ahead && fromDate
                ? `Save changes, from ${formatLocalDate(fromDate)}`
                : "Save changes, in force now"
              : ahead && fromDate
                ? `Save opening hours from ${formatLocalDate(fromDate)}`
                : "Save opening hours"}
          </button>
          {(hours || editing) && (
            <button type="button" className="btn" data-testid="hours-remove" disabled={busy} onClick={() => void submit(true)}>
              {ahead && fromDate ? `Remove from ${formatLocalDate(fromDate)} (always open)` : "Remove (always open)"}
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
      {later}
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
