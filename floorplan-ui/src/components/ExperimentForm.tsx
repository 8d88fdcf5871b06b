/**
 * Creating an experiment (admin): the store, the layout version that made the change, before and
 * after periods (equal windows around it by default), the zones of interest (those the change
 * touched, by default) and optional control stores. State and rules live in model/experiment.ts.
 */
import { useEffect, useReducer, useState } from "react";
import { ApiError, isNotFound } from "../api/client.js";
import type { Experiment, Period } from "../api/types.js";
import { alertsApi } from "../api/alerts.js";
import { useQ } from "../hooks/useQ.js";
import { dataStart } from "../hooks/useCoverage.js";
import { checkExperiment, controlUnavailable, experimentReducer, initialExperiment, storeHistoryStart, toExperimentInput, versionContext, type CheckContext } from "../model/experiment.js";
import { formatDateTimeZ } from "../model/format.js";
import { fromLocalInput, toLocalInput } from "../model/range.js";
import { useSession } from "../session.js";
import { Loading } from "./States.js";
import { serverNow } from "../model/server-clock.js";
import { nameShown } from "../model/names.js";

const HOUR = 3_600_000;

/** `3 days`, `5 h`, `2 weeks`. */
function formatLength(ms: number): string {
  if (ms <= 0) return "empty";
  if (ms % (7 * 24 * HOUR) === 0) return `${ms / (7 * 24 * HOUR)} week${ms === 7 * 24 * HOUR ? "" : "s"}`;
  if (ms >= 48 * HOUR) return `${Math.round((ms / (24 * HOUR)) * 10) / 10} days`;
  return `${Math.round((ms / HOUR) * 10) / 10} h`;
}

