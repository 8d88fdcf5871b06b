/**
 * Administration (admins only): tokens (create with role, store or group and expiry, the token
 * shown once with a copy button, list, revoke), the audit log, e-mail digests, and the store's
 * settings (name, time zone, currency, groups, opening hours).
 */
import { useMemo, useState, type FormEvent, type ReactNode } from "react";
import { errorMessage, type Layout, type LayoutInput } from "@footfall/core";
import type { ViewProps } from "../App.js";
import { alertsApi } from "../api/alerts.js";
import { createAdminApi, type AuditEntry, type DigestInput, type DigestPreview, type DigestRow, type DigestSent, type TokenRow } from "../api/admin.js";
import { useQ } from "../hooks/useQ.js";
import { useStoreZones } from "../hooks/useStoreZones.js";
import { formatDateTimeZ } from "../model/format.js";
import { nameProblem, nameShown } from "../model/names.js";
import { withParams } from "../model/route.js";
import { groupIdOf } from "../model/chain.js";
import { useSession } from "../session.js";
import { mayChangeGroups, seesEveryStore } from "../model/auth.js";
import { ErrorState, Loading, Segmented } from "../components/States.js";
import "../styles/admin.css";
import { Webhooks } from "../components/Webhooks.js";
import { createWebhooksApi } from "../api/webhooks.js";
import { SecretOnce } from "../components/SecretOnce.js";
import { OpeningHoursEditor } from "../components/OpeningHoursEditor.js";
import { StoreHeading } from "../components/StoreHeading.js";
import { serverNow } from "../model/server-clock.js";
import { storeNames } from "../model/experiment.js";

const TABS = [
  { id: "tokens", label: "Tokens" },
  { id: "audit", label: "Audit log" },
  { id: "digests", label: "Digests" },
  { id: "store", label: "Store settings" },
  { id: "webhooks", label: "Webhooks" },
] as const;
type Tab = (typeof TABS)[number]["id"];

function useAdmin() {
  const { api } = useSession();
  return useMemo(() => createAdminApi(api.token), [api.token]);
}

/** Runs an action, keeping its error to show. */
function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
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
  return { busy, error, run };
}

const ErrorLine = ({ error }: { error: string | null }) =>
  error ? (
    <p className="admin-error" role="alert" data-testid="admin-error">
      {error}
    </p>
  ) : null;

/** What the server's name rule would refuse in a name being typed (model/names.ts), said before it is sent. */
const NameLine = ({ problem, testId }: { problem: string | null; testId: string }) =>
  problem ? (
    <p className="admin-error" role="alert" data-testid={testId}>
      {problem}
    </p>
  ) : null;

export default function AdminView(props: ViewProps) {
  const { route, navigate } = props;
  const tab = (TABS.some((t) => t.id === route.params.tab) ? route.params.tab : "tokens") as Tab;
  return (
    <div className="page" data-testid="admin">
      <div className="page-h">
        <h1>Administration</h1>
        <Segmented label="Section" value={tab} options={TABS} onChange={(t) => navigate(withParams(route, { tab: t }), true)} />
      </div>
      {tab === "tokens" && <Tokens />}
      {tab === "audit" && <Audit store={props.store} />}
      {tab === "digests" && <Digests store={props.store} />}
      {tab === "store" && <StoreSettings store={props.store} />}
      {tab === "webhooks" && <Webhooks store={props.store} />}
    </div>
  );
}

const EXPIRIES = [
  { id: "", label: "never" },
  { id: "1d", label: "1 day" },
  { id: "30d", label: "30 days" },
  { id: "90d", label: "90 days" },
  { id: "365d", label: "1 year" },
];

/** What a token or digest covers as the menus name it ("store Rivoli flagship", "group Malls"): names, not ids (unknown ones stay ids). */
function namedScope(t: { store?: string | null; group?: string | null }, stores: readonly { id: string; name: string }[], groups: readonly { id: string; name: string }[]): string {
  if (t.store) return `store ${nameShown(stores.find((x) => x.id === t.store)?.name) || t.store}`;
  if (t.group) return `group ${nameShown(groups.find((g) => g.id === t.group)?.name) ?? t.group}`;
  return "every store";
}

