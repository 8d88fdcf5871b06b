/**
 * A door counter's audit (issue 18): a person counts people in and out at the door for a stretch
 * of time; the server compares that with the counter's own count events for the same window.
 */
import { useEffect, useState, type FormEvent } from "react";
import { errorMessage } from "@footfall/core";
import type { StoredAudit, createAuditsApi } from "../api/audits.js";
import { auditBadge, formatAccuracy } from "../model/audits.js";
import { fromLocalInput, toLocalInput } from "../model/range.js";

export function DoorAuditForm({ store, doors, timeZone, certifyAt, api, onDone }: { store: string; doors: string[]; timeZone: string; certifyAt: number; api: ReturnType<typeof createAuditsApi>; onDone: () => void }) {
  const now = Date.now();
  const [agent, setAgent] = useState(doors[0] ?? "");
  const [from, setFrom] = useState(() => toLocalInput(now - 15 * 60_000, timeZone));
  const [to, setTo] = useState(() => toLocalInput(now, timeZone));
  const [hin, setIn] = useState("");
  const [hout, setOut] = useState("");
  const [auditor, setAuditor] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<StoredAudit | null>(null);
  // Counting live at the door: the window is exactly from the press of Start to the press of Stop,
  // and the in/out keys (I and O, or the two big buttons) count.
  const [live, setLive] = useState<{ since: number; in: number; out: number } | null>(null);
  useEffect(() => {
    if (!live) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
      const k = e.key.toLowerCase();
      if (k === "i") setLive((l) => (l ? { ...l, in: l.in + 1 } : l));
      else if (k === "o") setLive((l) => (l ? { ...l, out: l.out + 1 } : l));
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [live !== null]); // eslint-disable-line react-hooks/exhaustive-deps
  const fromMs = fromLocalInput(from, timeZone);
  const toMs = fromLocalInput(to, timeZone);
  const compare = (window: { from: number; to: number }, hand: { in: number; out: number }) => {
    setBusy(true);
    setError(null);
    api
      .auditDoor(store, agent, { ...window, auditor, hand })
      .then((r) => {
        setResult(r);
        onDone();
      })
      .catch((err: unknown) => setError(errorMessage(err)))
      .finally(() => setBusy(false));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (fromMs === null || toMs === null) return setError("Give the start and end of the counting as dates and times.");
    compare({ from: fromMs, to: toMs }, { in: Number(hin), out: Number(hout) });
  };
  const stopLive = () => {
    if (!live) return;
    if (!auditor.trim()) return setError("Give the name of the person who counted before stopping.");
    setLive(null);
    compare({ from: live.since, to: Date.now() }, { in: live.in, out: live.out });
  };
  const b = result ? auditBadge(result, false) : null;
  return (
    <section className="card card-b" data-testid="door-audit">
      <form onSubmit={submit} className="door-audit">
        <b>Audit a door counter</b>
        <p className="muted small">Stand at the door and count the people going in and out for a while (15 minutes or more, 100 crossings is a good sample). Then enter the times you began and stopped and your counts: they are compared with what the counter reported for the same minutes ({timeZone}).</p>
        <div className="row" style={{ flexWrap: "wrap", gap: 8 }}>
          <select className="field" aria-label="Door counter" value={agent} onChange={(e) => setAgent(e.target.value)} data-testid="door-audit-agent">
            {doors.map((d) => (
              <option key={d} value={d}>{d}</option>
            ))}
          </select>
          <label className="row" style={{ gap: 4 }}><span className="muted">From</span><input className="field" type="datetime-local" step={60} value={from} onChange={(e) => setFrom(e.target.value)} data-testid="door-audit-from" required /></label>
          <label className="row" style={{ gap: 4 }}><span className="muted">to</span><input className="field" type="datetime-local" step={60} value={to} onChange={(e) => setTo(e.target.value)} data-testid="door-audit-to" required /></label>
          <label className="row" style={{ gap: 4 }}><span className="muted">In</span><input className="field num-field" type="number" min={0} step={1} value={hin} onChange={(e) => setIn(e.target.value)} data-testid="door-audit-in" required /></label>
          <label className="row" style={{ gap: 4 }}><span className="muted">Out</span><input className="field num-field" type="number" min={0} step={1} value={hout} onChange={(e) => setOut(e.target.value)} data-testid="door-audit-out" required /></label>
          <input className="field" aria-label="Counted by" placeholder="Counted by (name)" value={auditor} maxLength={100} onChange={(e) => setAuditor(e.target.value)} data-testid="door-audit-auditor" required />
          <button className="btn primary" disabled={busy || !agent} data-testid="door-audit-submit">{busy ? "Comparing…" : "Compare"}</button>
        </div>
        <div className="row" style={{ flexWrap: "wrap", gap: 8, marginTop: 8 }} data-testid="door-audit-live">
          {live ? (
            <>
              <span className="muted">Counting since {new Date(live.since).toLocaleTimeString([], { timeZone })}: press I or O, or</span>
              <button type="button" className="btn" onClick={() => setLive({ ...live, in: live.in + 1 })} data-testid="door-audit-live-in">In: {live.in}</button>
              <button type="button" className="btn" onClick={() => setLive({ ...live, out: live.out + 1 })} data-testid="door-audit-live-out">Out: {live.out}</button>
              <button type="button" className="btn primary" disabled={busy || !agent} onClick={stopLive} data-testid="door-audit-live-stop">Stop and compare</button>
            </>
          ) : (
            <button type="button" className="btn" disabled={busy || !agent} onClick={() => { setResult(null); setError(null); setLive({ since: Date.now(), in: 0, out: 0 }); }} data-testid="door-audit-live-start">Or count live from now</button>
          )}
        </div>
        {error && <p className="admin-error" role="alert">{error}</p>}
        {result && b && (
          <p role="status" data-testid="door-audit-result">
            {result.agent} counted {result.system.in} in and {result.system.out} out; you counted {result.hand.in} in and {result.hand.out} out: <b>{b.accuracy}</b>
            {result.certified ? " — data certified." : ` — below ${formatAccuracy(certifyAt)}: check the counter's position and counting line, then audit again.`}
          </p>
        )}
      </form>
    </section>
  );
}
