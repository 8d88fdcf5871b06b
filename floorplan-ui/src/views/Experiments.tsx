/**
 * Experiments (viewers read, merchandisers and admins create and delete): the list, the form (`?new=1`)
 * and a result (`?id=…`) with the before and after plans and the verdict table.
 */
import type { ViewProps } from "../App.js";
import type { Experiment } from "../api/types.js";
import { useQ } from "../hooks/useQ.js";
import { mayDesign } from "../model/auth.js";
import { formatDateTimeZ } from "../model/format.js";
import { useStoreZones } from "../hooks/useStoreZones.js";
import { formatHash, withParams } from "../model/route.js";
import { stageLabel, storeNames } from "../model/experiment.js";
import { useSession } from "../session.js";
import { ExperimentForm } from "../components/ExperimentForm.js";
import { ExperimentResultView } from "../components/ExperimentResult.js";
import { ExperimentDelete } from "../components/ExperimentDelete.js";
import { Empty, ErrorState, Loading } from "../components/States.js";
import { RetentionNote } from "../components/RetentionNote.js";
import "../styles/analytics.css";
import "../styles/sales.css";
import "../styles/experiments.css";
import { nameShown } from "../model/names.js";
import { serverNow } from "../model/server-clock.js";

export default function ExperimentsView({ store, route, navigate }: ViewProps) {
  const { me } = useSession();
  const admin = mayDesign(me.role); // may create and delete experiments: merchandisers and admins
  const id = route.params.id;
  const creating = route.params.new === "1" && admin;
  const go = (changes: Record<string, string | null>) => navigate(withParams({ ...route, params: {} }, changes));
  const storeZones = useStoreZones([store]);

  return (
    <div className="page" data-testid="experiments">
      <div className="page-h">
        <h1>Experiments</h1>
        {id ? (
          <a className="btn ghost sm" href={formatHash({ view: "experiments", store, params: {} })}>← All experiments</a>
        ) : (
          <span className="sub">Did a layout change work? Before and after per zone, with intervals and a plain verdict.</span>
        )}
        <div className="spacer" />
        {admin && !creating && !id && (
          <button className="btn primary" onClick={() => go({ new: "1" })} data-testid="exp-new">New experiment</button>
        )}
      </div>
      {!id && <RetentionNote need="raw" what="Experiments' per-visit statistics and their CSV exports" timeZone={storeZones.get(store) ?? "UTC"} />}
      {creating ? (
        <ExperimentForm store={store} onCreated={(e) => go({ id: e.id })} onCancel={() => go({})} />
      ) : id ? (
        // Deleted: back to the list, in place of its page (Back does not return to an experiment that is gone).
        <ExperimentResultView id={id} mayDelete={admin} onDeleted={() => navigate(withParams({ ...route, params: {} }, {}), true)} />
      ) : (
        <ExperimentList store={store} admin={admin} onNew={() => go({ new: "1" })} />
      )}
    </div>
  );
}

function ExperimentList({ store, admin, onNew }: { store: string; admin: boolean; onNew: () => void }) {
  const { api } = useSession();
  const list = useQ(["experiments"], (signal) => api.experiments(signal));
  const zones = useStoreZones(list.data?.flatMap((e) => e.testStores.slice(0, 1)) ?? []);
  if (list.status === "error" && !list.data) return <section className="card"><ErrorState error={list.error} onRetry={list.reload} /></section>;
  if (!list.data) return <section className="card"><Loading label="Loading experiments…" /></section>;
  const sorted = [...list.data].sort((a, b) => Number(b.testStores.includes(store)) - Number(a.testStores.includes(store)) || b.after.from - a.after.from);
  if (sorted.length === 0) {
    return (
      <section className="card">
        <Empty icon="flask" title="No experiments yet" action={admin ? <button className="btn primary" onClick={onNew}>Create the first one</button> : undefined}>
          An experiment compares a period before a layout change with one after it, zone by zone.
        </Empty>
      </section>
    );
  }
  return (
    <section className="card">
      <div style={{ overflowX: "auto" }}>
        <table className="table" data-testid="experiment-list">
          <thead>
            <tr>
              <th>Name</th>
              <th>Test stores</th>
              <th>Controls</th>
              <th>Before</th>
              <th>After</th>
              <th>Status</th>
              <th className="num">Zones</th>
              {admin && <th><span className="sr-only">Delete</span></th>}
            </tr>
          </thead>
          <tbody>
            {sorted.map((e) => <Row key={e.id} e={e} store={store} admin={admin} timeZone={zones.get(e.testStores[0] ?? "") ?? null} />)}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Row({ e, store, admin, timeZone }: { e: Experiment; store: string; admin: boolean; timeZone: string | null }) {
  const { stores } = useSession();
  // Each experiment's times in its test store's zone, labelled (the same as on its own page).
  if (!timeZone) return <tr data-testid={`experiment-${e.id}`}><td colSpan={admin ? 8 : 7} className="muted">{nameShown(e.name)}…</td></tr>;
  const tz = timeZone;
  return (
    <tr data-testid={`experiment-${e.id}`}>
      <td><a href={formatHash({ view: "experiments", store, params: { id: e.id } })}><b>{nameShown(e.name)}</b></a></td>
      <td title={e.testStores.join(", ")}>{storeNames(e.testStores, stores)}</td>
      <td className={e.controlStores.length ? undefined : "muted"} title={e.controlStores.join(", ")}>{e.controlStores.length ? storeNames(e.controlStores, stores) : "none"}</td>
      <td className="small">{formatDateTimeZ(e.before.from, tz)} – {formatDateTimeZ(e.before.to, tz)}</td>
      <td className="small">{formatDateTimeZ(e.after.from, tz)} – {formatDateTimeZ(e.after.to, tz)}</td>
      <td className="small" data-testid="exp-stage">{stageLabel(e, serverNow())}</td>
      <td className="num">{e.zones.length}</td>
      {admin && <td className="num"><ExperimentDelete experiment={e} compact /></td>}
    </tr>
  );
}
