/**
 * The Agents view's "All stores": every store's agents the token may see in one list (GET /api/v1/agents),
 * those needing attention first, each row's store and agent a link to the store's Agents view at that agent.
 * The cells are the per-store table's (model/backlog), and so are the flags (core's agentProblems).
 */
import { useState } from "react";
import { AGENT_PROBLEM_WORDS, type AgentProblem } from "@footfall/core";
import { useQ } from "../hooks/useQ.js";
import { useNow } from "../hooks/useNow.js";
import { formatHash } from "../model/route.js";
import { formatAgo, formatCount } from "../model/format.js";
import { backlogCell, clockCell, lagCell, refusingNote, silentNote, stalledNote } from "../model/backlog.js";
import { agentOwnRejects } from "../model/rejects.js";
import { useSession } from "../session.js";
import { Empty, ErrorState, Loading } from "../components/States.js";
import { nameShown } from "../model/names.js";

const REFRESH_MS = 10_000;
const PAGE = 500;

/** What each problem reads as in the list: core's words, as `footfall agent list` and the chain view say them. */
export const PROBLEM_WORDS: Record<AgentProblem, string> = AGENT_PROBLEM_WORDS;

const stateWord = (state: string) => (state.charAt(0).toUpperCase() + state.slice(1)).replace(/-/g, " ");

/** `onlyStore`: one store's agents (`?only=`, the chain view's link from a store's agent cell), with a button back to every store. */
export function AllAgents({
  onlyProblems,
  setOnlyProblems,
  onlyStore = null,
  clearOnlyStore,
}: {
  onlyProblems: boolean;
  setOnlyProblems: (v: boolean) => void;
  onlyStore?: string | null;
  clearOnlyStore?: () => void;
}) {
  const { api, stores } = useSession();
  const [offset, setOffset] = useState(0);
  const page = useQ(["all-agents", onlyProblems, offset, onlyStore], (signal) => api.allAgents({ problems: onlyProblems, offset, limit: PAGE, store: onlyStore }, signal), {
    refetchInterval: REFRESH_MS,
  });
  const now = useNow(1000);
  const data = page.data;
  const list = data?.agents ?? [];
  return (
    <section className="card" data-testid="all-agents">
      <div className="row card-b" style={{ justifyContent: "space-between" }}>
        <span data-testid="all-agents-summary">
          {data ? (
            <>
              <b style={{ color: data.problems ? "var(--warn)" : undefined }}>{formatCount(data.problems)}</b> of {formatCount(data.agentsSeen)} agents need attention
              {onlyStore && <> in {nameShown(stores.find((s) => s.id === onlyStore)?.name) ?? onlyStore}</>}
            </>
          ) : (
            " "
          )}
        </span>
        {onlyStore && clearOnlyStore && (
          <button className="btn sm" onClick={() => (setOffset(0), clearOnlyStore())} data-testid="all-agents-every-store">
            Every store
          </button>
        )}
        <label className="row" style={{ gap: 6 }}>
          <input type="checkbox" checked={onlyProblems} onChange={(e) => (setOffset(0), setOnlyProblems(e.target.checked))} data-testid="only-problems" />
          Only those needing attention
        </label>
      </div>
      {page.status === "error" && !data ? (
        <ErrorState error={page.error} onRetry={page.reload} />
      ) : !data ? (
        <Loading label="Loading every store's agents…" />
      ) : list.length === 0 ? (
        <Empty icon="plug" title={onlyProblems ? "Every agent is fine" : "No agents yet"}>
          {onlyProblems ? "No agent is offline, silent, late, off the clock or holding a backlog." : "Add one with footfall agent add, or a chain's from a file with footfall agent import."}
        </Empty>
      ) : (
        <div style={{ overflowX: "auto" }}>
          <table className="table" data-testid="all-agents-table">
            <thead>
              <tr>
                <th>Store</th>
                <th>Agent</th>
                <th>Kind</th>
                <th>State</th>
                <th>Needs attention</th>
                <th>Last status</th>
                <th title="The agent's clock minus the server's">Clock</th>
                <th className="num">Lag</th>
                <th className="num" title="Events the agent held, not yet settled by the server, at its last status">Backlog</th>
                <th className="num">Rejects</th>
              </tr>
            </thead>
            <tbody>
              {list.map((a) => {
                const href = formatHash({ view: "agents", store: a.store, params: { agent: a.agent } });
                const clock = clockCell(a.clockOffsetMs, data.clockWarnMs);
                const lag = lagCell(a);
                const backlog = backlogCell(a.backlog);
                return (
                  <tr key={`${a.store}/${a.agent}`} data-testid={`all-agent-${a.store}-${a.agent}`} data-problems={a.problems.join(" ")}>
                    <td>
                      <a href={formatHash({ view: "agents", store: a.store, params: {} })} title={a.store}>{nameShown(a.storeName)}</a>
                    </td>
                    <td className="agent-id"><a href={href}><b>{a.agent}</b></a></td>
                    <td>{a.kind}</td>
                    <td>
                      {a.revokedAt ? (
                        <span className="badge off">revoked</span>
                      ) : (
                        <span className={`badge ${a.state === "online" ? "on" : "off"}`}>
                          <span className="dot" /> {stateWord(a.state)}
                        </span>
                      )}
                    </td>
                    <td className={a.problems.length ? "warn-text strong" : "muted"} title={silentNote(a, now)?.title ?? stalledNote(a)?.title ?? refusingNote(a)?.title}>
                      {a.problems.length
                        ? a.problems.map((p) => (p === "stalled" ? (stalledNote(a)?.text ?? PROBLEM_WORDS[p]) : p === "refusing" ? (refusingNote(a)?.text ?? PROBLEM_WORDS[p]) : PROBLEM_WORDS[p])).join(", ")
                        : "–"}
                    </td>
                    <td>{formatAgo(a.lastStatusTs, now)}</td>
                    <td className={clock.warn ? "warn-text strong" : undefined} title={clock.title}>{clock.text}</td>
                    <td className={lag.warn ? "num warn-text" : "num"} title={lag.title}>{lag.text}</td>
                    <td className={backlog.warn ? "num warn-text" : "num"} title={backlog.title}>{backlog.text}</td>
                    <td className="num" data-testid={`all-rejects-${a.store}-${a.agent}`}>
                      {formatCount(a.rejects)}
                      {agentOwnRejects(a.agentRejects).map((r) => (
                        <div key={r.reason} className="small warn-text agent-reject" title={r.hint} data-reason={r.reason}>
                          {r.text}
                        </div>
                      ))}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {(offset > 0 || data.next !== null) && (
            <div className="row card-b" data-testid="all-agents-pages">
              <span className="muted">
                {formatCount(offset + 1)}–{formatCount(offset + list.length)} of {formatCount(data.total)}
              </span>
              <button className="btn sm" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>Previous</button>
              <button className="btn sm" disabled={data.next === null} onClick={() => data.next !== null && setOffset(data.next)}>Next</button>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
