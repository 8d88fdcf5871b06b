/**
 * Live (floor staff, tablet): the store's occupancy against capacity in large type, each zone on
 * the plan, states in colour and in words, an alert when over capacity, and a visible
 * "reconnecting" state. Fits 1024x768 and 768x1024 without scrolling.
 */
import { useEffect, useMemo, useState } from "react";
import type { Layout } from "@footfall/core";
import type { ViewProps } from "../App.js";
import { isNotFound } from "../api/client.js";
import { useAsync } from "../hooks/useAsync.js";
import { useNow } from "../hooks/useNow.js";
import { useLive } from "../live/useLive.js";
import type { LiveSnapshot } from "../live/liveStore.js";
import { liveScene, STATE_STYLE, type LiveScene } from "../model/live.js";
import { formatAgo, formatPercent } from "../model/format.js";
import { useSession } from "../session.js";
import { PlanStage } from "../components/PlanStage.js";
import { LiveZones } from "../components/LiveZones.js";
import { Empty, ErrorState, Loading } from "../components/States.js";
import "../styles/live.css";

export default function LiveView({ store, kiosk }: ViewProps) {
  const { api, stores } = useSession();
  const [layoutTick, setLayoutTick] = useState(0);
  const layout = useAsync((signal) => api.layout(store, undefined, signal), [api, store, layoutTick]);
  const live = useLive(store);
  const now = useNow(1000);

  // A zone we do not know means a new layout version: fetch it.
  const unknownZone = layout.data && live.occupancy?.zones.some((z) => !layout.data!.zones.some((l) => l.id === z.zone));
  useEffect(() => {
    if (unknownZone && layout.status === "ok") setLayoutTick((t) => t + 1);
  }, [unknownZone, layout.status]);
  // Keep asking while the layout cannot be fetched (a tablet left alone must recover).
  useEffect(() => {
    if (layout.status !== "error" || isNotFound(layout.error)) return;
    const t = setTimeout(layout.reload, 5000);
    return () => clearTimeout(t);
  }, [layout.status, layout.error, layout.reload]);

  const scene = useMemo(() => (layout.data ? liveScene(layout.data, live.occupancy) : null), [layout.data, live.occupancy]);
  const name = stores.find((s) => s.id === store)?.name ?? store;

  let body;
  if (!layout.data && layout.status === "loading") body = <Loading label="Loading the floor plan…" />;
  else if (!layout.data && layout.status === "error") {
    body = isNotFound(layout.error) ? <Empty icon="plan" title="No layout for this store yet">An admin draws the zones in Layout; the live view appears here once it is saved.</Empty> : <ErrorState error={layout.error!} onRetry={layout.reload} />;
  } else body = <LiveBody layout={layout.data!} scene={scene!} live={live} />;

  return (
    <div className={`live ${kiosk ? "kiosk" : ""}`} data-testid="live" data-status={live.status}>
      <div className="live-top">
        <div>
          <div className="live-store">{name}</div>
          <div className="muted small">{clock(now, layout.data?.timezone)} · occupancy now</div>
        </div>
        <div className="spacer" />
        <StatusPill live={live} now={now} />
        {!kiosk && (
          <a className="btn sm" href={`#/live/${encodeURIComponent(store)}?kiosk=1`} title="Full-screen view for a tablet; the token stays stored on this device">
            Kiosk mode
          </a>
        )}
      </div>
      {body}
    </div>
  );
}

function LiveBody({ layout, scene, live }: { layout: Layout; scene: LiveScene; live: LiveSnapshot }) {
  const style = STATE_STYLE[scene.state];
  const stale = live.status !== "live";
  return (
    <>
      {stale && live.occupancy && (
        <div className="live-stale" role="status" data-testid="live-stale">
          <span className="spinner sm" aria-hidden />
          <div>
            <b>{live.status === "refused" ? "Not connected." : "Connection lost, reconnecting…"}</b> The figures below are from {live.receivedAt ? timeOf(live.receivedAt) : "before"} and may be out of date.
          </div>
        </div>
      )}
      {scene.alerts.length > 0 && (
        <div className="live-alert" role="alert" data-testid="live-alert">
          <span className="live-alert-icon" aria-hidden>!</span>
          <div>
            <b>Over capacity</b> · {scene.alerts.join(" · ")}
          </div>
        </div>
      )}
      <div className={`live-main ${stale ? "stale" : ""}`}>
        <section className="card live-plan" aria-label="Zones on the floor plan">
          <PlanStage floor={layout.floor} interactive={false} padding={16} label={`Floor plan of ${layout.name ?? layout.store} with zone occupancy`}>
            {(v) => <LiveZones zones={scene.zones} viewport={v} />}
          </PlanStage>
        </section>
        <aside className="live-side">
          <section className={`card live-total state-${scene.state}`} data-testid="live-total" data-total={scene.total} data-state={scene.state}>
            <div className="live-total-label">In the store</div>
            <div className="live-total-fig">
              <span className="live-big" data-testid="live-total-value">{scene.total}</span>
              {scene.capacity !== null && <span className="live-cap">/ {scene.capacity}</span>}
            </div>
            {scene.capacity !== null ? (
              <>
                <div className="meter" aria-hidden>
                  <div style={{ width: `${Math.min(100, (scene.ratio ?? 0) * 100)}%`, background: style.fill }} />
                </div>
                <div className="live-state" style={{ color: style.fill }}>
                  <span className="dot" style={{ background: style.fill }} /> {style.word} · {formatPercent(scene.ratio ?? 0)} of capacity
                </div>
              </>
            ) : (
              <div className="muted">No capacity set on any zone</div>
            )}
          </section>
          <section className="card live-zones" aria-label="Zones">
            {scene.zones.length === 0 && <div className="muted" style={{ padding: 16 }}>This layout has no zones.</div>}
            <ul>
              {scene.zones.map((z) => {
                const s = STATE_STYLE[z.state];
                return (
                  <li key={z.id} data-testid={`live-zone-${z.id}`} data-occupancy={z.occupancy} data-state={z.state}>
                    <span className="zname">{z.name}</span>
                    <span className="zfig">
                      <b>{z.occupancy}</b>
                      {z.capacity !== null && <span className="muted">/{z.capacity}</span>}
                    </span>
                    <span className="zstate" style={{ background: s.soft, color: z.state === "none" ? "#475569" : s.fill }}>{s.word}</span>
                    <span className="zbar" aria-hidden>
                      <span style={{ width: `${Math.min(100, (z.ratio ?? 0) * 100)}%`, background: s.fill }} />
                    </span>
                  </li>
                );
              })}
            </ul>
          </section>
        </aside>
      </div>
    </>
  );
}

function StatusPill({ live, now }: { live: LiveSnapshot; now: number }) {
  const text = {
    connecting: "Connecting…",
    live: live.receivedAt ? `Live · updated ${formatAgo(live.receivedAt, now)}` : "Live",
    reconnecting: live.lostAt && now - live.lostAt >= 5000 ? `Reconnecting… · offline ${formatAgo(live.lostAt, now).replace(" ago", "")}` : "Reconnecting…",
    refused: `Not connected: ${live.error ?? "refused"}`,
  }[live.status];
  return (
    <div className={`pill pill-${live.status}`} role="status" aria-live="polite" data-testid="live-status">
      <span className="pill-dot" aria-hidden />
      {text}
    </div>
  );
}

function timeOf(ts: number): string {
  return new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" }).format(ts);
}

function clock(now: number, timeZone = "UTC"): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "long", hour: "2-digit", minute: "2-digit" }).format(now);
}
