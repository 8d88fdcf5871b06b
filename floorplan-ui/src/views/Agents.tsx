/** Agents (admin): each agent's state, last event, lag and rejects, refreshed every few seconds. */
import type { ViewProps } from "../App.js";
import { useQ } from "../hooks/useQ.js";
import { useNow } from "../hooks/useNow.js";
import { formatAgo, formatCount, formatDateTimeZ, formatLag } from "../model/format.js";
import { rejectReasons } from "../model/rejects.js";
import { useStoreZones } from "../hooks/useStoreZones.js";
import { useSession } from "../session.js";
import { Empty, ErrorState, Loading } from "../components/States.js";
import "../styles/analytics.css";

const REFRESH_MS = 5000;
/** Lag above this is worth a look (events reach the server late). */
const SLOW_LAG_MS = 10_000;

/** `never-seen` → `Never seen`. */
const stateWord = (state: string) => (state.charAt(0).toUpperCase() + state.slice(1)).replace(/-/g, " ");

export default function AgentsView({ store }: ViewProps) {
  const { api, stores } = useSession();
  const agents = useQ(["agents", store], (signal) => api.agents(store, signal), { refetchInterval: REFRESH_MS });
  const now = useNow(1000);
  const timeZone = useStoreZones([store]).get(store) ?? null;
  const at = (ts: number | null) => (ts && timeZone ? formatDateTimeZ(ts, timeZone) : undefined);

  const list = agents.data ?? [];
  const online = list.filter((a) => a.state === "online").length;
  return (
    <div className="page" data-testid="agents">
      <div className="page-h">
        <h1>Agents</h1>
        <span className="sub">{stores.find((s) => s.id === store)?.name ?? store} · refreshed every {REFRESH_MS / 1000} s</span>
      </div>
      {agents.data && list.length > 0 && (
        <div className="stats card card-b">
          <div className="stat"><div className="v">{online} / {list.length}</div><div className="k">online</div></div>
          <div className="stat"><div className="v">{formatCount(list.reduce((s, a) => s + a.events, 0))}</div><div className="k">events accepted</div></div>
          <div className="stat"><div className="v" style={{ color: list.some((a) => a.rejects > 0) ? "var(--full)" : undefined }}>{formatCount(list.reduce((s, a) => s + a.rejects, 0))}</div><div className="k">events rejected</div></div>
        </div>
      )}
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
                  <th>Last event</th>
                  <th className="num">Lag</th>
                  <th className="num">Events</th>
                  {list.some((a) => a.duplicates !== undefined) && <th className="num" title="Repeats of an accepted event id, ignored">Duplicates</th>}
                  <th className="num">Rejects</th>
                </tr>
              </thead>
              <tbody>
                {list.map((a) => (
                  <tr key={a.agent} data-testid={`agent-${a.agent}`}>
                    <td><b>{a.agent}</b></td>
                    <td>{a.kind}</td>
                    <td>
                      <span className={`badge ${a.state === "online" ? "on" : "off"}`}>
                        <span className="dot" /> {stateWord(a.state)}
                      </span>
                    </td>
                    <td className="mono">{a.version ?? "–"}</td>
                    <td title={at(a.lastStatusTs)}>{formatAgo(a.lastStatusTs, now)}</td>
                    <td title={at(a.lastEventTs)}>{formatAgo(a.lastEventTs, now)}</td>
                    <td className="num" style={{ color: (a.lagMs ?? 0) > SLOW_LAG_MS ? "#b45309" : undefined }}>{formatLag(a.lagMs)}</td>
                    <td className="num">{formatCount(a.events)}</td>
                    {list.some((x) => x.duplicates !== undefined) && <td className="num">{formatCount(a.duplicates ?? 0)}</td>}
                    <td className="num" data-testid={`rejects-${a.agent}`}>
                      <span style={{ color: a.rejects > 0 ? "var(--full)" : undefined, fontWeight: a.rejects > 0 ? 700 : undefined }}>{formatCount(a.rejects)}</span>
                      {rejectReasons(a.rejectReasons).map((r) => (
                        <div key={r.reason} className="small reject-reason" title={r.hint} data-reason={r.reason}>
                          {r.label}: {formatCount(r.count)}
                        </div>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