export function ExperimentForm({ store, onCreated, onCancel }: { store: string; onCreated: (e: Experiment) => void; onCancel: () => void }) {
  const { api, stores } = useSession();
  const nameOf = (id: string) => stores.find((s) => s.id === id)?.name ?? id;
  const [form, dispatch] = useReducer(experimentReducer, undefined, () => initialExperiment(store, serverNow(), nameOf(store)));
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const current = useQ(["layout", form.store], (signal) => api.layout(form.store, undefined, signal));
  const versions = useQ(["layout-versions", form.store], (signal) => api.layouts(form.store, signal));
  useEffect(() => {
    if (versions.data) dispatch({ type: "versionsLoaded", versions: versions.data });
  }, [versions.data]);
  // Where the store's history begins (its first data, less the closed hours just before): the proposed before period starts there or later.
  useEffect(() => {
    let live = true;
    const store = form.store;
    const found = (historyFrom: number | null, firstData: number | null = null) => live && dispatch({ type: "historyLoaded", store, historyFrom, firstData });
    dataStart(api, store, form.now)
      .then(async (first) => {
        if (first === null || !Number.isFinite(first)) return found(null);
        const open = await alertsApi(api.token).openIntervals(store, first - 8 * 24 * HOUR, first + HOUR).catch(() => null);
        return found(storeHistoryStart(first, open), first);
      })
      .catch(() => found(null));
    return () => {
      live = false;
    };
  }, [api, form.store, form.now]);
  const ctx = versionContext(form.versions ?? [], form.version);
  const changeAt = ctx.change?.validFrom ?? null;
  const layouts = useQ(
    ["change-layouts", form.store, changeAt, !!ctx.previous],
    async (signal) => {
      const [before, after] = await Promise.all([ctx.previous ? api.layout(form.store, changeAt! - 1, signal) : Promise.resolve(null), api.layout(form.store, changeAt!, signal)]);
      return { before, after };
    },
    { enabled: changeAt !== null },
  );
  useEffect(() => {
    if (layouts.data) dispatch({ type: "layoutsLoaded", before: layouts.data.before, after: layouts.data.after });
  }, [layouts.data]);

  // Every other store's zones at the start of each period: one without a zone of interest cannot be its control, and the
  // picker says so before it is picked.
  const periodStarts = form.before && form.after ? ([form.before.from, form.after.from] as const) : null;
  const candidates = stores.filter((s) => s.id !== form.store).map((s) => s.id);
  const controlZones = useQ(
    ["control-zones", candidates.join(","), periodStarts?.[0] ?? null, periodStarts?.[1] ?? null],
    async (signal) => {
      const zonesAt = (s: string, at: number) =>
        api.layout(s, at, signal).then(
          (l) => new Set<string>(l.zones.map((z) => z.id)),
          (e: unknown) => (isNotFound(e) ? new Set<string>() : Promise.reject(e)),
        );
      const pairs = await Promise.all(candidates.map(async (s) => [s, { before: await zonesAt(s, periodStarts![0]), after: await zonesAt(s, periodStarts![1]) }] as const));
      return new Map(pairs);
    },
    { enabled: candidates.length > 0 && periodStarts !== null },
  );

  const tz = current.data?.timezone ?? "UTC";
  const zoneOptions = (() => {
    const seen = new Map<string, string>();
    for (const z of layouts.data?.after.zones ?? []) seen.set(z.id, nameShown(z.name));
    for (const z of layouts.data?.before?.zones ?? []) if (!seen.has(z.id)) seen.set(z.id, `${nameShown(z.name)} (removed)`);
    return [...seen];
  })();
  const context: CheckContext = {
    controlZones: controlZones.data ?? new Map(),
    timeZone: tz,
    zoneName: (z) => zoneOptions.find(([id]) => id === z)?.[1] ?? z,
    storeName: (id) => {
      const name = stores.find((s) => s.id === id)?.name;
      return name && name !== id ? `${nameShown(name)} (${id})` : id;
    },
  };
  const check = checkExperiment(form, context);
  const input = toExperimentInput(form, context);

  const create = async () => {
    if (!input) return;
    setSending(true);
    setError(null);
    try {
      onCreated(await api.createExperiment(input));
    } catch (err) {
      setError(err instanceof ApiError ? `${err.status ? `${err.status}: ` : ""}${err.message}` : (err as Error).message);
    } finally {
      setSending(false);
    }
  };

  const periodInputs = (which: "before" | "after", p: Period | null) => (
    <fieldset className="period" data-testid={`period-${which}`}>
      <legend>{which === "before" ? "Before the change" : "After the change"}{p ? <span className="muted"> · {formatLength(p.to - p.from)}</span> : null}</legend>
      {p ? (
        <div className="two">
          {(["from", "to"] as const).map((edge) => (
            <label className="lbl" key={edge}>
              {/* One grid row for the words, one for the field (a bare text node and the span would be two rows). */}
              <span>{edge === "from" ? "From" : "To (not included)"} <span className="muted">· {tz}</span></span>
              <input
                className="field"
                type="datetime-local"
                value={toLocalInput(p[edge], tz)}
                data-testid={`${which}-${edge}`}
                onChange={(e) => {
                  const ts = fromLocalInput(e.target.value, tz);
                  if (ts !== null) dispatch({ type: "setPeriod", which, edge, ts });
                }}
              />
            </label>
          ))}
        </div>
      ) : (
        <span className="muted">{changeAt === null ? "Pick the change first." : "No full day to compare yet: see below."}</span>
      )}
    </fieldset>
  );

  return (
    <section className="card" data-testid="experiment-form">
      <div className="card-h">
        <h2>New experiment</h2>
        <span className="hint" data-testid="exp-form-hint">Compare equal periods just before and after a layout change: whole weeks where the data allows, else whole days</span>
      </div>
      <div className="card-b form exp-form">
        <div className="two">
          <label className="lbl">
            Store (where the layout changed)
            <select className="field" value={form.store} onChange={(e) => dispatch({ type: "setStore", store: e.target.value, storeName: nameOf(e.target.value) })} data-testid="exp-store">
              {!stores.some((s) => s.id === form.store) && <option value={form.store}>{form.store}</option>}
              {stores.map((s) => <option key={s.id} value={s.id}>{nameShown(s.name) || s.id}</option>)}
            </select>
          </label>
          <label className="lbl">
            The change: a layout version and its start
            {versions.status === "loading" && !form.versions ? (
              <Loading label="Loading versions…" />
            ) : (
              <select className="field" value={form.version ?? ""} onChange={(e) => dispatch({ type: "pickVersion", version: Number(e.target.value) })} data-testid="exp-version">
                {form.version === null && <option value="">Choose a version…</option>}
                {[...(form.versions ?? [])].reverse().map((v, i, all) => (
                  <option key={v.version} value={v.version} disabled={i === all.length - 1}>
                    Version {v.version} · from {formatDateTimeZ(v.validFrom, tz)}{i === all.length - 1 ? " (first layout)" : ""}
                  </option>
                ))}
              </select>
            )}
          </label>
        </div>
        <label className="lbl">
          Name
          <input className="field" value={form.name} placeholder="e.g. Promo table by the entrance" onChange={(e) => dispatch({ type: "setName", name: e.target.value })} data-testid="exp-name" />
        </label>
        <div className="two">
          {periodInputs("before", form.before)}
          {periodInputs("after", form.after)}
        </div>
        <div className="lbl">
          <span>Zones of interest <span className="muted">(the change touched the ones picked at first)</span></span>
          <div className="zone-chips" role="group" aria-label="Zones of interest" data-testid="exp-zones">
            {zoneOptions.length === 0 && <span className="muted">{changeAt === null ? "Pick the change first." : "Loading the layouts…"}</span>}
            {zoneOptions.map(([id, name]) => (
              <button key={id} type="button" className="zchip" aria-pressed={form.zones.includes(id)} onClick={() => dispatch({ type: "toggleZone", zone: id })} data-zone={id}>{name}</button>
            ))}
          </div>
        </div>
        <div className="lbl">
          <span>Control stores <span className="muted">(optional: stores that did not change, for the difference in differences)</span></span>
          <div className="zone-chips" role="group" aria-label="Control stores" data-testid="exp-controls">
            {stores.filter((s) => s.id !== form.store).length === 0 && <span className="muted">No other store to compare with.</span>}
            {stores.filter((s) => s.id !== form.store).map((s) => {
              // A store lacking a zone of interest cannot be picked (one picked before stays, to be taken out; the problem says why).
              const why = controlUnavailable(s.id, form, context);
              const picked = form.controls.includes(s.id);
              return (
                <button
                  key={s.id}
                  type="button"
                  className="zchip"
                  aria-pressed={picked}
                  disabled={!!why && !picked}
                  title={why ? `Cannot be a control store: ${why}` : undefined}
                  onClick={() => dispatch({ type: "toggleControl", store: s.id })}
                  data-store={s.id}
                  data-unavailable={why ?? undefined}
                >
                  {s.name && s.name !== s.id ? `${nameShown(s.name)} · ${s.id}` : s.id}
                  {why && <span className="muted small"> · {why}</span>}
                </button>
              );
            })}
          </div>
        </div>
        {(check.problems.length > 0 || check.notes.length > 0) && (
          <ul className="checks" data-testid="exp-checks">
            {check.problems.map((p) => <li key={p} className="bad">{p}</li>)}
            {check.notes.map((p) => <li key={p}>{p}</li>)}
          </ul>
        )}
        {error && <div className="alert error" role="alert">{error}</div>}
        <div className="row">
          <button className="btn primary" disabled={!input || sending || form.historyFrom === undefined} onClick={create} data-testid="exp-create">{sending ? "Creating…" : "Create and compute"}</button>
          <button className="btn ghost" onClick={onCancel}>Cancel</button>
        </div>
      </div>
    </section>
  );
}
