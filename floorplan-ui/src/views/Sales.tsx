/**
 * Sales (merchandiser and admin): import a sales CSV (file picker or drag and drop) and see what was
 * kept, what was already there and which lines failed (admins only: a merchandiser is told that an
 * admin imports them); what is recorded, day by day (whether last night's import arrived, and which
 * days have none) beside the store's enters and conversion; and the departments editor
 * (department -> zones), the alias rules used by sales rows that name a department and by
 * department funnels and paths.
 */
import { useEffect, useReducer, useState, type DragEvent } from "react";
import { csvImportParts, type Layout } from "@footfall/core";
import type { ViewProps } from "../App.js";
import { ApiError, isNotFound } from "../api/client.js";
import type { SalesDays, SalesImportResult } from "../api/types.js";
import { useQ } from "../hooks/useQ.js";
import { addImportResult, departmentProblems, departmentsReducer, fromDepartments, importSummary, isDepartmentsDirty, previewCsv, SALES_HEADER, SALES_PART_BYTES, toDepartments } from "../model/departments.js";
import { formatAgo, formatCount, formatDate, formatDateTime, formatMoney, formatRate } from "../model/format.js";
import { conversionSince, salesDaysFigures } from "../model/sales.js";
import { notCountedHours, OUTAGE_MEANS, trafficOutageNote } from "../model/traffic.js";
import { useCoverage } from "../hooks/useCoverage.js";
import { useNow } from "../hooks/useNow.js";
import { useSession } from "../session.js";
import { mayImportSales } from "../model/auth.js";
import { Icon } from "../components/Icon.js";
import { downloadCsv } from "../components/download.js";
import { salesDaysCsv } from "../model/exports.js";
import { ErrorState, Loading } from "../components/States.js";
import "../styles/analytics.css";
import "../styles/sales.css";
import { nameShown } from "../model/names.js";

/** Files above this are refused before reading (a file is sent in parts of `SALES_PART_BYTES`; this bounds the page's memory). */
const MAX_FILE_BYTES = 32 * 1024 * 1024;
/** Days the "Recorded sales" card lists, today the last. */
const RECORDED_DAYS = 14;

export default function SalesView({ store }: ViewProps) {
  const { api, me } = useSession();
  const importer = mayImportSales(me.role);
  const layout = useQ<Layout | null>(["layout-or-none", store], (signal) => api.layout(store, undefined, signal).catch((e) => (isNotFound(e) ? null : Promise.reject(e))));
  // Read again after every import (the days shown meanwhile), and every minute (a till system may be sending).
  const recorded = useQ(["sales-days", store], (signal) => api.salesDays(store, RECORDED_DAYS, signal), { enabled: layout.data != null, refetchInterval: 60_000 });
  return (
    <div className="page" data-testid="sales">
      <div className="page-h">
        <h1>Sales</h1>
        <span className="sub">
          {importer
            ? "Transactions turn visits into conversion: import them, and tell which zones make up each department."
            : "Transactions turn visits into conversion: tell which zones make up each department, and see the sales an admin imported."}
        </span>
      </div>
      <div className="sales-grid">
        {importer ? <SalesImport store={store} onImported={recorded.reload} /> : <SalesImportByAdmin />}
        {layout.status === "error" && layout.data === undefined ? (
          <section className="card"><ErrorState error={layout.error} onRetry={layout.reload} /></section>
        ) : layout.data === undefined ? (
          <section className="card"><Loading /></section>
        ) : (
          <DepartmentsEditor store={store} layout={layout.data} />
        )}
        {layout.data && (recorded.data ? <RecordedSales store={store} days={recorded.data} currency={layout.data.currency} /> : recorded.status === "error" ? <section className="card"><ErrorState error={recorded.error} onRetry={recorded.reload} /></section> : null)}
      </div>
    </div>
  );
}

/**
 * What is recorded, per local day of the store: the store's enters, transactions, conversion and
 * their sum, a bar for the day's share of the busiest, and "none recorded" for a day without any
 * (its sales are not imported, or the store was closed), "no data" for one before the store's first
 * sale recorded (no till feed yet, not 0); a total row for the days listed; the
 * newest sale stored says whether the last import arrived. Enters and conversion are every
 * screen's (model/sales: the report's and `/conversion`'s for the same range): "no data" before the
 * store's first figures, "–" for a day with enters but no sale recorded.
 */
