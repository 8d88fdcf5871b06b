/**
 * Alerts (staff read, admins edit): the store's alert rules with an editor, its opening hours
 * (weekly schedule and exceptions), the alert history, and the drift the closing reset of the door
 * count corrected per day. Times are the store's, labelled with its zone.
 */
import { useCallback, useEffect, useMemo, useState } from "react";
import { ALERT_KINDS, WEEKDAYS, type AlertKind, type OpeningHours } from "@footfall/core";
import type { ViewProps } from "../App.js";
import { alertsApi, type Alert, type AlertRule, type AlertRuleInput, type DriftDay } from "../api/alerts.js";
import { dayIntervalProblems } from "../model/hours-editor.js";
import { formatDateTime, formatTime } from "../model/format.js";
import { useSession } from "../session.js";
import { useQ } from "../hooks/useQ.js";
import { ErrorState, Loading } from "../components/States.js";

const KIND_LABEL: Record<AlertKind, string> = {
  occupancy: "Occupancy above a share of capacity",
  "queue-length": "Queue length above",
  "queue-wait": "Queue wait above (minutes)",
  "agent-offline": "Agent offline for (minutes)",
  "counter-silent": "No counts while open for (minutes)",
  "forecast-arrivals": "Forecast arrivals next hour above",
  "forecast-occupancy": "Forecast occupancy (next 3 hours) above a share of capacity",
};
/** The form shows thresholds in the unit people think in: % for occupancy, minutes for times. */
const countKind = (kind: AlertKind) => kind === "queue-length" || kind === "forecast-arrivals";
const shareKind = (kind: AlertKind) => kind === "occupancy" || kind === "forecast-occupancy";
const toForm = (kind: AlertKind, threshold: number) => (shareKind(kind) ? threshold * 100 : countKind(kind) ? threshold : threshold / 60);
const fromForm = (kind: AlertKind, value: number) => (shareKind(kind) ? value / 100 : countKind(kind) ? value : value * 60);
const unit = (kind: AlertKind) => (shareKind(kind) ? "%" : countKind(kind) ? "people" : "min");

interface RuleForm {
  id: string | null;
  name: string;
  kind: AlertKind;
  zone: string;
  threshold: string;
  forSeconds: string;
  cooldownSeconds: string;
  enabled: boolean;
}
const EMPTY_FORM: RuleForm = { id: null, name: "", kind: "occupancy", zone: "", threshold: "80", forSeconds: "60", cooldownSeconds: "300", enabled: true };

export default function AlertsView({ store }: ViewProps) {
  const { api, me } = useSession();
  const client = useMemo(() => alertsApi(api.token), [api.token]);
  const admin = me.role === "admin";
  const layout = useQ(["layout", store], (signal) => api.layout(store, undefined, signal));
  const [version, setVersion] = useState(0);
  const refresh = useCallback(() => setVersion((v) => v + 1), []);
  const rules = useQ(["alert-rules", store, version], () => client.rules(store));
  const history = useQ(["alert-history", store, version], () => client.history(store, Date.now() - 30 * 86_400_000));
  const hours = useQ(["hours", store, version], () => client.hours(store));
  const drift = useQ(["drift", store, version], () => client.drift(store));
  const timeZone = layout.data?.timezone ?? "UTC";
  const zones = layout.data?.zones ?? [];

  return (
    <div className="page alerts-view" data-testid="alerts-view">
      <h1>Alerts · {layout.data?.name ?? store}</h1>
      <p className="muted small">Times in the store's time zone ({timeZone}). {admin ? "" : "Only admins change rules and hours."}</p>
      <section className="card card-b" aria-label="Alert rules">
        <h2>Rules</h2>
        {rules.status === "error" ? <ErrorState error={rules.error!} onRetry={rules.reload} /> : !rules.data ? <Loading /> : <RuleList rules={rules.data} admin={admin} store={store} client={client} zones={zones} onChanged={refresh} />}
      </section>
      <section className="card card-b" aria-label="Opening hours">
        <h2>Opening hours</h2>
        {hours.status === "error" ? <ErrorState error={hours.error!} onRetry={hours.reload} /> : !hours.data ? <Loading /> : <HoursEditor hours={hours.data.hours} admin={admin} store={store} client={client} onSaved={refresh} />}
      </section>
      <section className="card card-b" aria-label="Alert history">
        <h2>History (30 days)</h2>
        {history.data ? <History alerts={history.data.alerts} timeZone={timeZone} /> : <Loading />}
      </section>
      <section className="card card-b" aria-label="Door count drift">
        <h2>Door count drift at closing</h2>
        <p className="muted small">A door counter misses some people; what is left of in minus out at closing is set back to zero and shown here per day.</p>
        {drift.data ? <DriftTable days={drift.data} /> : <Loading />}
      </section>
    </div>
  );
}

