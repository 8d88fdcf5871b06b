import { useMemo } from "react";
import { alertsApi } from "../api/alerts.js";
import { useQ } from "../hooks/useQ.js";
import { canSee } from "../model/auth.js";
import { nameShown } from "../model/names.js";
import { formatHash, type ViewId } from "../model/route.js";
import { useSession } from "../session.js";

/** How often a view other than Live and Alerts asks for the store's active alerts. */
export const ALERTS_POLL_MS = 20_000;

/**
 * The header's sign that the store has alerts on, on the views without the alert banner (Heatmap,
 * Flows, Report, Layout...): "1 alert" (red while one is not acknowledged, else "1 acknowledged"),
 * each message in its tooltip, a link to the Alerts view for the roles that open it; every role
 * reads alerts. No sound: the banner on Live and Alerts is the one that rings. Nothing while none.
 */
export function AlertsIndicator({ view, store }: { view: ViewId; store: string | null }) {
  const { api, me } = useSession();
  const client = useMemo(() => alertsApi(api.token), [api.token]);
  const shown = store !== null && view !== "live" && view !== "alerts";
  const q = useQ(["alerts-active", store], (signal) => client.active(store!, signal), { enabled: shown, refetchInterval: ALERTS_POLL_MS });
  const alerts = shown ? (q.data?.alerts ?? []) : [];
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
