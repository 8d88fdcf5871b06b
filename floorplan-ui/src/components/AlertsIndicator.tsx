import { useMemo } from "react";
import { alertsApi, type ShownAlert } from "../api/alerts.js";
import { useQ } from "../hooks/useQ.js";
import type { LiveChannel } from "../live/liveStore.js";
import { useLive } from "../live/useLive.js";
import { canSee } from "../model/auth.js";
import { nameShown } from "../model/names.js";
import { formatHash, type ViewId } from "../model/route.js";
import { useSession } from "../session.js";

/**
 * How often a view other than Live and Alerts asks for the store's active alerts, as a fallback (a link down): every
 * role's link pushes each change of them (within a second or so), staff's and admins' live link, viewers' and
 * merchandisers' alerts-only link (the live occupancy stays staff's). Those asked every 20 s before.
 */
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
  return <PushedStoreAlerts store={store} channel={canSee(me.role, "live") ? "live" : "alerts"} />;
}

/**
 * The store's active alerts as its link pushes them (the server's `alerts` event at each join and each change), asked
 * for at first and every {@link ALERTS_FALLBACK_POLL_MS} as a fallback (a link down). Staff and admins: the Live view's
 * socket and join (one link for both); viewers and merchandisers: the alerts-only link. A new alert used to wait for the
 * next 20 s poll.
 */
function PushedStoreAlerts({ store, channel }: { store: string; channel: LiveChannel }) {
  const live = useLive(store, channel);
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
