/**
 * Cancelling a layout version saved for later (a refit that moved): "Cancel this scheduled version…"
 * asks first, naming the version and its date and saying that its number is not used again; on
 * success `onCancelled` (the versions list reloads). A refusal (it took effect meanwhile, an
 * experiment names it) is shown where it was asked.
 */
import { useState } from "react";
import { errorMessage } from "@footfall/core";
import { useSession } from "../session.js";

export function LayoutVersionCancel({ store, version, when, onCancelled }: { store: string; version: number; when: string; onCancelled: () => void }) {
  const { api } = useSession();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const cancel = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.cancelLayout(store, version);
      setAsking(false);
      onCancelled();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  if (!asking)
    return (
      <button className="btn sm danger" onClick={() => setAsking(true)} aria-label={`Cancel this scheduled version (v${version}, from ${when})…`} data-testid="version-cancel">
        Cancel this scheduled version…
      </button>
    );
  return (
    <span
      className="version-cancel-ask"
      role="group"
      aria-label={`Confirm cancelling version ${version}`}
      data-testid="version-cancel-confirm"
      onKeyDown={(e) => {
        if (e.key === "Escape") setAsking(false);
      }}
    >
      <span className="small">
        Cancel <b>v{version}</b>, due from {when}? It will not take effect; the version in force stays, and the number v{version} is not used again.
      </span>
      <button className="btn sm danger" disabled={busy} onClick={() => void cancel()} data-testid="version-cancel-yes">
        {busy ? "Cancelling…" : `Cancel v${version}`}
      </button>
      <button className="btn sm ghost" disabled={busy} onClick={() => (setAsking(false), setError(null))} autoFocus data-testid="version-cancel-no">
        Keep it
      </button>
      {error && (
        <span className="small version-cancel-error" role="alert" data-testid="version-cancel-error">
          {error}
        </span>
      )}
    </span>
  );
}
