/**
 * Live (floor staff, tablet): the store's occupancy against capacity in large type, each zone on
 * the plan and in a list worst first, states in colour and in words ("at capacity", "over by 8"),
 * an alert with since when, and a visible "reconnecting" state. Fits 1024x768 and 768x1024 without
 * scrolling, the app's header included, and a busy day's 1280x800 kiosk (two alerts, a queue tile saying
 * "Open another till") with every zone in the list. Every time is the store's, labelled with its zone.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { isOpen, openIntervals, type Layout } from "@footfall/core";
import type { ViewProps } from "../App.js";
import { isNotFound } from "../api/client.js";
import { useQ } from "../hooks/useQ.js";
import { useNow } from "../hooks/useNow.js";
import { useServerNow } from "../hooks/useServerNow.js";
import { useLive } from "../live/useLive.js";
import type { LiveSnapshot } from "../live/liveStore.js";
import { AlertBanner, AlertSoundToggle, attentionWithAlerts } from "../components/AlertBanner.js";
import { alertsApi } from "../api/alerts.js";
import { nothingCounted, nothingCountedPillText, notCountedSinceText, type NotCountedSpan } from "../model/not-counted.js";
import { alertNow, attentionReason, BUSY_AT, cardStateLine, connectionNotice, doorCountFromClosing, liveScene, notCountedText, partialText, STATE_STYLE, stateText, totalSourceText, type LiveOccupancy, type LiveScene, type OverSince, overSinceOf, overSinceText, overSinceTracker, zoneListForm } from "../model/live.js";
import { formatAgo, formatTime, zoneAbbr } from "../model/format.js";
import { openingOutlook } from "../model/forecast.js";
import { useSession } from "../session.js";
import { PlanStage } from "../components/PlanStage.js";
import { LiveZones } from "../components/LiveZones.js";
import { BusyOutlookLine } from "../components/BusyOutlook.js";
import { QueueTiles } from "../components/QueueTiles.js";
import { useLiveQueues } from "../hooks/useLiveQueues.js";
import { Empty, ErrorState, Loading } from "../components/States.js";
import "../styles/live.css";
import { nameShown } from "../model/names.js";

const DAY_MS = 86_400_000;
/** More zones than this: the list gets a column of its own on a landscape tablet (twelve under the store card scrolled at 1280x800 with an alert). */
const MANY_ZONES = 9;

/** A set of zone ids as one comparable string. */
const zoneSet = (ids: readonly string[]) => JSON.stringify([...ids].sort());

