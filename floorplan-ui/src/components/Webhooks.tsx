/**
 * A store's webhooks (admins): add one (its signing secret shown once), each hook's state with the
 * reason it was disabled, enable it again, send a test, delete; and a hook's delivery log (pending,
 * delivered, given up; attempts, last error, HTTP status), refreshed every 5 s while open, its
 * older pages (50 at a time) on "Older…".
 */
import { useMemo, useState, type FormEvent } from "react";
import { errorMessage } from "@footfall/core";
import { createWebhooksApi, type Webhook, type WebhookDelivery } from "../api/webhooks.js";
import { useQ } from "../hooks/useQ.js";
import { storeNames } from "../model/experiment.js";
import { formatDateTimeZ } from "../model/format.js";
import { useSession } from "../session.js";
import { ErrorState, Loading } from "./States.js";
import { SecretOnce } from "./SecretOnce.js";
import { StoreHeading } from "./StoreHeading.js";

const EVENT_CHOICES = [
  { id: "alert.*", label: "every alert change" },
  { id: "alert.firing", label: "alerts firing only" },
  { id: "", label: "everything" },
];

export function Webhooks({ store }: { store: string | null }) {
  const { api, stores } = useSession();
  const hooksApi = useMemo(() => createWebhooksApi(api.token), [api.token]);
  const hooks = useQ(["webhooks", store], () => (store ? hooksApi.list(store) : Promise.resolve([])), { enabled: store !== null });
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState("alert.*");
  const [created, setCreated] = useState<{ webhook: Webhook; secret: string } | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const when = (ts: number | null) => (ts ? formatDateTimeZ(ts, tz) : "–");

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  if (!store) return <p>Choose a store first.</p>;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      setCreated(await hooksApi.create(store, url.trim(), events ? [events] : []));
      setUrl("");
      hooks.reload();
    });
  };

  return (
    <>
      <section className="card card-b">
        <StoreHeading what="Webhooks" store={store} testId="webhooks">
          A webhook added here is sent this store&apos;s notifications only.
        </StoreHeading>
        <form className="row" onSubmit={submit} data-testid="webhook-form">
          <label className="row">
            <span>URL</span>
            <input className="field wide" aria-label="Webhook URL" type="url" required placeholder="https://example.com/footfall" value={url} onChange={(e) => setUrl(e.target.value)} />
          </label>
          <label className="row">
            <span>Sends</span>
            <select className="field" aria-label="Events" value={events} onChange={(e) => setEvents(e.target.value)}>
              {EVENT_CHOICES.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label}
                </option>
              ))}
            </select>
          </label>
          <button className="btn primary" disabled={busy}>
            Add webhook
          </button>
        </form>
        {error && (
          <p className="admin-error" role="alert" data-testid="webhook-error">
            {error}
          </p>
        )}
        {created && (
          <SecretOnce testId="webhook-secret" secret={created.secret} label="The signing secret" onDone={() => setCreated(null)}>
            <b>Signing secret of {created.webhook.url}</b>. Receivers verify the <code>Footfall-Signature</code> header with it (README, "Alerts to
            other systems").
          </SecretOnce>
        )}
      </section>
      <section className="card">
        {hooks.status === "error" && !hooks.data ? (
          <ErrorState error={hooks.error} onRetry={hooks.reload} />
        ) : !hooks.data ? (
          <Loading label="Loading webhooks…" />
        ) : hooks.data.length === 0 ? (
          <p className="card-b">No webhook for {storeNames([store], stores)} yet.</p>
        ) : (
          <div style={{ overflowX: "auto" }}>
            <table className="table" data-testid="webhooks-table">
              <thead>
                <tr>
                  <th>URL</th>
                  <th>Sends</th>
                  <th>State</th>
                  <th>Created</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {hooks.data.map((h) => (
                  <tr key={h.id} data-testid={`webhook-${h.id}`}>
                    <td className="mono">{h.url}</td>
                    <td>{h.events.length ? h.events.join(", ") : "everything"}</td>
                    <td>
                      <span className={`badge ${h.enabled ? "on" : "off"}`} data-testid="webhook-state">
                        {h.enabled ? (h.consecutiveFailures > 0 ? `failing (${h.consecutiveFailures})` : "enabled") : "disabled"}
                      </span>
                      {h.disabledReason && (
                        <div className="admin-error-cell" data-testid="webhook-reason">
                          {h.disabledReason}
                        </div>
                      )}
                    </td>
                    <td>{when(h.createdAt)}</td>
                    <td>
                      <span className="row">
                        {!h.enabled && (
                          <button className="btn sm primary" disabled={busy} onClick={() => void run(async () => (await hooksApi.update(store, h.id, { enabled: true }), hooks.reload()))}>
                            Enable again
                          </button>
                        )}
                        {h.enabled && (
                          <button className="btn sm" disabled={busy} onClick={() => void run(async () => (await hooksApi.update(store, h.id, { enabled: false }), hooks.reload()))}>
                            Disable
                          </button>
                        )}
                        <button className="btn sm" disabled={busy || !h.enabled} onClick={() => void run(async () => (await hooksApi.test(store, h.id), setOpen(h.id)))}>
                          Send test
                        </button>
                        <button className="btn sm" onClick={() => setOpen(open === h.id ? null : h.id)} aria-expanded={open === h.id}>
                          Delivery log
                        </button>
                        <button className="btn sm danger" disabled={busy} onClick={() => void run(async () => (await hooksApi.remove(store, h.id), setOpen(null), hooks.reload()))}>
                          Delete
                        </button>
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {open && <DeliveryLog key={`${store}/${open}`} store={store} hook={open} api={hooksApi} when={when} />}
    </>
  );
}

function DeliveryLog({ store, hook, api, when }: { store: string; hook: string; api: ReturnType<typeof createWebhooksApi>; when: (ts: number | null) => string }) {
  const log = useQ(["webhook-log", store, hook], () => api.deliveries(store, hook), { refetchInterval: 5000 });
  // Older pages, loaded on "Older…" (not refreshed: finished deliveries do not change); the newest page refreshes above them.
  const [older, setOlder] = useState<{ deliveries: WebhookDelivery[]; nextBefore: number | null } | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [olderError, setOlderError] = useState<string | null>(null);
  const cursor = older ? older.nextBefore : (log.data?.nextBefore ?? null);
  const loadOlder = async () => {
    if (cursor === null) return;
    setLoadingOlder(true);
    setOlderError(null);
    try {
      const page = await api.deliveries(store, hook, cursor);
      setOlder((o) => ({ deliveries: [...(o?.deliveries ?? []), ...page.deliveries], nextBefore: page.nextBefore }));
    } catch (e) {
      setOlderError(errorMessage(e));
    } finally {
      setLoadingOlder(false);
    }
  };
  // A delivery that moved out of the refreshed newest page while older ones were shown is listed once.
  const rows = useMemo(() => {
    const newest = log.data?.deliveries ?? [];
    const seen = new Set(newest.map((d) => d.deliveryId));
    return [...newest, ...(older?.deliveries ?? []).filter((d) => !seen.has(d.deliveryId))];
  }, [log.data, older]);
  return (
    <section className="card" data-testid="webhook-log">
      <h2 className="admin-h2 card-b">Delivery log</h2>
      {log.status === "error" && !log.data ? (
        <ErrorState error={log.error} onRetry={log.reload} />
      ) : !log.data ? (
        <Loading label="Loading deliveries…" />
      ) : log.data.deliveries.length === 0 ? (
        <p className="card-b">Nothing sent yet.</p>
      ) : (
        <div style={{ overflowX: "auto" }}>
          <table className="table">
            <thead>
              <tr>
                <th>Delivery</th>
                <th>Type</th>
                <th>Status</th>
                <th>Attempts</th>
                <th>Queued</th>
                <th>Done / next try</th>
                <th>Last answer</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={d.deliveryId} data-testid="webhook-delivery">
                  <td className="mono">{d.deliveryId}</td>
                  <td>{d.type}</td>
                  <td>
                    <span className={`badge ${d.status === "delivered" ? "on" : "off"}`}>{d.status.replace("_", " ")}</span>
                  </td>
                  <td>{d.attempts}</td>
                  <td>{when(d.createdAt)}</td>
                  <td>{d.status === "pending" ? `next ${when(d.nextAttemptAt)}` : when(d.finishedAt)}</td>
                  <td className={d.lastError ? "admin-error-cell" : undefined}>{d.lastError ?? (d.responseStatus ? `HTTP ${d.responseStatus}` : "–")}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {cursor !== null && (
            <p className="card-b">
              <button className="btn sm" onClick={() => void loadOlder()} disabled={loadingOlder} data-testid="webhook-log-older">
                {loadingOlder ? "Loading…" : "Older…"}
              </button>
              {olderError && <span className="admin-error-cell"> {olderError}</span>}
            </p>
          )}
        </div>
      )}
    </section>
  );
}
