/**
 * The live tablet's checkout queues (issue 14.1): one tile per queue zone with the people waiting
 * and the estimated wait for someone joining now, the tills open (people the server sees at the
 * tills), asked from the server every 5 seconds and at once when the live push shows another
 * number of people in a queue zone than the tile (so the tile agrees with the map beside it; people
 * the tracking lost, whom the map counts for up to half an hour, are said under the count), and
 * "Open another till" when the store's queue alert rule fires or, without one, at the simple rule
 * (4 people waiting or a 3-minute wait). Nothing shows for a layout without queues.
 */
import { useEffect, useMemo, useRef } from "react";
import { queuesApi } from "../api/queues.js";
import { useQ } from "../hooks/useQ.js";
import { queueFiguresBehind, queueTiles, type QueueAlert } from "../model/queues.js";
import { useSession } from "../session.js";
import "../styles/queues.css";

export const QUEUES_POLL_MS = 5000;

/** At most one read of the queue figures a second when the live push runs ahead of them. */
export const QUEUES_CATCH_UP_MS = 1000;

export function QueueTiles({ store, live, hasQueues }: { store: string; live: { status: string; occupancy?: { zones: readonly { zone: string; occupancy: number }[] } | null; alerts?: { alerts: readonly QueueAlert[] } | null }; hasQueues: boolean }) {
  const { api } = useSession();
  const client = useMemo(() => queuesApi(api.token), [api.token]);
  const q = useQ(["queues-live", store], (signal) => client.live(store, signal), { enabled: hasQueues, refetchInterval: QUEUES_POLL_MS });
  // The live push says another number of people in a queue than the figures read: read them again now.
  const lastCatchUp = useRef(0);
  const { reload } = q;
  const behind = queueFiguresBehind(q.data?.queues, live.occupancy?.zones);
  useEffect(() => {
    if (!behind || Date.now() - lastCatchUp.current < QUEUES_CATCH_UP_MS) return;
    lastCatchUp.current = Date.now();
    reload();
  }, [behind, live.occupancy, reload]);
  const tiles = useMemo(() => (q.data ? queueTiles(q.data.queues, live.alerts?.alerts ?? [], live.occupancy?.zones) : []), [q.data, live.alerts, live.occupancy]);
  if (!hasQueues) return null;
  if (!q.data) return q.status === "error" ? <section className="card live-queues muted small" data-testid="queue-tiles-error">Queue figures cannot be read now; trying again.</section> : null;
  return (
    <section className={`live-queues ${q.status === "error" ? "stale" : ""}`} aria-label="Checkout queues" data-testid="queue-tiles">
      {tiles.map((t) => (
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
      ))}
    </section>
  );
}