export default function LiveView({ store, kiosk }: ViewProps) {
  const { api, stores } = useSession();
  const layout = useQ(["layout", store], (signal) => api.layout(store, undefined, signal));
  const live = useLive(store);
  const now = useNow(1000);
  // Whether the store has opening hours: the door count runs from its last closing, else from midnight.
  const hours = useQ(["hours", store], () => alertsApi(api.token).hours(store));
  const hasHours = hours.data ? doorCountFromClosing(hours.data.hours, now, hours.data.timezone) : null;
  // Open now by those hours: a closed store's door count runs from the closing just past.
  const openNow = hours.data?.hours ? isOpen(hours.data.hours, now, hours.data.timezone) : null;
  // Closed by those hours: the store card says so and when it opens ("Closed now · opens at 07:00", the outlook's words), not "OK · 0%".
  const outlook = hours.data?.hours && openNow === false ? openingOutlook(openIntervals(hours.data.hours, { from: now - DAY_MS, to: now + 2 * DAY_MS }, hours.data.timezone), now, hours.data.timezone) : null;
  const closedText = outlook?.closedNow ? outlook.text : null;

  // The live figures say which layout version they are counted on (and name every zone of it): another version (a zone
  // added, removed, renamed or moved, which would stay so on the plan, the list and the store's capacity) means the layout
  // in force changed: fetch it, once per version (no refetch loop). Figures without a version: their set of zones tells.
  const liveVersion = live.occupancy?.layoutVersion;
  const liveZones = live.occupancy ? (liveVersion !== undefined ? `version ${liveVersion}` : zoneSet(live.occupancy.zones.map((z) => z.zone))) : null;
  const shownZones = layout.data ? (liveVersion !== undefined ? `version ${layout.data.version}` : zoneSet(layout.data.zones.map((z) => z.id))) : null;
  const { status: layoutStatus, reload: reloadLayout } = layout;
  const askedFor = useRef<string | null>(null);
  useEffect(() => {
    if (liveZones === null || shownZones === null || layoutStatus !== "ok") return;
    if (liveZones === shownZones) askedFor.current = null;
    else if (askedFor.current !== liveZones) {
      askedFor.current = liveZones;
      reloadLayout();
    }
  }, [liveZones, shownZones, layoutStatus, reloadLayout]);
  // Keep asking while the layout cannot be fetched (a tablet left alone must recover).
  useEffect(() => {
    if (layout.status !== "error" || isNotFound(layout.error)) return;
    const t = setTimeout(layout.reload, 5000);
    return () => clearTimeout(t);
  }, [layout.status, layout.error, layout.reload]);

  const scene = useMemo(() => (layout.data ? liveScene(layout.data, live.occupancy as LiveOccupancy | null, BUSY_AT, live.alerts?.thresholds) : null), [layout.data, live.occupancy, live.alerts]);
  const overSince = useOverSince(scene, live.occupancy?.ts ?? null);
  const name = nameShown(stores.find((s) => s.id === store)?.name) ?? store;
  const timeZone = layout.data?.timezone ?? "UTC";

  let body;
  if (!layout.data && layout.status === "loading") body = <Loading label="Loading the floor plan…" />;
  else if (!layout.data && layout.status === "error") {
    body = isNotFound(layout.error) ? <Empty icon="plan" title="No layout for this store yet">An admin draws the zones in Layout; the live view appears here once it is saved.</Empty> : <ErrorState error={layout.error!} onRetry={layout.reload} />;
  } else body = <LiveBody store={store} layout={layout.data!} scene={scene!} live={live} overSince={overSince} timeZone={timeZone} hasHours={hasHours} openNow={openNow} closedText={closedText} />;

  return (
    <div className={`live ${kiosk ? "kiosk" : ""}`} data-testid="live" data-status={live.status}>
      <div className="live-top">
        <div className="live-title">
          <h1 className="live-store">{name}</h1>
          <div className="muted small" data-testid="live-clock">{layout.data ? clock(now, timeZone) : ""} · occupancy now</div>
          {layout.data && <BusyOutlookLine store={store} timeZone={timeZone} />}
        </div>
        <div className="spacer" />
        <AlertSoundToggle />
        <StatusPill live={live} now={now} nothing={scene ? nothingCounted(scene.zones.flatMap((z) => (z.notCounted ? [z.notCounted] : [])), scene.zones.length) : null} timeZone={timeZone} />
        {!kiosk && (
          <a className="btn live-touch" href={`#/live/${encodeURIComponent(store)}?kiosk=1`} title="Full-screen view for a tablet; the token stays stored on this device">
            Kiosk mode
          </a>
        )}
      </div>
      {body}
    </div>
  );
}

/** Since when each alert is on, kept across occupancy messages (by the server's time of each); worked out while rendering, see overSinceTracker. */
function useOverSince(scene: LiveScene | null, ts: number | null): OverSince {
  const [track] = useState(overSinceTracker);
  return track(scene, ts);
}

