/**
 * The live tablet's checkout queues (issue 14.1): one tile per queue zone with the people waiting
 * and the estimated wait for someone joining now, the tills open (people the server sees at the
 * tills), from the figures useLiveQueues reads every 5 seconds and at once when the live push shows another
 * number of people in a queue zone than the tile (so the tile agrees with the map beside it; people
 * the tracking lost, whom the map counts for up to half an hour, are said under the count: the server's
 * `lost`, the same people), and
 * "Open another till" when the store's queue alert rule fires or, without one, at the simple rule
 * (4 people waiting or a 3-minute wait). Nothing shows for a layout without queues.
 */
import { useMemo } from "react";
import type { LiveQueuesResponse } from "../api/queues.js";
import type { AsyncState } from "../hooks/useQ.js";
import { sinceWords } from "../model/not-counted.js";
import { useServerNow } from "../hooks/useServerNow.js";
import { queueTiles, type QueueAlert, type QueueTile } from "../model/queues.js";
import "../styles/queues.css";

/** `q`: the live queue figures (useLiveQueues), which the view's alert banner reads too; `openNow`: open by the store's hours (null: none), for an empty line's "closed". */
export function QueueTiles({ q, live, hasQueues, timeZone, openNow = null }: { q: AsyncState<LiveQueuesResponse | undefined>; live: { status: string; occupancy?: { zones: readonly { zone: string; occupancy: number }[] } | null; alerts?: { alerts: readonly QueueAlert[] } | null }; hasQueues: boolean; timeZone: string; openNow?: boolean | null }) {
  const tiles = useMemo(() => (q.data ? queueTiles(q.data.queues, live.alerts?.alerts ?? [], openNow) : []), [q.data, live.alerts, openNow]);
  if (!hasQueues) return null;
  if (!q.data) return q.status === "error" ? <section className="card live-queues muted small" data-testid="queue-tiles-error">Queue figures cannot be read now; trying again.</section> : null;
  return (
    <section className={`live-queues ${q.status === "error" ? "stale" : ""}`} aria-label="Checkout queues" data-testid="queue-tiles">
      {tiles.map((t) =>
        t.offlineSince !== null ? (
          <OfflineTile key={t.zone} t={t} since={t.offlineSince} timeZone={timeZone} />
        ) : (
        <div key={t.zone} className={`card queue-tile queue-${t.state}`} data-testid={`queue-tile-${t.zone}`} data-length={t.length} data-wait={t.waitS ?? ""} data-open-till={t.openTill ? "yes" : "no"}>
          <div className="queue-name">{t.name}</div>
          <div className="queue-figs">
            <span className="queue-count">
              <span className="queue-big" data-testid={`queue-length-${t.zone}`}>{t.length}</span>
              <span className="queue-unit">{t.length === 1 ? "person waiting" : "people waiting"}</span>
            </span>
            {/* The tills and the wait wrap under the count where the tile is narrow (the tills' divider then hidden). */}
            <span className="queue-side">
              {t.tillsText !== null && (
                <span className="queue-tills" data-testid={`queue-tills-${t.zone}`} data-tills={t.tillsOpen ?? ""}>
                  {t.tillsText}
                </span>
              )}
              <span className="queue-wait" data-testid={`queue-wait-${t.zone}`}>
                Wait: <b>{t.waitText}</b>
              </span>
            </span>
          </div>
          {t.lost > 0 && (
            <div className="queue-lost" data-testid={`queue-lost-${t.zone}`} data-lost={t.lost}>
              +{t.lost} on the map not counted: in line far longer than anyone waits (lost by the tracking)
            </div>
          )}
          {t.openTill && (
            <div className="queue-action" role="alert" data-testid={`queue-open-till-${t.zone}`}>
              Open another till <span className="queue-reason">· {t.reason}</span>
            </div>
          )}
        </div>
        ),
      )}
    </section>
  );
}

/**
 * A line nothing counts now (its agents offline): no figure that reads as live, no wait, no advice;
 * since when, the agents, the people waiting then, and what to do. As short as a counted tile, so a
 * portrait tablet's column still holds it whole.
 */
function OfflineTile({ t, since, timeZone }: { t: QueueTile; since: number; timeZone: string }) {
  // Begun before today in the store: "Since Fri 15:56 CET", never a bare time that reads as recent.
  const now = useServerNow(60_000);
  return (
    <div className="card queue-tile queue-offline" data-testid={`queue-tile-${t.zone}`} data-length={t.length} data-wait="" data-open-till="no" data-offline-since={since}>
      <div className="queue-name">{t.name}</div>
      <div className="queue-offline-head">Not counted now</div>
      <div className="queue-offline-note" role="status" data-testid={`queue-offline-${t.zone}`}>
        Since {sinceWords(since, now, timeZone)} ({t.offlineAgents.join(", ")} offline). {t.length === 1 ? "1 person was" : `${t.length} people were`} waiting then: look at the line yourself.
      </div>
    </div>
  );
}