function RecordedSales({ store, days, currency }: { store: string; days: SalesDays; currency?: string | undefined }) {
  const { api } = useSession();
  const now = useNow(30_000);
  const tz = days.timezone;
  const busiest = Math.max(1, ...days.days.map((d) => d.transactions ?? 0));
  // The days with sales data (from the store's first sale recorded on); before it, no till feed yet: "no data", not 0.
  const fed = days.days.filter((d) => d.transactions !== null);
  const noSales = <span className="muted" title="No data: before the store's first sale recorded (no till feed yet)">no data</span>;
  const newest = days.newestSaleTs;
  // The days' range, today ending at the server's now: enters by day over exactly it, and when the store's figures begin.
  const from = days.days[0]?.from ?? 0;
  const to = days.days[days.days.length - 1]?.to ?? 0;
  const traffic = useQ(["sales-traffic", store, from, to], (signal) => api.trafficAnswer(store, { from, to }, "day", signal), { enabled: to > from });
  const coverage = useCoverage(store, to);
  const figures = traffic.data && coverage ? salesDaysFigures(days.days, traffic.data.buckets, tz, coverage) : null;
  // The open hours nobody counted the store's entrance (its agents offline): those days' enters and conversion are short by them.
  const outage = traffic.data?.outages ?? null;
  const daysNotCounted = notCountedHours(days.days.map((d) => ({ start: d.from, end: d.to })), outage);
  const entersFailed = traffic.status === "error" && !traffic.data;
  const pending = <span className="muted" aria-label={entersFailed ? "Enters could not be read" : "Loading"}>{entersFailed ? "–" : "…"}</span>;
  const noData = <span className="muted" title="No data: before the store's first figures">no data</span>;
  const enters = (v: number | null) => (v === null ? noData : formatCount(v));
  const rate = (f: { enters: number | null; conversion: number | null }) =>
    f.enters === null ? noData : f.conversion === null ? <span className="muted" title={f.enters === 0 ? "No enters" : "No transaction recorded: conversion is unknown, not 0 %"}>{formatRate(null)}</span> : formatRate(f.conversion);
  const total = figures?.total;
  // The total's conversion counts the sales of the days with figures only (as /conversion): said when that is not every day.
  const since = total && total.enters !== null ? conversionSince(total.since, { from }, tz) : null;
  return (
    <section className="card recorded-sales" data-testid="recorded-sales">
      <div className="card-h">
        <h2>Recorded sales</h2>
        <span className="hint" data-testid="newest-sale">
          {newest === null ? "No sale recorded yet" : `Newest sale ${formatDateTime(newest, tz)} (${formatAgo(newest, now)})`}
        </span>
        <button
          className="btn sm"
          disabled={!figures}
          data-testid="export-sales-days"
          title="The days listed, oldest first: enters, transactions, conversion and sales, then the total row"
          onClick={() => figures && downloadCsv(store, { from, to }, tz, "sales-days", salesDaysCsv(figures.days, { from, to, timeZone: tz }, currency, figures.total, outage))}
        >
          Export CSV
        </button>
      </div>
      {entersFailed && (
        <div className="alert error" role="alert" style={{ margin: "0 12px" }}>
          Enters could not be read ({traffic.error?.message}), so no conversion is shown. <button className="btn sm" onClick={traffic.reload}>Retry</button>
        </div>
      )}
      {outage && (
        <p className="alert warn" data-testid="sales-outage" data-hours={outage.hours} style={{ margin: "0 12px" }}>
          {trafficOutageNote(outage, tz)}: {OUTAGE_MEANS}, so their conversion is overstated.
        </p>
      )}
      <table className="table" data-testid="sales-days" data-from={from} data-to={to}>
        <thead>
          <tr>
            <th>Day ({tz})</th>
            <th className="num" title="People in: the entrance zones' visits and the door counters' count in">Enters</th>
            <th className="num">Transactions</th>
            <th className="num" title="Transactions / enters">Conversion</th>
            <th className="num">Sales</th>
            <th aria-label="Share of the busiest day" />
          </tr>
        </thead>
        <tbody>
          {[...days.days].reverse().map((d, i) => {
            const f = figures?.days.find((x) => x.from === d.from);
            const nc = daysNotCounted[days.days.length - 1 - i] ?? 0;
            return (
              <tr
                key={d.date}
                data-date={d.date}
                data-from={d.from}
                data-to={d.to}
                data-enters={f ? (f.enters ?? "") : undefined}
                data-conversion={f ? (f.conversion ?? "") : undefined}
                data-not-counted={nc || undefined}
                className={d.transactions === 0 ? "none" : d.transactions === null ? "no-data" : undefined}
              >
                <td>{i === 0 ? `Today, ${formatDate(d.from, tz).replace(/ \d{4}$/, "")} (so far)` : formatDate(d.from, tz)}</td>
                <td className="num">
                  {f ? enters(f.enters) : pending}
                  {!!nc && <span className="warn-text small" title={`${trafficOutageNote(outage, tz)}: ${OUTAGE_MEANS}`}> · not counted {nc} h</span>}
                </td>
                <td className="num">{d.transactions === null ? noSales : formatCount(d.transactions)}</td>
                <td className="num">{f ? rate(f) : pending}</td>
                <td className="num">{d.transactions === null ? noSales : d.transactions === 0 ? <span className="muted" title="No transaction recorded for this day: its sales are not imported, or the store was closed">none recorded</span> : formatMoney(d.sales, currency)}</td>
                <td className="bar-cell"><span className="bar" style={{ width: `${(100 * (d.transactions ?? 0)) / busiest}%` }} /></td>
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          <tr className="total" data-testid="sales-total" data-enters={total ? (total.enters ?? "") : undefined} data-conversion={total ? (total.conversion ?? "") : undefined}>
            <th scope="row">Total, {days.days.length} days</th>
            <td className="num">{total ? enters(total.enters) : pending}</td>
            <td className="num">{fed.length ? formatCount(fed.reduce((s, d) => s + (d.transactions ?? 0), 0)) : noSales}</td>
            <td className="num">
              <span data-testid="sales-total-conversion">{total ? rate(total) : pending}</span>
              {since && (
                <div className="small muted" data-testid="sales-total-since" title="The sales of the days before the store's first figures have no enters to be set against">
                  {since}
                </div>
              )}
            </td>
            <td className="num">{fed.length ? formatMoney(fed.reduce((s, d) => s + (d.sales ?? 0), 0), currency) : noSales}</td>
            <td />
          </tr>
        </tfoot>
      </table>
    </section>
  );
}

type Upload =
  | { status: "idle" }
  | { status: "sending"; file: string; rows: number; part: number; parts: number; lastLine: number }
  | { status: "done"; file: string; result: SalesImportResult }
  /** `result`: the parts imported before the one that failed. */
  | { status: "error"; file: string; message: string; result?: SalesImportResult };

function SalesImport({ store, onImported }: { store: string; onImported: () => void }) {
  const { api } = useSession();
  const [upload, setUpload] = useState<Upload>({ status: "idle" });
  const [over, setOver] = useState(false);

  const send = async (file: File) => {
    if (file.size > MAX_FILE_BYTES) return setUpload({ status: "error", file: file.name, message: `The file is ${formatCount(file.size / 1024 / 1024)} MB; split it into files under ${MAX_FILE_BYTES / 1024 / 1024} MB.` });
    const text = await file.text();
    // The server names what is wrong with a header (it also takes other column names and orders).
    const preview = previewCsv(text);
    // A file over the server's limit for one import goes in parts of whole records, each with the header; their answers read as one.
    const parts = csvImportParts(text, SALES_PART_BYTES);
    let result: SalesImportResult | null = null;
    for (const [i, part] of parts.entries()) {
      setUpload({ status: "sending", file: file.name, rows: preview.rows, part: i + 1, parts: parts.length, lastLine: part.lastLine });
      try {
        result = addImportResult(result, await api.uploadSalesCsv(store, part.text), part.lineOffset);
      } catch (err) {
        const message = err instanceof ApiError ? `${err.status ? `${err.status}: ` : ""}${err.message}` : (err as Error).message;
        if (!result) return setUpload({ status: "error", file: file.name, message });
        // The parts before are stored: said, with what to do (the import skips what it already holds).
        setUpload({
          status: "error",
          file: file.name,
          result,
          message: `${message}. Part ${i + 1} of ${parts.length} (from line ${formatCount(part.firstLine)}) and the rest were not imported; the lines before it were. Import the file again: the sales already imported are skipped.`,
        });
        return onImported();
      }
    }
    setUpload({ status: "done", file: file.name, result: result! });
    onImported();
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const file = e.dataTransfer.files[0];
    if (file) void send(file);
  };

  return (
    <section className="card">
      <div className="card-h">
        <h2>Import sales</h2>
        <span className="hint">CSV, one sale per line</span>
      </div>
      <div className="card-b form">
        <label
          className={`dropzone${over ? " over" : ""}`}
          data-testid="sales-drop"
          onDragOver={(e) => (e.preventDefault(), setOver(true))}
          onDragLeave={() => setOver(false)}
          onDrop={onDrop}
        >
          <span className="art" aria-hidden><Icon name="upload" /></span>
          <b>Drop a CSV file here</b>
          <span className="muted">or <u>choose a file</u></span>
          <input
            type="file"
            accept=".csv,text/csv"
            className="sr-only"
            data-testid="sales-file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void send(file);
              e.target.value = "";
            }}
          />
        </label>
        <div className="small muted">
          Header <code className="mono">{SALES_HEADER}</code>. Give a <b>zone</b> or a <b>department</b> (mapped to its zones on the right); the <b>transaction</b> id makes an import safe to repeat.
        </div>
        {upload.status === "sending" && (
          <div className="row muted" role="status" data-testid="sales-sending">
            <div className="spinner sm" /> Importing {formatCount(upload.rows)} lines of {upload.file}…
            {upload.parts > 1 && (
              <>
                {" "}part {upload.part} of {upload.parts} (up to line {formatCount(upload.lastLine)})
                <progress max={upload.parts} value={upload.part - 1} aria-label="Parts imported" />
              </>
            )}
          </div>
        )}
        {upload.status === "error" && <div className="alert error" role="alert" data-testid="sales-error"><b>{upload.file}:</b>&nbsp;{upload.message}</div>}
        {upload.status === "error" && upload.result && <ImportResult file={upload.file} result={upload.result} />}
        {upload.status === "done" && <ImportResult file={upload.file} result={upload.result} />}
      </div>
    </section>
  );
}

/** In place of the import for a role that may not import (a merchandiser): who does, and what the CSV needs, so departments can be named to match. */
function SalesImportByAdmin() {
  return (
    <section className="card" data-testid="sales-import-by-admin">
      <div className="card-h">
        <h2>Import sales</h2>
      </div>
      <div className="card-b form">
        <div className="alert info">An admin imports sales (a till CSV, on this page or from the till system). Your token maps departments to zones; it does not import.</div>
        <div className="small muted">
          A sales line gives a <b>zone</b> or a <b>department</b> (header <code className="mono">{SALES_HEADER}</code>): a department is counted in the zones you give it on the right, so name each one as the till does.
        </div>
      </div>
    </section>
  );
}

function ImportResult({ file, result }: { file: string; result: SalesImportResult }) {
  const summary = importSummary(result);
  return (
    <div className="form" data-testid="sales-result">
      <div className={`alert ${summary.tone === "ok" ? "info" : summary.tone}`}>
        <span><b>{file}</b>: {summary.headline}.</span>
      </div>
      <div className="stats">
        <div className="stat"><div className="v" data-testid="sales-accepted">{formatCount(result.accepted)}</div><div className="k">imported</div></div>
        <div className="stat"><div className="v" data-testid="sales-duplicates">{formatCount(result.duplicates)}</div><div className="k">already there (skipped)</div></div>
        <div className="stat"><div className="v" data-testid="sales-rejected-count" style={{ color: summary.rejectedCount ? "var(--full)" : undefined }}>{formatCount(summary.rejectedCount)}</div><div className="k">rejected</div></div>
      </div>
      {summary.rejected.length > 0 && (
        <div className="rejected-wrap">
          <table className="table" data-testid="sales-rejected">
            <thead>
              <tr><th className="num">Line</th><th>Why it was rejected</th></tr>
            </thead>
            <tbody>
              {summary.rejected.map((r) => (
                <tr key={`${r.line}:${r.error}`}>
                  <td className="num mono">{r.line}</td>
                  <td>{r.error}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {summary.rejectedCount > summary.rejected.length && (
            <div className="small muted" style={{ padding: "6px 12px" }}>The first {summary.rejected.length} of {formatCount(summary.rejectedCount)} rejected lines; fix these and import again to see the rest.</div>
          )}
        </div>
      )}
      {summary.warnings.length > 0 && (
        <div className="rejected-wrap">
          <table className="table" data-testid="sales-warnings">
            <thead>
              <tr><th className="num">Line</th><th>Imported, read as follows</th></tr>
            </thead>
            <tbody>
              {summary.warnings.map((w) => (
                <tr key={`${w.line}:${w.warning}`}>
                  <td className="num mono">{w.line}</td>
                  <td>{w.warning}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {summary.warningsCount > summary.warnings.length && (
            <div className="small muted" style={{ padding: "6px 12px" }}>The first {summary.warnings.length} of {formatCount(summary.warningsCount)} such lines.</div>
          )}
        </div>
      )}
    </div>
  );
}

function DepartmentsEditor({ store, layout }: { store: string; layout: Layout | null }) {
  const { api } = useSession();
  const loaded = useQ(["departments", store], (signal) => api.departments(store, signal).catch((e) => (isNotFound(e) ? {} : Promise.reject(e))));
  const [state, dispatch] = useReducer(departmentsReducer, {}, fromDepartments);
  const [name, setName] = useState("");
  const [message, setMessage] = useState<{ tone: "info" | "error"; text: string } | null>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    if (loaded.data) dispatch({ type: "load", departments: loaded.data });
  }, [loaded.data]);

  const zones = layout?.zones ?? [];
  const problems = departmentProblems(state, zones.map((z) => z.id));
  const dirty = isDepartmentsDirty(state);
  const owner = new Map(state.rows.flatMap((r) => r.zones.map((z) => [z, r.name] as const)));

  const save = async () => {
    setSaving(true);
    try {
      const saved = await api.saveDepartments(store, toDepartments(state));
      dispatch({ type: "load", departments: saved });
      const n = Object.keys(saved).length;
      setMessage({ tone: "info", text: `Saved ${n} department${n === 1 ? "" : "s"}.` });
    } catch (err) {
      setMessage({ tone: "error", text: `Not saved: ${(err as Error).message}` });
    } finally {
      setSaving(false);
    }
  };

  return (
    <section className="card" data-testid="departments">
      <div className="card-h">
        <h2>Departments</h2>
        {dirty && <span className="chip" style={{ background: "#fef3c7", color: "#92400e" }}>Unsaved</span>}
        <span className="hint">A department merges zones in sales, paths and funnels</span>
      </div>
      {loaded.status === "error" && !loaded.data ? (
        <ErrorState error={loaded.error} onRetry={loaded.reload} />
      ) : !loaded.data ? (
        <Loading />
      ) : (
        <div className="card-b form">
          {zones.length === 0 && <div className="alert warn">This store has no zones yet: draw them in Layout first.</div>}
          {state.rows.length === 0 && <div className="muted">No departments yet. Add one, then pick its zones.</div>}
          <ul className="dept-list">
            {state.rows.map((row, i) => (
              <li key={i} data-testid={`dept-${row.name}`}>
                <div className="row">
                  <input className="field" aria-label="Department name" value={row.name} onChange={(e) => dispatch({ type: "rename", index: i, name: e.target.value })} style={{ flex: 1 }} />
                  <span className="muted small">{row.zones.length} zone{row.zones.length === 1 ? "" : "s"}</span>
                  <button className="btn ghost sm danger" onClick={() => dispatch({ type: "remove", index: i })} aria-label={`Remove ${nameShown(row.name)}`}>Remove</button>
                </div>
                <div className="zone-chips" role="group" aria-label={`Zones of ${nameShown(row.name)}`}>
                  {zones.map((z) => {
                    const on = row.zones.includes(z.id);
                    const elsewhere = !on && owner.has(z.id) ? owner.get(z.id) : undefined;
                    return (
                      <button key={z.id} type="button" className={`zchip${elsewhere ? " taken" : ""}`} aria-pressed={on} title={elsewhere ? `In “${nameShown(elsewhere)}”` : z.id} onClick={() => dispatch({ type: "toggleZone", index: i, zone: z.id })}>
                        {nameShown(z.name)}
                      </button>
                    );
                  })}
                  {row.zones.filter((z) => !zones.some((x) => x.id === z)).map((z) => (
                    <button key={z} type="button" className="zchip gone" aria-pressed title="Not on the current layout: click to take it out" onClick={() => dispatch({ type: "toggleZone", index: i, zone: z })}>{z}</button>
                  ))}
                </div>
              </li>
            ))}
          </ul>
          <form className="row" onSubmit={(e) => (e.preventDefault(), dispatch({ type: "add", name }), setName(""))}>
            <input className="field" placeholder="New department, e.g. Fresh food" value={name} onChange={(e) => setName(e.target.value)} data-testid="dept-name" style={{ flex: 1 }} />
            <button className="btn" disabled={!name.trim()} data-testid="dept-add">Add</button>
          </form>
          {problems.length > 0 && (
            <ul className="problems-list">
              {problems.map((p) => <li key={p}>{p}</li>)}
            </ul>
          )}
          <div className="row">
            <button className="btn primary" disabled={!dirty || problems.length > 0 || saving} onClick={save} data-testid="dept-save">{saving ? "Saving…" : "Save departments"}</button>
            {message && <span className={message.tone === "error" ? "down" : "muted"} data-testid="dept-message">{message.text}</span>}
          </div>
        </div>
      )}
    </section>
  );
}