function LiveBody({ store, layout, scene, live, overSince, timeZone, hasHours, openNow, closedText }: { store: string; layout: Layout; scene: LiveScene; live: LiveSnapshot; overSince: OverSince; timeZone: string; hasHours: boolean | null; openNow: boolean | null; closedText: string | null }) {
  const { signOut } = useSession();
  // Outages' starts are worded against the server's day: "Since Fri 17:34 CET" seen on Monday.
  const serverNow = useServerNow(60_000);
  // The store card follows the alert banner: red while an alert fires.
  const attention = attentionWithAlerts(scene.attention, live.alerts);
  const card = STATE_STYLE[attention];
  const own = STATE_STYLE[scene.state];
  const stale = live.status !== "live";
  const notice = connectionNotice(live.status, live.error);
  const reason = attentionReason(scene);
  const partial = partialText(scene);
  // The card's state line: its word and colour follow the store's own state ("OK" green even while an alert makes the
  // card red; the reason after it in the card's colour), "Not counted now" in grey when no zone is counted.
  const line = cardStateLine(scene, attention, closedText);
  // The zone list: full rows while they fit; past that (a kiosk has no one to scroll it) dense not-counted rows, one
  // line each, their since when in a legend above. Measured in the full form before paint, again at each change of the
  // rows' states or of the window's size.
  const zonesBox = useRef<HTMLElement>(null);
  const [win, setWin] = useState(() => `${window.innerWidth}x${window.innerHeight}`);
  useEffect(() => {
    const onResize = () => setWin(`${window.innerWidth}x${window.innerHeight}`);
    window.addEventListener("resize", onResize);
    return () => window.removeEventListener("resize", onResize);
  }, []);
  const rowsKey = `${win}|${scene.zones.map((z) => `${z.id}:${z.notCounted ? `n${z.notCounted.since}` : z.state}`).join(",")}`;
  const [denseFor, setDenseFor] = useState<string | null>(null);
  const list = zoneListForm(scene.zones, denseFor === rowsKey, timeZone, serverNow);
  useLayoutEffect(() => {
    const el = zonesBox.current;
    if (!el || denseFor === rowsKey) return;
    if (el.scrollHeight > el.clientHeight + 1 && scene.zones.some((z) => z.notCounted)) setDenseFor(rowsKey);
  }, [denseFor, rowsKey, scene.zones]);
  // The server's alert's time where one says the zone is over (as the banner), else the tablet's own.
  const sinceText = (id: string) => overSinceText(overSinceOf(id, overSince, live.alerts), timeZone, serverNow);
  const hasQueues = layout.zones.some((z) => z.kind === "queue");
  // One read of the queue figures for the tiles and the banner's "now 2 waiting" (people the tracking lost left out, as the tile does).
  const queues = useLiveQueues(layout.store, live.occupancy, hasQueues);
  // Checkout queues, or more zones than a list under the store card holds on a landscape tablet with an
  // alert and the over-capacity strip: the zones get a column of their own, the whole height (live.css).
  const ownColumn = hasQueues || layout.zones.length > MANY_ZONES ? " with-queues" : "";
  return (
    <>
      {stale && notice && (live.occupancy || notice.signIn) && (
        <div className={`live-stale${notice.signIn ? " live-refused" : ""}`} role="status" data-testid="live-stale" data-sign-in={notice.signIn}>
          {!notice.signIn && <span className="spinner sm" aria-hidden />}
          <div>
            <b>{notice.title}</b> {notice.detail}
            {notice.detail ? " " : ""}
            {live.occupancy ? <>The figures below are from {live.occupancy.ts ? formatTime(live.occupancy.ts, timeZone, { seconds: true }) : "before"} and may be out of date.</> : null}
          </div>
          {notice.signIn && (
            <button type="button" className="btn primary live-touch" data-testid="live-sign-in" onClick={signOut}>
              Sign in again
            </button>
          )}
        </div>
      )}
      <AlertBanner store={store} alerts={live.alerts} timeZone={timeZone} nowOf={(a) => alertNow(a, scene, queues.data?.queues)} />
      {scene.alerts.length > 0 && (
        <div className="live-alert" role="alert" data-testid="live-alert">
          <span className="live-alert-icon" aria-hidden>!</span>
          <div>
            <b>Over capacity</b>
            {scene.alerts.map((a) => (
              <span key={a.id} className="live-alert-item" data-testid={`live-alert-${a.id}`}>
                {" · "}
                {a.text} <span className="live-alert-since">({sinceText(a.id)})</span>
              </span>
            ))}
          </div>
        </div>
      )}
      <div className={`live-main${stale ? " stale" : ""}${ownColumn}`}>
        <section className="card live-plan" aria-label="Zones on the floor plan">
          <PlanStage floor={layout.floor} interactive={false} padding={16} label={`Floor plan of ${nameShown(layout.name) ?? layout.store} with zone occupancy`}>
            {(v) => <LiveZones zones={scene.zones} viewport={v} />}
          </PlanStage>
        </section>
        <div className={`live-side${ownColumn}`}>
          <section className={`card live-total state-${attention}`} aria-label="The whole store" data-testid="live-total" data-total={scene.total} data-state={scene.state} data-attention={attention} data-partial={partial ? "yes" : "no"}>
            <div className="live-total-label">In the store</div>
            <div className="live-total-fig">
              <span className="live-big" data-testid="live-total-value">{scene.total}</span>
              {scene.capacity !== null && <span className="live-cap">/ {scene.capacity}</span>}
            </div>
            <div className="live-source" data-testid="live-source">
              {totalSourceText(scene.totalFrom, hasHours, openNow)}
              {scene.totalFrom === "door" ? <> · <b data-testid="live-in-zones">{scene.inZones}</b> followed in zones</> : scene.totalFrom === "unknown" ? <> · <b data-testid="live-in-zones">{scene.inZones}</b> in zones</> : null}
            </div>
            {partial && (
              <div className="live-partial" role="status" data-testid="live-partial">
                {partial}
              </div>
            )}
            {scene.capacity !== null ? (
              <>
                <div className="meter" aria-hidden>
                  <div style={{ width: `${Math.min(100, (scene.ratio ?? 0) * 100)}%`, background: line.kind === "not-counted" ? line.fill : own.fill }} />
                </div>
                <div className="live-state" style={{ color: line.ink }} data-testid="live-state" data-line={line.kind}>
                  <span className="dot" style={{ background: line.fill }} />
                  {/* One inline run, so the reason wraps as text after the figure, not as a column of its own. */}
                  <span>
                    {line.text}
                    {reason && (
                      <span className="live-state-reason" style={{ color: card.ink }} data-testid="live-state-reason">
                        {" "}
                        · {reason}
                      </span>
                    )}
                  </span>
                </div>
              </>
            ) : (
              <div className="muted">No capacity set on any zone</div>
            )}
          </section>
          <QueueTiles q={queues} live={live} hasQueues={hasQueues} timeZone={timeZone} openNow={openNow} />
          <section ref={zonesBox} className={`card live-zones${list.form === "dense" ? " dense" : ""}`} aria-label="Zones, worst first" tabIndex={0} data-form={list.form}>
            {scene.zones.length === 0 && <div className="muted" style={{ padding: 16 }}>This layout has no zones.</div>}
            {list.legend.length > 0 && (
              <div className="live-nc-legend" data-testid="live-not-counted-legend">
                {list.legend.map((g) => (
                  <div key={g.text}>
                    {g.mark !== null && <span className="nc-mark">{g.mark}</span>}
                    {g.text}
                  </div>
                ))}
              </div>
            )}
            <ul data-testid="live-zone-list">
              {scene.zones.map((z) => {
                const s = STATE_STYLE[z.state];
                const over = z.state === "over";
                if (z.notCounted) {
                  // Nothing counts it now: no figure that reads as live; a grey "Not counted now" where a counted zone has
                  // its figure and state (no wider than those, so the name keeps as much room: "Aisle 2 s…" when the label
                  // and a dash took it), since when and which agents on one short line under the name, and no bar: two
                  // lines a row, so the demo's twelve fit a kiosk with an alert (three lines a row showed 8 at 1024x768).
                  if (list.form === "dense") {
                    // One line: the name and a grey "Not counted" (with its legend line's number when there are
                    // several); since when and which agents in the legend above and in the row's tooltip.
                    const mark = list.markOf[z.id] ?? null;
                    const text = notCountedText(z.notCounted, timeZone, serverNow);
                    return (
                      <li key={z.id} className="not-counted dense" title={`Not counted now: ${text}`} data-testid={`live-zone-${z.id}`} data-occupancy={z.occupancy} data-state="not-counted" data-offline-since={z.notCounted.since}>
                        <span className="zname">{z.name}</span>
                        <span className="zstate">
                          Not counted{mark !== null && <span className="nc-mark">{mark}</span>}
                        </span>
                      </li>
                    );
                  }
                  return (
                    <li key={z.id} className="not-counted" data-testid={`live-zone-${z.id}`} data-occupancy={z.occupancy} data-state="not-counted" data-offline-since={z.notCounted.since}>
                      <span className="zname">{z.name}</span>
                      <span className="zstate">Not counted now</span>
                      <span className="zsince" data-testid={`live-zone-offline-${z.id}`}>
                        {notCountedText(z.notCounted, timeZone, serverNow)}
                      </span>
                    </li>
                  );
                }
                return (
                  <li key={z.id} className={over ? "over" : undefined} data-testid={`live-zone-${z.id}`} data-occupancy={z.occupancy} data-state={z.state}>
                    <span className="zname">{z.name}</span>
                    {over && (
                      <span className="zsince" data-testid={`live-zone-since-${z.id}`}>
                        {sinceText(z.id)}
                      </span>
                    )}
                    <span className="zfig">
                      {z.doorOnly ? (
                        <span className="muted small" title="Counted by the door counter: see the store total">door</span>
                      ) : (
                        <>
                          <b>{z.occupancy}</b>
                          {z.capacity !== null && <span className="muted">/{z.capacity}</span>}
                        </>
                      )}
                    </span>
                    <span className="zstate" style={over ? { background: s.fill, color: "#ffffff" } : { background: s.soft, color: s.ink }}>
                      {z.doorOnly ? "Door" : stateText(z.occupancy, z.capacity, z.state)}
                    </span>
                    <span className="zbar" aria-hidden>
                      <span style={{ width: `${Math.min(100, (z.ratio ?? 0) * 100)}%`, background: s.fill }} />
                    </span>
                  </li>
                );
              })}
            </ul>
          </section>
        </div>
      </div>
    </>
  );
}

