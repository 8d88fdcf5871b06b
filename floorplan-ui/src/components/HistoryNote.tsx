/** The history kept (hour and day figures, FOOTFALL_AGGREGATE_RETENTION_DAYS), said where a range's figures are cut by it. */
import type { KeptHistory } from "@footfall/core";
import { useQ } from "../hooks/useQ.js";
import { historyNote } from "../model/retention.js";
import { useSession } from "../session.js";

/** The history kept as `GET /stores` says it (undefined until known; null: kept for ever). Shared with RetentionNote's query. */
export function useKeptHistory(): KeptHistory | undefined {
  const { api } = useSession();
  const retention = useQ(["retention"], (signal) => api.retention(signal));
  return retention.data ? (retention.data.history ?? null) : undefined;
}

/** "History kept from ... : figures before it are not counted", for a range (and the previous period it is compared with) that starts before it. */
export function HistoryNote({ timeZone, range, previous }: { timeZone: string; range: { from: number }; previous?: { from: number } | null }) {
  const history = useKeptHistory();
  const text = historyNote(history, timeZone, range, previous);
  if (!text) return null;
  return (
    <div className="alert warn" role="note" data-testid="history-note">
      {text}
    </div>
  );
}