function Tokens() {
  const admin = useAdmin();
  const { stores, me } = useSession();
  const tokens = useQ(["admin-tokens"], () => admin.tokens());
  const groups = useQ(["admin-groups"], () => admin.groups().catch(() => []));
  const [role, setRole] = useState("viewer");
  // A limited admin makes tokens within its own limit: its store; its group or the group's stores.
  const myGroup = me.group ?? null;
  const [scope, setScope] = useState(me.store ? `store:${me.store}` : myGroup ? `group:${myGroup}` : "");
  const [label, setLabel] = useState("");
  const [expires, setExpires] = useState("");
  const [created, setCreated] = useState<(TokenRow & { token: string }) | null>(null);
  const [confirm, setConfirm] = useState<string | null>(null);
  // The token being renamed, and the label typed for it.
  const [renaming, setRenaming] = useState<{ id: string; label: string } | null>(null);
  const act = useAction();
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const when = (ts: number | null) => (ts ? formatDateTimeZ(ts, tz) : "–");

  const scopeName = (t: { store?: string | null; group?: string | null }) => namedScope(t, stores, groups.data ?? []);
  // Labels as they are sent (trimmed), checked with the server's name rule before Create or Save.
  const labelIssue = nameProblem("Label", label.trim());
  const renameIssue = renaming ? nameProblem("Label", renaming.label.trim()) : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (labelIssue) return;
    void act.run(async () => {
      const [kind, id] = scope.split(":");
      const t = await admin.createToken({
        role,
        ...(kind === "store" ? { store: id } : kind === "group" ? { group: id } : {}),
        ...(label.trim() ? { label: label.trim() } : {}),
        ...(expires ? { expires } : {}),
      });
      setCreated(t);
      setLabel("");
      tokens.reload();
    });
  };

  return (
    <>
      <section className="card card-b">
        <h2 className="admin-h2">New token</h2>
        <form className="row" onSubmit={submit} data-testid="token-form">
          <label className="row">
            <span>Role</span>
            <select className="field" aria-label="Role" value={role} onChange={(e) => setRole(e.target.value)}>
              <option value="viewer">viewer: analytics</option>
              <option value="staff">staff: live occupancy</option>
              <option value="merchandiser">merchandiser: analytics, layouts, experiments</option>
              <option value="admin">admin: everything</option>
            </select>
          </label>
          <label className="row">
            <span>Sees</span>
            <select className="field" aria-label="Scope" value={scope} onChange={(e) => setScope(e.target.value)}>
              {seesEveryStore(me) && <option value="">every store</option>}
              {stores
                .filter((s) => me.store === null || s.id === me.store)
                .map((s) => (
                  <option key={s.id} value={`store:${s.id}`}>
                    store {nameShown(s.name) || s.id}
                  </option>
                ))}
              {me.store === null &&
                (groups.data ?? []).filter((g) => myGroup === null || g.id === myGroup).map((g) => (
                  <option key={g.id} value={`group:${g.id}`}>
                    group {nameShown(g.name)}
                  </option>
                ))}
            </select>
          </label>
          <label className="row">
            <span>Label</span>
            <input className="field" aria-label="Label" placeholder="e.g. Anna's laptop" value={label} maxLength={200} onChange={(e) => setLabel(e.target.value)} />
          </label>
          <label className="row">
            <span>Expires</span>
            <select className="field" aria-label="Expires" value={expires} onChange={(e) => setExpires(e.target.value)}>
              {EXPIRIES.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.label}
                </option>
              ))}
            </select>
          </label>
          <button className="btn primary" disabled={act.busy || labelIssue !== null}>
            Create token
          </button>
        </form>
        <NameLine problem={labelIssue} testId="token-label-problem" />
        <ErrorLine error={act.error} />
        {created && (
          <SecretOnce testId="new-token" secret={created.token} label="The new token" onDone={() => setCreated(null)}>
            <b>Token {created.id}</b> ({created.role}
            , {scopeName(created)}).
          </SecretOnce>
        )}
      </section>
      <section className="card">
        {tokens.status === "error" && !tokens.data ? (
          <ErrorState error={tokens.error} onRetry={tokens.reload} />
        ) : !tokens.data ? (
          <Loading label="Loading tokens…" />
        ) : (
          <div style={{ overflowX: "auto" }}>
            <table className="table" data-testid="tokens-table">
              <thead>
                <tr>
                  <th>Id</th>
                  <th>Role</th>
                  <th>Sees</th>
                  <th>Label</th>
                  <th>Created</th>
                  <th>Expires</th>
                  <th>Last used</th>
                  <th>State</th>
                  <th className="sticky-actions" />
                </tr>
              </thead>
              <tbody>
                {[...tokens.data].reverse().map((t) => (
                  <tr key={t.id} data-testid={`token-${t.id}`}>
                    <td className="mono">{t.id}</td>
                    <td>{t.role}</td>
                    <td title={t.store ? `store ${t.store}` : t.group ? `group ${t.group}` : undefined}>{scopeName(t)}</td>
                    <td>
                      {renaming?.id === t.id ? (
                        <form
                          className="row"
                          onSubmit={(e) => {
                            e.preventDefault();
                            if (renameIssue) return;
                            void act.run(async () => (await admin.relabelToken(t.id, renaming.label.trim() || null), setRenaming(null), tokens.reload()));
                          }}
                        >
                          <input className="field" aria-label={`New label of token ${t.id}`} value={renaming.label} maxLength={200} autoFocus onChange={(e) => setRenaming({ id: t.id, label: e.target.value })} />
                          <button className="btn sm primary" disabled={act.busy || renameIssue !== null}>
                            Save
                          </button>
                          <button type="button" className="btn sm ghost" onClick={() => setRenaming(null)}>
                            Cancel
                          </button>
                          <NameLine problem={renameIssue} testId="token-relabel-problem" />
                        </form>
                      ) : (
                        <span className="row">
                          <span>{nameShown(t.label) ?? "–"}</span>
                          <button className="btn sm ghost" aria-label={`Rename token ${t.id}`} onClick={() => setRenaming({ id: t.id, label: t.label ?? "" })}>
                            Rename…
                          </button>
                        </span>
                      )}
                    </td>
                    <td>{when(t.createdAt)}</td>
                    <td>{when(t.expiresAt)}</td>
                    <td>{when(t.lastUsedAt)}</td>
                    <td>
                      <span className={`badge ${t.state === "active" ? "on" : "off"}`} data-testid="token-state">
                        {t.state}
                      </span>
                    </td>
                    <td className="sticky-actions">
                      {t.state !== "revoked" &&
                        (confirm === t.id ? (
                          <span className="row">
                            <button className="btn sm danger" onClick={() => void act.run(async () => (await admin.revokeToken(t.id), setConfirm(null), tokens.reload()))}>
                              Revoke now
                            </button>
                            <button className="btn sm ghost" onClick={() => setConfirm(null)}>
                              Keep
                            </button>
                          </span>
                        ) : (
                          <button className="btn sm" onClick={() => setConfirm(t.id)}>
                            Revoke…
                          </button>
                        ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

const ACTIONS = [
  { id: "", label: "every action" },
  { id: "token.", label: "tokens" },
  { id: "agent.", label: "agents" },
  { id: "layout.", label: "layouts" },
  { id: "group.", label: "groups" },
  { id: "store.", label: "store settings" },
  { id: "hours.", label: "opening hours" },
  { id: "alert-rule.", label: "alert rules" },
  { id: "webhook.", label: "webhooks" },
  { id: "digest.", label: "digests" },
  { id: "experiment.", label: "experiments" },
  { id: "departments.", label: "departments" },
];

function Audit({ store }: { store: string }) {
  const admin = useAdmin();
  const { stores } = useSession();
  const [action, setAction] = useState("");
  const [onlyStore, setOnlyStore] = useState(false);
  const [pages, setPages] = useState<number[]>([]);
  const before = pages.at(-1);
  const log = useQ(["admin-audit", action, onlyStore ? store : "", before ?? 0], () => admin.audit({ action: action || undefined, before, limit: 50, store: onlyStore ? store : undefined }));
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const who = (e: AuditEntry) => (e.actor.tokenId ? `${nameShown(e.actor.label) ?? "token"} (${e.actor.role}, ${e.actor.tokenId})` : (nameShown(e.actor.label) ?? "server"));
  return (
    <section className="card">
      <div className="card-h row">
        <label className="row">
          <span>Show</span>
          <select className="field" aria-label="Action" value={action} onChange={(e) => (setAction(e.target.value), setPages([]))}>
            {ACTIONS.map((a) => (
              <option key={a.id} value={a.id}>
                {a.label}
              </option>
            ))}
          </select>
        </label>
        <label className="row toggle">
          <input type="checkbox" checked={onlyStore} onChange={(e) => (setOnlyStore(e.target.checked), setPages([]))} />
          <span>only {storeNames([store], stores)}</span>
        </label>
        <span className="hint">newest first · times in {tz}</span>
      </div>
      {log.status === "error" && !log.data ? (
        <ErrorState error={log.error} onRetry={log.reload} />
      ) : !log.data ? (
        <Loading label="Loading the audit log…" />
      ) : log.data.entries.length === 0 ? (
        <p className="card-b muted">Nothing recorded{action ? " of this kind" : ""} yet.</p>
      ) : (
        <div style={{ overflowX: "auto" }}>
          <table className="table" data-testid="audit-table">
            <thead>
              <tr>
                <th>When</th>
                <th>Who</th>
                <th>What</th>
                <th>On</th>
                <th>Store</th>
                <th>Details</th>
              </tr>
            </thead>
            <tbody>
              {log.data.entries.map((e) => (
                <tr key={e.id} data-testid="audit-row">
                  <td>{formatDateTimeZ(e.ts, tz)}</td>
                  <td>{who(e)}</td>
                  <td className="mono">{e.action}</td>
                  <td className="mono">{e.target ?? "–"}</td>
                  <td>{e.store ?? "–"}</td>
                  <td className="mono audit-details">{e.details ? JSON.stringify(e.details) : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="card-b row">
        {pages.length > 0 && (
          <button className="btn sm" onClick={() => setPages(pages.slice(0, -1))}>
            Newer
          </button>
        )}
        {log.data?.next != null && (
          <button className="btn sm" onClick={() => setPages([...pages, log.data!.next!])}>
            Older
          </button>
        )}
      </div>
    </section>
  );
}

/** What went wrong with a digest, in a line: a failed send (retrying or given up), or why it cannot be sent. */
function digestProblem(d: DigestRow, tz: string): string {
  const parts: string[] = [];
  if (d.problem) parts.push(d.problem);
  if (d.failedPeriod && d.lastError) {
    const tries = `${d.attempts} attempt${d.attempts === 1 ? "" : "s"}`;
    if (d.gaveUpAt !== null) parts.push(`${d.failedPeriod} not sent: ${d.lastError}, gave up after ${tries}`);
    else parts.push(`${d.failedPeriod} not sent yet: ${d.lastError} (${tries}${d.retryAt !== null ? `, next try ${formatDateTimeZ(d.retryAt, tz)}` : ""})`);
  }
  return parts.join("; ");
}

/** When the next digest goes out and with which period ("Sun 6 Dec, 07:00 CET, with 2026-12-05"); why none goes out instead. */
function nextSendText(d: DigestRow, mailProblem: string | null, tz: string): string {
  if (mailProblem) return "none: no mail server";
  if (d.nextSendAt === null) return "none: see the problem";
  if (d.failedPeriod && d.retryAt !== null) return `next try ${formatDateTimeZ(d.retryAt, tz)}`;
  const period = d.frequency === "weekly" ? `the week of ${d.nextSendPeriod}` : d.nextSendPeriod;
  return `${d.nextSendAt <= serverNow() + 60_000 ? "within a minute" : formatDateTimeZ(d.nextSendAt, tz)}, with ${period}`;
}

function Digests({ store }: { store: string }) {
  const admin = useAdmin();
  const { stores, me, api } = useSession();
  const digests = useQ(["admin-digests"], () => admin.digests());
  const groups = useQ(["admin-groups"], () => admin.groups().catch(() => []));
  const [form, setForm] = useState<DigestInput>({ scope: "store", target: store, frequency: "daily", recipients: [], hour: 7, webhook: null });
  // The webhooks the new digest may go to, as the server rules (a store's digest: that store's hooks; a group's: its
  // stores'), whatever store is picked at the top right; that store's hooks name the listed digests' hooks too.
  const hooksApi = useMemo(() => createWebhooksApi(api.token), [api.token]);
  const hooks = useQ(["webhooks", store], () => hooksApi.list(store).catch(() => []));
  const hooksOf = `${form.scope}:${form.target}`;
  const formHooksQ = useQ(["digest-webhooks", hooksOf], () => (form.target ? admin.digestWebhooks(form.scope, form.target).catch(() => []) : Promise.resolve([])).then((list) => ({ of: hooksOf, list })));
  // Never the hooks of the store or group chosen before (kept on screen while the new list loads).
  const formHooks = formHooksQ.data?.of === hooksOf ? formHooksQ.data.list : [];
  const hookName = (id: string | null) => (id === null ? "" : ([...formHooks, ...(hooks.data ?? [])].find((h) => h.id === id)?.url ?? id));
  // Each channel: the mail, and the webhook's delivery (not queued again when an earlier attempt whose mail failed had queued it).
  const sentWords = (r: DigestSent) => {
    const q = r.webhookDelivery;
    const hook = !q
      ? ""
      : q.queuedNow
        ? ` queued for its webhook (${hookName(r.webhook)}: its delivery log says when it went)`
        : ` not queued for its webhook again: an earlier attempt had queued it (${q.status === "given_up" ? "given up" : q.status}; ${hookName(r.webhook)}: its delivery log)`;
    // Not mailed (a digest with a webhook and no recipients): the webhook's words alone, not "Sent ... queued".
    if (!r.mailed) return q?.queuedNow ? `Queued "${r.subject}" for its webhook (${hookName(r.webhook)}: its delivery log says when it went).` : `"${r.subject}":${hook}.`;
    return `Sent "${r.subject}" to ${r.recipients.join(", ")}${hook ? ` and${hook}` : ""}.`;
  };
  const [recipients, setRecipients] = useState("");
  const [sent, setSent] = useState<string | null>(null);
  const [preview, setPreview] = useState<DigestPreview | null>(null);
  const act = useAction();
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void act.run(async () => {
      const list = recipients.split(/[\s,;]+/).filter(Boolean);
      await admin.createDigest({ ...form, recipients: list, webhook: form.webhook || null });
      setRecipients("");
      digests.reload();
    });
  };
  // A limited admin schedules its own store's digest; one limited to a group its group's and its stores'.
  const targets =
    form.scope === "store"
      ? stores.filter((s) => me.store === null || s.id === me.store).map((s) => ({ id: s.id, name: nameShown(s.name) || s.id }))
      : (groups.data ?? []).filter((g) => (me.group ?? null) === null || g.id === me.group).map((g) => ({ id: g.id, name: nameShown(g.name) }));
  return (
    <>
      <section className="card card-b">
        <h2 className="admin-h2">New digest</h2>
        <p className="muted small">
          A daily digest goes out at the chosen hour (the store&apos;s time, or the time zone given: a group whose stores are in several zones needs one) with the day before; a weekly one on Monday with the week before: enters, visitors, conversion and dwell against the period before, the zones that changed most and a chart.
        </p>
        <form className="row" onSubmit={submit} data-testid="digest-form">
          <select className="field" aria-label="Of" value={form.scope} onChange={(e) => setForm({ ...form, scope: e.target.value as "store" | "group", target: e.target.value === "store" ? store : (me.group ?? groups.data?.[0]?.id ?? ""), webhook: null })}>
            <option value="store">a store</option>
            {me.store === null && <option value="group">a group</option>}
          </select>
          <select className="field" aria-label="Which" value={form.target} onChange={(e) => setForm({ ...form, target: e.target.value, webhook: null })}>
            {targets.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
          <select className="field" aria-label="How often" value={form.frequency} onChange={(e) => setForm({ ...form, frequency: e.target.value as "daily" | "weekly" })}>
            <option value="daily">daily</option>
            <option value="weekly">weekly (Monday)</option>
          </select>
          <label className="row">
            <span>at</span>
            <select className="field" aria-label="Hour" value={form.hour} onChange={(e) => setForm({ ...form, hour: Number(e.target.value) })}>
              {Array.from({ length: 24 }, (_, h) => (
                <option key={h} value={h}>
                  {String(h).padStart(2, "0")}:00
                </option>
              ))}
            </select>
          </label>
          <input
            className="field"
            aria-label="Time zone"
            placeholder="time zone: the stores'"
            title="IANA time zone (e.g. Europe/Paris) of the hour and of the days reported; empty: the stores' own (a group whose stores are in several zones needs one)"
            value={form.timeZone ?? ""}
            onChange={(e) => setForm({ ...form, timeZone: e.target.value.trim() || null })}
          />
          <input
            className="field wide"
            aria-label="Recipients"
            placeholder={form.webhook ? "recipients (none: the webhook only)" : "manager@example.com, area@example.com"}
            value={recipients}
            onChange={(e) => setRecipients(e.target.value)}
            required={!form.webhook}
          />
          <select
            className="field"
            aria-label="Webhook"
            title="Also deliver it to a webhook (Admin > Webhooks): a store's digest, one of that store's; a group's, one of its stores'; signed and retried as its alerts: digest.daily or digest.weekly with the mail's figures"
            value={form.webhook ?? ""}
            onChange={(e) => setForm({ ...form, webhook: e.target.value || null })}
          >
            <option value="">no webhook</option>
            {formHooks.map((h) => (
              <option key={h.id} value={h.id}>
                webhook {h.url}
                {form.scope === "group" ? ` (${nameShown(stores.find((s) => s.id === h.store)?.name ?? "") || h.store})` : ""}
              </option>
            ))}
          </select>
          <button className="btn primary" disabled={act.busy || !form.target}>
            Schedule
          </button>
        </form>
        <ErrorLine error={act.error} />
        {sent && (
          <p className="muted" role="status" data-testid="digest-sent">
            {sent}
          </p>
        )}
      </section>
      <section className="card">
        {digests.data?.mailProblem && (
          <p className="card-b admin-error" role="status" data-testid="digests-mail-problem">
            No digest with recipients goes out, by mail or to its webhook, whatever its schedule (one with a webhook and no recipients goes to its webhook): {digests.data.mailProblem}.
          </p>
        )}
        {digests.status === "error" && !digests.data ? (
          <ErrorState error={digests.error} onRetry={digests.reload} />
        ) : !digests.data ? (
          <Loading label="Loading digests…" />
        ) : digests.data.digests.length === 0 ? (
          <p className="card-b muted">No digest is scheduled.</p>
        ) : (
          <table className="table" data-testid="digests-table">
            <thead>
              <tr>
                <th>Of</th>
                <th>When</th>
                <th>To</th>
                <th>Next</th>
                <th>Last sent</th>
                <th>Problem</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {digests.data.digests.map((d) => (
                <tr key={d.id} data-testid={`digest-${d.id}`}>
                  <td title={`${d.scope} ${d.target}`}>
                    {namedScope({ [d.scope]: d.target }, stores, groups.data ?? [])}
                  </td>
                  <td>
                    {d.frequency} at {String(d.hour).padStart(2, "0")}:00{d.zone ? ` (${d.zone})` : ""}
                  </td>
                  <td>
                    {d.recipients.join(", ")}
                    {d.webhook && <span data-testid="digest-webhook">{`${d.recipients.length ? "; " : ""}webhook ${d.webhookUrl ?? hookName(d.webhook)}`}</span>}
                  </td>
                  <td data-testid="digest-next">{nextSendText(d, d.recipients.length > 0 ? digests.data!.mailProblem : null, tz)}</td>
                  <td>{d.lastSentAt ? `${formatDateTimeZ(d.lastSentAt, tz)} (${d.lastPeriod})` : "not yet"}</td>
                  <td className="admin-error-cell" data-testid="digest-problem">
                    {digestProblem(d, tz)}
                    {d.problem && d.zone === null && (
                      <form
                        className="row"
                        onSubmit={(e) => {
                          e.preventDefault();
                          const zone = String(new FormData(e.currentTarget).get("zone") ?? "").trim();
                          void act.run(async () => {
                            await admin.updateDigest(d.id, { scope: d.scope, target: d.target, frequency: d.frequency, recipients: d.recipients, hour: d.hour, timeZone: zone || null, webhook: d.webhook });
                            digests.reload();
                          });
                        }}
                      >
                        <input className="field" name="zone" aria-label={`Time zone of ${d.id}`} placeholder="e.g. Europe/Paris" required />
                        <button className="btn sm" disabled={act.busy}>
                          Set time zone
                        </button>
                      </form>
                    )}
                  </td>
                  <td>
                    <span className="row">
                      {d.failedPeriod && d.gaveUpAt !== null && (
                        <button
                          className="btn sm"
                          disabled={act.busy}
                          onClick={() =>
                            void act.run(async () => {
                              const r = await admin.sendDigest(d.id, d.failedPeriod!);
                              setSent(sentWords(r));
                              digests.reload();
                            })
                          }
                        >
                          Send {d.failedPeriod} again
                        </button>
                      )}
                      <button className="btn sm" disabled={act.busy} title="What send now would mail, without sending it" onClick={() => void act.run(async () => setPreview(await admin.previewDigest(d.id)))}>
                        Preview
                      </button>
                      <button className="btn sm" disabled={act.busy} onClick={() => void act.run(async () => { const r = await admin.sendDigest(d.id); setSent(sentWords(r)); digests.reload(); })}>
                        Send now
                      </button>
                      <button className="btn sm danger" disabled={act.busy} onClick={() => void act.run(async () => (await admin.deleteDigest(d.id), digests.reload()))}>
                        Delete
                      </button>
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {preview && (
        <section className="card card-b digest-preview" data-testid="digest-preview" aria-label="Digest preview">
          <div className="row">
            <h2 className="admin-h2">Preview: {preview.subject}</h2>
            <button className="btn sm" onClick={() => setPreview(null)}>
              Close
            </button>
          </div>
          <p className="muted small">
            To {[...preview.recipients, ...(preview.webhook ? [`webhook ${hookName(preview.webhook)}`] : [])].join(", ")}; the {preview.period} period, as &quot;Send now&quot; would send it (nothing was sent).
          </p>
          {preview.mailProblem && (
            <p className="admin-error" role="status" data-testid="digest-preview-problem">
              It would not go out: {preview.mailProblem}.
            </p>
          )}
          <pre className="digest-text">{preview.text}</pre>
          {preview.webhookBody && (
            <details data-testid="digest-preview-webhook">
              <summary>What its webhook would receive (JSON)</summary>
              <pre className="digest-text">{JSON.stringify(JSON.parse(preview.webhookBody), null, 2)}</pre>
            </details>
          )}
          <img src={preview.chart} alt={`Chart of ${preview.subject}`} width={640} height={300} />
        </section>
      )}
    </>
  );
}

function StoreSettings({ store }: { store: string }) {
  const admin = useAdmin();
  const { api } = useSession();
  const layout = useQ(["layout", store], (signal) => api.layout(store, undefined, signal));
  // The group list and this store's groups are one read, answered together: read apart, they came back one
  // after the other, and a group just made showed (the list first) unticked until the store's groups arrived.
  const groups = useQ(["admin-store-groups", store], () =>
    Promise.all([admin.groups(), admin.storeGroups(store)])
      .then(([all, mine]) => ({ all, mine }))
      .catch(() => null),
  );
  // Opening hours through api/alerts.ts, the one hours wrapper (the Alerts view's too).
  const hoursApi = useMemo(() => alertsApi(api.token), [api.token]);
  const hours = useQ(["admin-hours", store], () => hoursApi.hours(store).catch(() => null));
  const tzNow = useStoreZones([store]).get(store);
  if (layout.status === "error" && !layout.data) return <ErrorState error={layout.error} onRetry={layout.reload} />;
  if (!layout.data) return <Loading label="Loading the store…" />;
  return (
    <>
      <section className="card card-b">
        <StoreHeading what="Settings" store={store} testId="settings">
          The name, time zone, currency, groups and opening hours below are this store&apos;s only.
        </StoreHeading>
      </section>
      <Section title="Name, time zone, currency">
        {/* Keyed by store only: the reload after a save must not remount the form (its "Saved." would go). */}
        <Basics key={store} store={store} layout={layout.data} onSaved={layout.reload} />
      </Section>
      <Section title="Groups">
        {groups.data === null ? (
          <p className="muted">Store groups are not available on this server.</p>
        ) : !groups.data ? (
          <Loading />
        ) : (
          <Groups
            key={`${store}:${groups.data.all.map((g) => g.id).join(",")}:${groups.data.mine.join(",")}`}
            store={store}
            all={groups.data.all}
            mine={groups.data.mine}
            onSaved={groups.reload}
          />
        )}
      </Section>
      <Section title={`Opening hours${tzNow ? ` (${tzNow})` : ""}`}>
        {hours.data === null ? (
          <p className="muted">Opening hours are not available on this server.</p>
        ) : !hours.data ? (
          <Loading />
        ) : (
          <OpeningHoursEditor key={store} store={store} hours={hours.data.hours} scheduled={hours.data.scheduled} timeZone={hours.data.timezone} api={hoursApi} onSaved={hours.reload} />
        )}
      </Section>
    </>
  );
}

const Section = ({ title, children }: { title: string; children: ReactNode }) => (
  <section className="card card-b">
    <h2 className="admin-h2">{title}</h2>
    {children}
  </section>
);

function Basics({ store, layout, onSaved }: { store: string; layout: Layout; onSaved: () => void }) {
  const { api, storesChanged } = useSession();
  const [name, setName] = useState(layout.name);
  const [timezone, setTimezone] = useState(layout.timezone);
  const [currency, setCurrency] = useState(layout.currency ?? "");
  const [done, setDone] = useState(false);
  const act = useAction();
  const zones = useMemo(() => (typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [layout.timezone]), [layout.timezone]);
  // A name saved before the name rule (an ESC in it) is refused by the server at any save: said here first.
  const nameIssue = nameProblem("Name", name ?? "");
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (nameIssue) return;
    void act.run(async () => {
      const input: LayoutInput = { name, validFrom: serverNow(), timezone, ...(currency ? { currency } : {}), floor: layout.floor, zones: layout.zones };
      await api.saveLayout(store, input);
      setDone(true);
      onSaved();
      // The name shows in the heading, the store menu, the tab's title and the other views at once.
      await storesChanged();
    });
  };
  return (
    <form className="row" onSubmit={submit} data-testid="store-basics">
      <label className="row">
        <span>Name</span>
        <input className="field" aria-label="Store name" value={name} onChange={(e) => (setName(e.target.value), setDone(false))} required maxLength={200} />
      </label>
      <label className="row">
        <span>Time zone</span>
        <select className="field" aria-label="Time zone" value={timezone} onChange={(e) => (setTimezone(e.target.value), setDone(false))}>
          {!zones.includes(timezone) && <option value={timezone}>{timezone}</option>}
          {zones.map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </select>
      </label>
      <label className="row">
        <span>Currency</span>
        <input className="field narrow" aria-label="Currency" placeholder="EUR" value={currency} pattern="^[A-Z]{3}$" title="three capital letters (ISO 4217), e.g. EUR" onChange={(e) => (setCurrency(e.target.value.toUpperCase()), setDone(false))} />
      </label>
      <button className="btn primary" disabled={act.busy || nameIssue !== null}>
        Save (a new layout version from now)
      </button>
      {done && <span className="muted" role="status">Saved.</span>}
      <NameLine problem={nameIssue} testId="store-name-problem" />
      <ErrorLine error={act.error} />
    </form>
  );
}

function Groups({ store, all, mine, onSaved }: { store: string; all: { id: string; name: string }[]; mine: string[]; onSaved: () => void }) {
  const admin = useAdmin();
  const { me } = useSession();
  const [chosen, setChosen] = useState(new Set(mine));
  const act = useAction();
  const [name, setName] = useState("");
  const id = groupIdOf(name);
  const nameIssue = nameProblem("Name", name.trim());
  const create = (e: FormEvent) => {
    e.preventDefault();
    if (nameIssue) return;
    void act.run(async () => {
      await admin.createGroup({ id, name: name.trim(), stores: [store] });
      setName("");
      onSaved();
    });
  };
  return (
    <>
      {all.length === 0 ? (
        <p className="muted">{mayChangeGroups(me) ? "No store groups yet: make one below (a region, a format); it starts with this store, and the chain view then filters and totals by it." : "This store is in no group."}</p>
      ) : (
        <GroupChoice all={all} chosen={chosen} setChosen={setChosen} busy={act.busy} onSave={() => void act.run(async () => (await admin.setStoreGroups(store, [...chosen]), onSaved()))} />
      )}
      {mayChangeGroups(me) ? (
        <form className="row" onSubmit={create} data-testid="group-form">
          <input className="field" aria-label="New group's name" placeholder="New group, e.g. North" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
          <button className="btn" disabled={act.busy || id === "" || nameIssue !== null} title={id ? `A new group "${id}" holding this store` : "Give it a name with letters or digits"}>
            Create group with this store
          </button>
          <NameLine problem={nameIssue} testId="group-name-problem" />
        </form>
      ) : (
        <p className="muted small" data-testid="group-form-limited">
          New groups are made by an admin of every store: this token is limited to {me.store !== null ? "this store" : `group ${nameShown(all.find((g) => g.id === me.group)?.name) ?? me.group}`}.
        </p>
      )}
      <ErrorLine error={act.error} />
    </>
  );
}

function GroupChoice({ all, chosen, setChosen, busy, onSave }: { all: { id: string; name: string }[]; chosen: Set<string>; setChosen: (s: Set<string>) => void; busy: boolean; onSave: () => void }) {
  return (
    <div className="row">
      {all.map((g) => (
        <label key={g.id} className="row toggle">
          <input type="checkbox" checked={chosen.has(g.id)} onChange={(e) => { const next = new Set(chosen); if (e.target.checked) next.add(g.id); else next.delete(g.id); setChosen(next); }} />
          <span>{nameShown(g.name)}</span>
        </label>
      ))}
      <button className="btn primary" disabled={busy} onClick={onSave}>
        Save groups
      </button>
    </div>
  );
}
