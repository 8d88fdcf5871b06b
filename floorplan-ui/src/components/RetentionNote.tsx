/** The retention horizon, said where it matters: views whose figures need raw events, or whose range reaches past it. */
import { useQ } from "../hooks/useQ.js";
import { retentionNote, type RetentionNeed } from "../model/retention.js";
import { useSession } from "../session.js";

export function RetentionNote({ need, what, timeZone, range }: { need: RetentionNeed; what: string; timeZone: string; range?: { from: number } }) {
  const { api } = useSession();
  // The horizon moves by the hour at most: asked once a session (and again when a view opens).
  const retention = useQ(["retention"], (signal) => api.retention(signal));
  const text = retentionNote(retention.data, need, what, timeZone, range);
  // Known and not worth saying: an empty marker, so that a test can tell "nothing to say" from "not asked yet".
  if (!text) return retention.data ? <span hidden data-testid="retention-quiet" /> : null;
  return (
    <div className="alert info" role="note" data-testid="retention-note">
      {text}
    </div>
  );
}
