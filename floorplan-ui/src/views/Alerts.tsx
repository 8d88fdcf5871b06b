/**
 * Alerts (staff read, admins edit): the store's alert rules with an editor, its opening hours
 * (weekly schedule and exceptions), the alert history, and the drift the closing reset of the door
 * count corrected per day. Times are the store's, labelled with its zone. The store's active alerts
 * come over the live channel, as on the tablet: an alert that fires while this page is open shows in
 * the same banner on top (Acknowledge, the sound), and the history is read again when one fires,
 * is acknowledged or resolves.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ALERT_KINDS, type AlertKind } from "@footfall/core";
import type { ViewProps } from "../App.js";
import { alertsApi, type AlertRule, type AlertRuleInput, type DriftDay, type ShownAlert } from "../api/alerts.js";
import { formatDateTime, formatLocalDate } from "../model/format.js";
import { nameProblem, nameShown } from "../model/names.js";
import { useSession } from "../session.js";
import { useQ } from "../hooks/useQ.js";
import { ErrorState, Loading } from "../components/States.js";
import { OpeningHoursEditor } from "../components/OpeningHoursEditor.js";
import { AlertBanner } from "../components/AlertBanner.js";
import { useLive } from "../live/useLive.js";
import { useServerNow } from "../hooks/useServerNow.js";
import { sinceWords } from "../model/not-counted.js";
import { fromForm, thresholdText, toForm, unit } from "../model/alert-rules.js";
import { acknowledgedText, resolvedText } from "../model/alert-history.js";
import "../styles/live.css";

const KIND_LABEL: Record<AlertKind, string> = {
  occupancy: "Occupancy above a share of capacity",
  "queue-length": "Queue length above",
  "queue-wait": "Queue wait above (minutes)",
  "agent-offline": "Agent offline for (minutes)",
  "counter-silent": "No counts while open for (minutes)",
  "forecast-arrivals": "Forecast arrivals next hour above",
  "forecast-occupancy": "Forecast occupancy (next 3 hours) above a share of capacity",
};

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
  // The active alerts, pushed as to the tablet: floor staff reading the rules or the history still see (and hear) one that fires.
  const live = useLive(store);
  const liveAlerts = live.alerts ? live.alerts.alerts.map((a) => `${a.id}:${a.state}`).sort().join(" ") : null;
  const seenAlerts = useRef("");
  const { reload: reloadHistory } = history;
  useEffect(() => {
    // Read again when an alert fires, is acknowledged or resolves (not for a first push of none).
    if (liveAlerts === null || liveAlerts === seenAlerts.current) return;
    seenAlerts.current = liveAlerts;
    reloadHistory();
  }, [liveAlerts, reloadHistory]);

  return (
    <div className="page alerts-view" data-testid="alerts-view">
      <h1>Alerts · {nameShown(layout.data?.name) ?? store}</h1>
      <AlertBanner store={store} alerts={live.alerts} timeZone={timeZone} />
      <p className="muted small">Times in the store's time zone ({timeZone}). {admin ? "" : "Only admins change rules and hours."}</p>
      <section className="card card-b" aria-label="Alert rules">
        <h2>Rules</h2>
        {rules.status === "error" ? <ErrorState error={rules.error!} onRetry={rules.reload} /> : !rules.data ? <Loading /> : <RuleList rules={rules.data} admin={admin} store={store} client={client} zones={zones} onChanged={refresh} />}
      </section>
      <section className="card card-b" aria-label="Opening hours">
        <h2>Opening hours</h2>
        {hours.status === "error" ? <ErrorState error={hours.error!} onRetry={hours.reload} /> : !hours.data ? <Loading /> : (
          <OpeningHoursEditor key={store} store={store} hours={hours.data.hours} scheduled={hours.data.scheduled} readOnly={!admin} timeZone={hours.data.timezone} api={client} onSaved={refresh} />
        )}
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
  // The name as it is sent (trimmed), checked with the server's rule before Save.
  const nameIssue = form ? nameProblem("Name", form.name.trim()) : null;
  const save = async () => {
    if (!form || nameIssue) return;
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
                <td>{nameShown(r.name) || KIND_LABEL[r.kind]}</td>
                <td>{r.zone ? (nameShown(zones.find((z) => z.id === r.zone)?.name) ?? r.zone) : (r.agent ?? "whole store")}</td>
                <td>{thresholdText(r.kind, r.threshold)}</td>
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
                  {nameShown(z.name)}
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
          {nameIssue && (
            <p className="error" role="alert" data-testid="rule-name-problem">
              {nameIssue}
            </p>
          )}
          <button type="submit" className="btn primary" data-testid="rule-save" disabled={nameIssue !== null}>
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

function History({ alerts, timeZone }: { alerts: ShownAlert[]; timeZone: string }) {
  // An outage's start, an acknowledgement and a resolution against the server's day, as the other screens word it: "Fri 16:52 CET".
  const now = useServerNow(60_000);
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
            <td>{sinceWords(a.since, now, timeZone)}</td>
            <td>{acknowledgedText(a, now, timeZone)}</td>
            <td>
              {resolvedText(a, now, timeZone)}
              {a.notCountedSince !== undefined && a.state !== "resolved" && (
                <span className="muted small" data-testid={`alert-not-counted-${a.ruleId}`}>
                  {" "}
                  · not counted now since {sinceWords(a.notCountedSince, now, timeZone)}: figures frozen
                </span>
              )}
            </td>
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
            <td>{formatLocalDate(d.date)}</td>
            <td>{d.drift > 0 ? `+${d.drift}` : d.drift}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