/**
 * The connection's state; while connected but nothing is counted (every zone's agents offline), not a green "Live" but an
 * amber "Nothing counted since 17:34 CET": the figures below are the count from before (not-counted's words).
 */
function StatusPill({ live, now, nothing, timeZone }: { live: LiveSnapshot; now: number; nothing: NotCountedSpan | null; timeZone: string }) {
  const stopped = live.status === "live" && nothing !== null;
  const serverNow = useServerNow(60_000);
  const text = stopped ? nothingCountedPillText(nothing, timeZone, serverNow) : {
    connecting: "Connecting…",
    live: live.receivedAt ? `Live · updated ${formatAgo(live.receivedAt, now)}` : "Live",
    reconnecting: live.lostAt && now - live.lostAt >= 5000 ? `Reconnecting… · offline ${formatAgo(live.lostAt, now).replace(" ago", "")}` : "Reconnecting…",
    refused: `Not connected: ${live.error ?? "refused"}`,
  }[live.status];
  return (
    <div className={`pill pill-${stopped ? "not-counted" : live.status}`} role="status" aria-live="polite" data-testid="live-status" data-counting={stopped ? "none" : undefined} title={stopped ? `${notCountedSinceText(nothing, timeZone, serverNow)}: the figures are the count from before` : undefined}>
      <span className="pill-dot" aria-hidden />
      {text}
    </div>
  );
}

/** The store's day and time, labelled with its zone: `Sunday 09:58 CET`. */
function clock(now: number, timeZone: string): string {
  return `${new Intl.DateTimeFormat("en-GB", { timeZone, weekday: "long", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(now)} ${zoneAbbr(now, timeZone)}`;
}
