/** Agents (admin): each agent's state, last event, lag and rejects, refreshed every few seconds. */
import { useEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from "react";
import { errorMessage } from "@footfall/core";
import type { ViewProps } from "../App.js";
import { createAdminApi, type AgentCredentials, type BrokerSync } from "../api/admin.js";
import { createAuditsApi } from "../api/audits.js";
import { AuditCell } from "../components/AuditCell.js";
import { DoorAuditForm } from "../components/DoorAuditForm.js";
import { useQ } from "../hooks/useQ.js";
import { useNow } from "../hooks/useNow.js";
import { formatAgo, formatCount, formatDateTimeZ } from "../model/format.js";
import { backlogCell, clockCell, DEFAULT_CLOCK_WARN_MS, lagCell, refusingNote, silentNote, stalledNote } from "../model/backlog.js";
import { agentOwnRejects, rejectReasons, rejectsBeforeRestart } from "../model/rejects.js";
import { useStoreZones } from "../hooks/useStoreZones.js";
import { useSession } from "../session.js";
import { Empty, ErrorState, Loading, Segmented } from "../components/States.js";
import { withParams } from "../model/route.js";
import { AllAgents } from "./AllAgents.js";
import { SecretOnce } from "../components/SecretOnce.js";
import "../styles/analytics.css";
import "../styles/admin.css";
import { nameShown } from "../model/names.js";
import { agentStateBadge } from "../model/agent-state.js";

const REFRESH_MS = 5000;

/** This store's agents, or every store's ("All stores", `?scope=all`; `problems=1`: only those needing attention). */
export default function AgentsView(props: ViewProps) {
  const { route, navigate } = props;
  const { stores } = useSession();
  const all = route.params.scope === "all";
  const scope =
    stores.length > 1 || all ? (
      <Segmented
        label="Which agents"
        value={all ? "all" : "store"}
        options={[
          { id: "store", label: "This store" },
          { id: "all", label: "All stores" },
        ]}
        onChange={(v) => navigate(withParams(route, { scope: v === "all" ? "all" : null, agent: null, problems: null, only: null }))}
      />
    ) : null;
  if (!all) return <StoreAgents {...props} scope={scope} />;
  return (
    <div className="page" data-testid="agents">
      <div className="page-h">
        <h1>Agents</h1>
        <span className="sub">every store · those needing attention first</span>
        {scope}
      </div>
      <AllAgents
        onlyProblems={route.params.problems === "1"}
        setOnlyProblems={(v) => navigate(withParams(route, { problems: v ? "1" : null }), true)}
        onlyStore={route.params.only ?? null}
        clearOnlyStore={() => navigate(withParams(route, { only: null }), true)}
      />
    </div>
  );
}

function StoreAgents({ store, route, scope }: ViewProps & { scope: ReactNode }) {
  const { api, stores } = useSession();
  // Opened from the all-stores list at one agent: its row is marked and scrolled to.
  const marked = route.params.agent ?? null;
  const markedRow = useRef<HTMLTableRowElement | null>(null);
  const agents = useQ(["agents", store], (signal) => api.agents(store, signal), { refetchInterval: REFRESH_MS });
  const now = useNow(1000);
  const timeZone = useStoreZones([store]).get(store) ?? null;
  const at = (ts: number | null) => (ts && timeZone ? formatDateTimeZ(ts, timeZone) : undefined);

  const admin = useMemo(() => createAdminApi(api.token), [api.token]);
  const auditsApi = useMemo(() => createAuditsApi(api.token), [api.token]);
  const audits = useQ(["audits", store], (signal) => auditsApi.audits(store, signal), { refetchInterval: 60_000 });
  const auditOf = new Map((audits.data?.agents ?? []).map((a) => [a.agent, a]));
  const [shown, setShown] = useState<AgentCredentials | null>(null);
  const [broker, setBroker] = useState<BrokerSync | null>(null);
  const [confirm, setConfirm] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [newId, setNewId] = useState("");
  const [newKind, setNewKind] = useState("camera");
  const act = (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    fn()
      .catch((err: unknown) => setError(errorMessage(err)))
      .finally(() => {
        setBusy(false);
        agents.reload();
      });
  };
  const credentials = (c: AgentCredentials) => {
    setShown(c);
    setBroker(c.broker);
    setConfirm(null);
  };
  const add = (e: FormEvent) => {
    e.preventDefault();
    act(async () => {
      credentials(await admin.addAgent(store, newId, newKind));
      setNewId("");
    });
  };

  const list = agents.data?.agents ?? [];
  const markedShown = list.some((a) => a.agent === marked);
  useEffect(() => {
    if (markedShown) markedRow.current?.scrollIntoView({ block: "center" });
  }, [markedShown, marked]);
  const clockWarnMs = agents.data?.clockWarnMs ?? DEFAULT_CLOCK_WARN_MS;
  const online = list.filter((a) => a.state === "online").length;
  return (
    <div className="page" data-testid="agents">
      <div className="page-h">
        <h1>Agents</h1>
        <span className="sub">{nameShown(stores.find((s) => s.id === store)?.name) ?? store} · refreshed every {REFRESH_MS / 1000} s</span>
        {scope}
      </div>
      {agents.data && list.length > 0 && (
        <div className="stats card card-b">
          <div className="stat"><div className="v">{online} / {list.length}</div><div className="k">online</div></div>
          <div className="stat"><div className="v">{formatCount(list.reduce((s, a) => s + a.events, 0))}</div><div className="k">events accepted</div></div>
          <div className="stat"><div className="v" style={{ color: list.some((a) => a.rejects > 0) ? "var(--full)" : undefined }}>{formatCount(list.reduce((s, a) => s + a.rejects, 0))}</div><div className="k">events rejected</div></div>
        </div>
      )}
      <section className="card card-b">
        <form className="row" onSubmit={add} data-testid="agent-add">
          <b>Add an agent</b>
          <input className="field" aria-label="Agent id" placeholder="e.g. door-2" value={newId} pattern="^[a-z0-9][a-z0-9_-]{0,63}$" title="lower-case letters, digits, - and _" required onChange={(e) => setNewId(e.target.value.toLowerCase())} />
          <select className="field" aria-label="Kind" value={newKind} onChange={(e) => setNewKind(e.target.value)}>
            {["camera", "door", "beacon", "sim"].map((k) => (
              <option key={k} value={k}>{k}</option>
            ))}
          </select>
          <button className="btn primary" disabled={busy || !newId}>Add</button>
        </form>
        {error && <p className="admin-error" role="alert">{error}</p>}
        {shown && (
          <SecretOnce
            testId="agent-credentials"
            secret={shown.password}
            label="Agent password"
            inputTestId="agent-password"
            onDone={() => setShown(null)}
            extra={
              <p className="credentials">
                <span>User name</span>
                <code className="mono" data-testid="agent-username">{shown.username}</code>
              </p>
            }
          >
            <b>{shown.agent}</b>&apos;s MQTT login: give the password to <code className="mono">footfall-edge</code>.
          </SecretOnce>
        )}
        {broker && (
          <p className={broker.broker === "manual" ? "admin-error" : "muted"} data-testid="broker-sync">
            Broker: {broker.message}
            {broker.command && (
              <>
                {" "}Run: <code className="mono" data-testid="broker-command">{broker.command}</code>
              </>
            )}
          </p>
        )}
      </section>
      <section className="card">
        {agents.status === "error" && !agents.data ? (
          <ErrorState error={agents.error} onRetry={agents.reload} />
        ) : !agents.data ? (
          <Loading label="Loading agents…" />
        ) : list.length === 0 ? (
          <Empty icon="plug" title="No agents for this store">
            Add one with <code className="mono">footfall agent add cam-1 --store {store} --kind camera</code> and start it with <code className="mono">footfall-edge</code>.
          </Empty>
        ) : (
          <div style={{ overflowX: "auto" }}>
            <table className="table" data-testid="agents-table">
              <thead>
                <tr>
                  <th>Agent</th>
                  <th>Kind</th>
                  <th>State</th>
                  <th>Version</th>
                  <th>Last status</th>
                  <th title="The agent's clock minus the server's, measured from its status messages as they arrive">Clock</th>
                  <th>Last event</th>
                  <th className="num">Lag</th>
                  <th className="num" title="Events the agent held, not yet settled by the server, at its last status">Backlog</th>
                  <th className="num">Events</th>
                  {list.some((a) => a.duplicates !== undefined) && <th className="num" title="Repeats of an accepted event id, ignored">Duplicates</th>}
                  <th className="num">Rejects</th>
                  <th title={audits.data ? `Latest accuracy audit (the worse direction); data certified at ${Math.round(audits.data.certifyAt * 100)} % or more; due again after ${audits.data.dueAfterDays} days` : undefined}>Accuracy</th>
                  <th className="sticky-actions" />
                </tr>
              </thead>
              <tbody>
                {list.map((a) => (
                  <tr key={a.agent} data-testid={`agent-${a.agent}`} className={a.agent === marked ? "row-marked" : undefined} ref={a.agent === marked ? markedRow : undefined} aria-current={a.agent === marked ? "true" : undefined}>
                    <td className="agent-id"><b>{a.agent}</b></td>
                    <td>{a.kind}</td>
                    <td>
                      {a.revokedAt ? (
                        <span className="badge off" data-testid="agent-revoked">revoked</span>
                      ) : (
                        <StateBadge agent={a} timeZone={timeZone} />
                      )}
                      <AttentionLine testId={`silent-${a.agent}`} note={silentNote(a, now)} />
                      <AttentionLine testId={`stalled-${a.agent}`} note={stalledNote(a)} />
                      <AttentionLine testId={`refusing-${a.agent}`} note={refusingNote(a)} />
                    </td>
                    <td className="mono">{a.version ?? "–"}</td>
                    <td title={at(a.lastStatusTs)}>
                      {formatAgo(a.lastStatusTs, now)}
                    </td>
                    <ClockCell agent={a.agent} cell={clockCell(a.clockOffsetMs, clockWarnMs)} />
                    <td title={at(a.lastEventTs)}>{formatAgo(a.lastEventTs, now)}</td>
                    <LagCell agent={a.agent} cell={lagCell(a)} />
                    <BacklogCell agent={a.agent} backlog={a.backlog} />
                    <td className="num">{formatCount(a.events)}</td>
                    {list.some((x) => x.duplicates !== undefined) && <td className="num">{formatCount(a.duplicates ?? 0)}</td>}
                    <td className="num" data-testid={`rejects-${a.agent}`}>
                      <span style={{ color: a.rejects > 0 ? "var(--full)" : undefined, fontWeight: a.rejects > 0 ? 700 : undefined }}>{formatCount(a.rejects)}</span>
                      {rejectReasons(a.rejectReasons).map((r) => (
                        <div key={r.reason} className="small reject-reason" title={r.hint} data-reason={r.reason}>
                          {r.label}: {formatCount(r.count)}
                        </div>
                      ))}
                      <RejectsBeforeRestart agent={a.agent} count={rejectsBeforeRestart(a.rejects, a.rejectReasons)} />
                      <AgentOwnRejects agent={a.agent} byReason={a.agentRejects} />
                    </td>
                    <AuditCell audit={auditOf.get(a.agent)} timeZone={timeZone} />
                    <td className="sticky-actions">
                      <span className="row" style={{ flexWrap: "nowrap" }}>
                        <button className="btn sm" disabled={busy} onClick={() => act(async () => credentials(await admin.rotateAgent(store, a.agent)))}>
                          {a.revokedAt ? "Let in again" : "New password"}
                        </button>
                        {!a.revokedAt &&
                          (confirm === a.agent ? (
                            <>
                              <button className="btn sm danger" disabled={busy} onClick={() => act(async () => { const r = await admin.revokeAgent(store, a.agent); setBroker(r.broker); setConfirm(null); })}>
                                Revoke now
                              </button>
                              <button className="btn sm ghost" onClick={() => setConfirm(null)}>Keep</button>
                            </>
                          ) : (
                            <button className="btn sm" onClick={() => setConfirm(a.agent)}>Revoke…</button>
                          ))}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {timeZone && audits.data && list.some((a) => a.kind === "door") && (
        <DoorAuditForm store={store} doors={list.filter((a) => a.kind === "door").map((a) => a.agent)} timeZone={timeZone} certifyAt={audits.data.certifyAt} api={auditsApi} onDone={audits.reload} />
      )}
    </div>
  );
}

/** The state badge: "Online", "Offline", or for a box off at night "Expected back by 08:10 CET" / "Off, store closed" in grey (model agentStateBadge). */
function StateBadge({ agent, timeZone }: { agent: Parameters<typeof agentStateBadge>[0]; timeZone: string | null }) {
  const b = agentStateBadge(agent, timeZone);
  return (
    <span
      className={`badge ${b.tone === "on" ? "on" : b.tone === "off" ? "off" : "quiet"}`}
      style={b.tone === "quiet" ? { background: "#f1f5f9", color: "#475569" } : undefined}
      data-testid="agent-state"
      title={b.title}
    >
      <span className="dot" /> {b.text}
    </span>
  );
}

/**
 * Under an online agent's state, one line per problem that needs attention, with what to check in its title:
 * "silent" (the server has heard nothing from it for 3 status intervals, {@link silentNote}) and "stalled"
 * (its source gives it no input, e.g. "input stalled: no frame for 3 min", {@link stalledNote}) and "refusing"
 * (its source refuses much of what it reads, {@link refusingNote}). Nothing when `note` is null.
 */
function AttentionLine({ testId, note }: { testId: string; note: { text: string; title: string } | null }) {
  if (!note) return null;
  return (
    <div className="small warn-text strong" data-testid={testId} title={note.title}>
      {note.text}
    </div>
  );
}

/** What the agent held at its last status (an outage's backlog), amber once the oldest waited over a minute or the outbox dropped some. */
function BacklogCell({ agent, backlog }: { agent: string; backlog: Parameters<typeof backlogCell>[0] }) {
  const cell = backlogCell(backlog);
  return (
    <td className={cell.warn ? "num warn-text" : "num"} data-testid={`backlog-${agent}`} title={cell.title}>
      {cell.text}
    </td>
  );
}

/**
 * Under the server's rejects: what the agent refused itself since it started (its last status's agentRejects),
 * which the server never saw: "12 lines refused by the agent (unreadable)", what to check in the title.
 */
function AgentOwnRejects({ agent, byReason }: { agent: string; byReason: Readonly<Record<string, number>> | null | undefined }) {
  const lines = agentOwnRejects(byReason);
  if (lines.length === 0) return null;
  return (
    <div data-testid={`agent-rejects-${agent}`}>
      {lines.map((r) => (
        <div key={r.reason} className="small warn-text agent-reject" title={r.hint} data-reason={r.reason}>
          {r.text}
        </div>
      ))}
    </div>
  );
}

/** Under the reasons: the rejects the reasons do not cover, counted before the server's last start. */
function RejectsBeforeRestart({ agent, count }: { agent: string; count: number }) {
  if (count <= 0) return null;
  return (
    <div className="small muted" data-testid={`rejects-before-restart-${agent}`} title="The reasons are counted since the server last started; the total since the agent was added">
      before the server&apos;s restart: {formatCount(count)}
    </div>
  );
}

/** How far the agent's clock is from the server's; amber past the threshold, with what to check. */
function ClockCell({ agent, cell }: { agent: string; cell: ReturnType<typeof clockCell> }) {
  return (
    <td className={cell.warn ? "warn-text strong" : undefined} data-testid={`clock-${agent}`} title={cell.title}>
      {cell.text}
      {cell.hint && <div className="small" data-testid={`clock-hint-${agent}`}>{cell.hint}</div>}
    </td>
  );
}

function LagCell({ agent, cell }: { agent: string; cell: ReturnType<typeof lagCell> }) {
  return (
    <td className={cell.warn ? "num warn-text" : "num"} title={cell.title} data-testid={`lag-${agent}`}>
      {cell.text}
    </td>
  );
}