function RuleList({ rules, admin, store, client, zones, onChanged }: { rules: AlertRule[]; admin: boolean; store: string; client: ReturnType<typeof alertsApi>; zones: { id: string; name: string }[]; onChanged: () => void }) {
  const [form, setForm] = useState<RuleForm | null>(null);
  const [error, setError] = useState<string | null>(null);
  const edit = (r: AlertRule) =>
    setForm({ id: r.id, name: r.name ?? "", kind: r.kind, zone: r.zone ?? "", threshold: String(toForm(r.kind, r.threshold)), forSeconds: String(r.forSeconds), cooldownSeconds: String(r.cooldownSeconds), enabled: r.enabled });
  const save = async () => {
    if (!form) return;
    setError(null);
    const input: AlertRuleInput = {
      kind: form.kind,
      threshold: fromForm(form.kind, Number(form.threshold)),
      forSeconds: Math.round(Number(form.forSeconds)),
      cooldownSeconds: Math.round(Number(form.cooldownSeconds)),
      enabled: form.enabled,
      ...(form.name.trim() ? { name: form.name.trim() } : {}),
      ...(form.zone ? { zone: form.zone } : {}),
    };
    if (![input.threshold, input.forSeconds, input.cooldownSeconds].every(Number.isFinite)) return setError("Threshold, duration and cool-down must be numbers.");
    try {
      await client.saveRule(store, form.id, input);
      setForm(null);
      onChanged();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const remove = async (id: string) => {
    try {
      await client.deleteRule(store, id);
      onChanged();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <>
      {rules.length === 0 ? (
        <p className="muted">No rules yet.{admin ? " Add one: e.g. a zone above 80 % of its capacity for a minute." : ""}</p>
      ) : (
        <table className="table" data-testid="rule-list">
          <thead>
            <tr>
              <th>Rule</th>
              <th>Where</th>
              <th>Above</th>
              <th>For</th>
              <th>Cool-down</th>
              <th>On</th>
              {admin && <th />}
            </tr>
          </thead>
          <tbody>
            {rules.map((r) => (
              <tr key={r.id} data-testid={`rule-${r.id}`}>
                <td>{r.name || KIND_LABEL[r.kind]}</td>
                <td>{r.zone ?? r.agent ?? "whole store"}</td>
                <td>
                  {toForm(r.kind, r.threshold)} {unit(r.kind)}
                </td>
                <td>{r.forSeconds} s</td>
                <td>{r.cooldownSeconds} s</td>
                <td>{r.enabled ? "yes" : "no"}</td>
                {admin && (
                  <td>
                    <button type="button" className="btn sm" onClick={() => edit(r)}>
                      Edit
                    </button>{" "}
                    <button type="button" className="btn sm" data-testid={`rule-delete-${r.id}`} onClick={() => void remove(r.id)}>
                      Delete
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {admin && !form && (
        <button type="button" className="btn" data-testid="rule-add" onClick={() => setForm(EMPTY_FORM)}>
          Add a rule
        </button>
      )}
      {admin && form && (
        <form
          className="rule-form"
          data-testid="rule-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <label>
            Kind{" "}
            <select data-testid="rule-kind" value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as AlertKind, threshold: e.target.value === "occupancy" ? "80" : e.target.value === "forecast-occupancy" ? "100" : "10" })}>
              {ALERT_KINDS.map((k) => (
                <option key={k} value={k}>
                  {KIND_LABEL[k]}
                </option>
              ))}
            </select>
          </label>
          <label>
            Zone{" "}
            <select data-testid="rule-zone" value={form.zone} onChange={(e) => setForm({ ...form, zone: e.target.value })}>
              <option value="">whole store</option>
              {zones.map((z) => (
                <option key={z.id} value={z.id}>
                  {z.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Above ({unit(form.kind)}) <input data-testid="rule-threshold" inputMode="decimal" value={form.threshold} onChange={(e) => setForm({ ...form, threshold: e.target.value })} size={6} />
          </label>
          <label>
            For (s) <input data-testid="rule-for" inputMode="numeric" value={form.forSeconds} onChange={(e) => setForm({ ...form, forSeconds: e.target.value })} size={6} />
          </label>
          <label>
            Cool-down (s) <input data-testid="rule-cooldown" inputMode="numeric" value={form.cooldownSeconds} onChange={(e) => setForm({ ...form, cooldownSeconds: e.target.value })} size={6} />
          </label>
          <label>
            Name <input data-testid="rule-name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} placeholder="shown on the tablet" />
          </label>
          <label>
            <input type="checkbox" checked={form.enabled} onChange={(e) => setForm({ ...form, enabled: e.target.checked })} /> enabled
          </label>
          <button type="submit" className="btn primary" data-testid="rule-save">
            Save rule
          </button>{" "}
          <button type="button" className="btn" onClick={() => setForm(null)}>
            Cancel
          </button>
        </form>
      )}
      {error && (
        <p className="error" role="alert" data-testid="rule-error">
          {error}
        </p>
      )}
    </>
  );
}

/** "09:00-12:30, 14:00-19:00" <-> intervals (several a day, in time order, not overlapping); "" = closed. */
const formatDay = (ivs: readonly { open: string; close: string }[]) => ivs.map((i) => `${i.open}-${i.close}`).join(", ");
function parseDay(text: string): { open: string; close: string }[] | string {
  const t = text.trim();
  if (t === "" || /^closed$/i.test(t)) return [];
  const out = [];
  for (const part of t.split(",")) {
    const m = /^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/.exec(part);
    if (!m) return `"${part.trim()}" is not like 09:00-19:00`;
    out.push({ open: `${m[1]!.padStart(2, "0")}:${m[2]}`, close: `${m[3]!.padStart(2, "0")}:${m[4]}` });
  }
  return out;
}
const DAY_NAMES: Record<(typeof WEEKDAYS)[number], string> = { mon: "Monday", tue: "Tuesday", wed: "Wednesday", thu: "Thursday", fri: "Friday", sat: "Saturday", sun: "Sunday" };

function HoursEditor({ hours, admin, store, client, onSaved }: { hours: OpeningHours | null; admin: boolean; store: string; client: ReturnType<typeof alertsApi>; onSaved: () => void }) {
  const initial = useCallback(
    () => ({
      days: Object.fromEntries(WEEKDAYS.map((d) => [d, hours ? formatDay(hours.weekly[d]) : ""])) as Record<(typeof WEEKDAYS)[number], string>,
      exceptions: (hours?.exceptions ?? []).map((e) => `${e.date} ${e.intervals.length ? formatDay(e.intervals) : "closed"}${e.note ? ` # ${e.note}` : ""}`).join("\n"),
    }),
    [hours],
  );
  const [draft, setDraft] = useState(initial);
  useEffect(() => setDraft(initial()), [initial]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const save = async (clear = false) => {
    setMessage(null);
    let body: OpeningHours | null = null;
    if (!clear) {
      const weekly = {} as OpeningHours["weekly"];
      for (const d of WEEKDAYS) {
        const p = parseDay(draft.days[d]);
        if (typeof p === "string") return setMessage({ ok: false, text: `${DAY_NAMES[d]}: ${p}` });
        const bad = dayIntervalProblems(DAY_NAMES[d], p);
        if (bad.length) return setMessage({ ok: false, text: bad.join("; ") });
        weekly[d] = p;
      }
      const exceptions: OpeningHours["exceptions"] = [];
      for (const line of draft.exceptions.split("\n").map((l) => l.trim()).filter(Boolean)) {
        const [main = "", note] = line.split("#", 2).map((x) => x.trim());
        const m = /^(\d{4}-\d{2}-\d{2})\s*(.*)$/.exec(main);
        if (!m) return setMessage({ ok: false, text: `"${line}": write a date (YYYY-MM-DD) then "closed" or hours` });
        const p = parseDay(m[2]!);
        if (typeof p === "string") return setMessage({ ok: false, text: `${m[1]}: ${p}` });
        const bad = dayIntervalProblems(m[1]!, p);
        if (bad.length) return setMessage({ ok: false, text: bad.join("; ") });
        exceptions.push({ date: m[1]!, intervals: p, ...(note ? { note } : {}) });
      }
      body = { weekly, exceptions };
    }
    try {
      await client.saveHours(store, body);
      setMessage({ ok: true, text: clear ? "Opening hours removed: the store counts as always open." : "Opening hours saved." });
      onSaved();
    } catch (err) {
      setMessage({ ok: false, text: (err as Error).message });
    }
  };
  return (
    <div className="hours-editor" data-testid="hours-editor">
      {!hours && <p className="muted">No opening hours set: the store counts as always open (the door count resets at local midnight).</p>}
      <p className="muted small">Each day as 09:00-20:00, or several intervals: 09:00-12:30, 14:00-19:00. Once hours are saved, a day left empty is closed.</p>
      <table className="table">
        <tbody>
          {WEEKDAYS.map((d) => (
            <tr key={d}>
              <th scope="row">{DAY_NAMES[d]}</th>
              <td>
                <input
                  data-testid={`hours-${d}`}
                  aria-label={`${DAY_NAMES[d]} hours`}
                  value={draft.days[d]}
                  disabled={!admin}
                  placeholder={hours ? "closed" : "e.g. 09:00-20:00"}
                  onChange={(e) => setDraft({ ...draft, days: { ...draft.days, [d]: e.target.value } })}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <label className="block">
        Exceptions, one a line: <code>2026-12-25 closed</code> or <code>2026-12-24 09:00-14:00 # note</code>
        <textarea
          data-testid="hours-exceptions"
          rows={3}
          style={{ display: "block", width: "min(100%, 480px)", marginTop: 6 }}
          value={draft.exceptions}
          disabled={!admin}
          onChange={(e) => setDraft({ ...draft, exceptions: e.target.value })}
        />
      </label>
      {admin && (
        <p>
          <button type="button" className="btn primary" data-testid="hours-save" onClick={() => void save()}>
            Save opening hours
          </button>{" "}
          {hours && (
            <button type="button" className="btn" onClick={() => void save(true)}>
              Remove
            </button>
          )}
        </p>
      )}
      {message && (
        <p className={message.ok ? "ok" : "error"} role="status" data-testid="hours-message">
          {message.text}
        </p>
      )}
    </div>
  );
}

function History({ alerts, timeZone }: { alerts: Alert[]; timeZone: string }) {
  if (alerts.length === 0) return <p className="muted">No alert in the last 30 days.</p>;
  return (
    <table className="table" data-testid="alert-history">
      <thead>
        <tr>
          <th>Fired</th>
          <th>Alert</th>
          <th>Condition since</th>
          <th>Acknowledged</th>
          <th>Resolved</th>
        </tr>
      </thead>
      <tbody>
        {alerts.map((a) => (
          <tr key={a.id} data-state={a.state}>
            <td>{formatDateTime(a.firedAt, timeZone)}</td>
            <td>{a.message}</td>
            <td>{formatTime(a.since, timeZone)}</td>
            <td>{a.acknowledgedBy ? `${a.acknowledgedBy} at ${formatTime(a.acknowledgedAt ?? a.firedAt, timeZone)}` : "–"}</td>
            <td>{a.resolvedAt ? formatTime(a.resolvedAt, timeZone) : a.state === "resolved" ? "yes" : "still on"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function DriftTable({ days }: { days: DriftDay[] }) {
  if (days.length === 0) return <p className="muted">No closing reset recorded yet (it needs opening hours and a door counter).</p>;
  return (
    <table className="table" data-testid="drift-table">
      <thead>
        <tr>
          <th>Day</th>
          <th>Left at closing</th>
        </tr>
      </thead>
      <tbody>
        {days.map((d) => (
          <tr key={d.date}>
            <td>{d.date}</td>
            <td>{d.drift > 0 ? `+${d.drift}` : d.drift}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
