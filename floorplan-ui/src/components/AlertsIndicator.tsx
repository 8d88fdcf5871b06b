import { useMemo } from "react";
import { alertsApi, type ShownAlert } from "../api/alerts.js";
import { useQ } from "../hooks/useQ.js";
import { useLive } from "../live/useLive.js";
import { canSee } from "../model/auth.js";
import { nameShown } from "../model/names.js";
import { formatHash, type ViewId } from "../model/route.js";
import { useSession } from "../session.js";

/**
 * How often a view other than Live and Alerts asks for the store's active alerts, for the roles that may not join the
 * live link (viewers, merchandisers: the server's live channel is staff's and admins').
 */
export const ALERTS_POLL_MS = 20_000;
/** The same, as a fallback, for the roles whose live link pushes each change of them (within a second or so). */
export const ALERTS_FALLBACK_POLL_MS = 60_000;

/**
 * The header's sign that the store has alerts on, on the views without the alert banner (Heatmap,
 * Flows, Report, Layout...): "1 alert" (red while one is not acknowledged, else "1 acknowledged"),
 * each message in its tooltip, a link to the Alerts view for the roles that open it; every role
 * reads alerts. No sound: the banner on Live and Alerts is the one that rings. Nothing while none.
 */
export function AlertsIndicator({ view, store }: { view: ViewId; store: string | null }) {
  const { me } = useSession();
  if (store === null || view === "live" || view === "alerts") return null;
  return canSee(me.role, "live") ? <LiveStoreAlerts store={store} /> : <StoreAlerts store={store} pushed={null} pollMs={ALERTS_POLL_MS} />;
}

/**
 * Staff and admins: the store's active alerts as its live link pushes them (the Live view's socket and join: the
 * server's `alerts` event at each join and each change), asked for at first and every {@link ALERTS_FALLBACK_POLL_MS}
 * as a fallback (a link down). A new alert used to wait for the next 20 s poll while the tablet's other figures were live.
 */
function LiveStoreAlerts({ store }: { store: string }) {
  const live = useLive(store);
  const pushed = live.status === "live" && live.alerts?.store === store ? live.alerts.alerts : null;
  return <StoreAlerts store={store} pushed={pushed} pollMs={ALERTS_FALLBACK_POLL_MS} />;
}

function StoreAlerts({ store, pushed, pollMs }: { store: string; pushed: readonly ShownAlert[] | null; pollMs: number }) {
  const { api, me } = useSession();
  const client = useMemo(() => alertsApi(api.token), [api.token]);
  const q = useQ(["alerts-active", store], (signal) => client.active(store, signal), { refetchInterval: pollMs });
  // What the link pushed while it is up (the store's alerts at each join, then each change); the poll's otherwise.
  const alerts = pushed ?? q.data?.alerts ?? [];
  if (alerts.length === 0) return null;
  const firing = alerts.filter((a) => a.state === "firing").length;
  const text = firing > 0 ? `${alerts.length} alert${alerts.length === 1 ? "" : "s"}` : `${alerts.length} acknowledged`;
  const title = `${firing > 0 ? `${firing} not acknowledged` : "All acknowledged"}: ${alerts.map((a) => nameShown(a.message)).join("; ")}`;
  const cls = `chip alerts-chip${firing > 0 ? " firing" : ""}`;
  const body = (
    <>
      <span className="alerts-chip-dot" aria-hidden />
      {text}
    </>
  );
  return canSee(me.role, "alerts") ? (
    <a className={cls} href={formatHash({ view: "alerts", store, params: {} })} title={title} aria-label={`${text}: open Alerts. ${title}`} data-testid="header-alerts" data-firing={firing}>
      {body}
    </a>
  ) : (
    <span className={cls} title={title} role="status" aria-label={`${text}. ${title}`} data-testid="header-alerts" data-firing={firing}>
      {body}
    </span>
  );
}
