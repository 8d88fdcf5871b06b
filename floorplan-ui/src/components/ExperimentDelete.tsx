/**
 * Deleting an experiment (merchandisers and admins, as creating one): "Delete…" asks first, naming
 * the experiment and saying that only its definition goes (the stores' counts stay); on success the
 * cached list drops it and its result is forgotten, then `onDeleted` (the result page goes back to
 * the list). A refusal (another store's experiment, already deleted) is shown where it was asked.
 */
import { useState } from "react";
import { errorMessage } from "@footfall/core";
import { useQueryClient } from "@tanstack/react-query";
import type { Experiment } from "../api/types.js";
import { useSession } from "../session.js";

export function ExperimentDelete({ experiment, onDeleted, compact = false }: { experiment: Pick<Experiment, "id" | "name">; onDeleted?: () => void; compact?: boolean }) {
  const { api } = useSession();
  const queries = useQueryClient();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const size = compact ? "btn sm" : "btn";

  const remove = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.deleteExperiment(experiment.id);
      queries.setQueryData<Experiment[]>(["experiments"], (list) => list?.filter((e) => e.id !== experiment.id));
      setAsking(false);
      onDeleted?.();
      // After leaving its page (were it still shown, its result would be fetched again, and 404).
      queries.removeQueries({ queryKey: ["experiment-result", experiment.id] });
      void queries.invalidateQueries({ queryKey: ["experiments"] });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  if (!asking)
    return (
      <button className={`${size} danger`} onClick={() => setAsking(true)} aria-label={`Delete… experiment “${experiment.name}”`} data-testid="exp-delete">
        Delete…
      </button>
    );
  return (
    <span
      className="exp-delete-ask"
      role="group"
      aria-label="Confirm deleting the experiment"
      data-testid="exp-delete-confirm"
      onKeyDown={(e) => {
        if (e.key === "Escape") setAsking(false);
      }}
    >
      <span className="small">
        Delete <b>“{experiment.name}”</b>? Its definition goes for good; the stores’ counts stay.
      </span>
      <button className={`${size} danger`} disabled={busy} onClick={() => void remove()} data-testid="exp-delete-yes">
        {busy ? "Deleting…" : "Delete experiment"}
      </button>
      <button className={`${size} ghost`} disabled={busy} onClick={() => (setAsking(false), setError(null))} autoFocus data-testid="exp-delete-no">
        Keep
      </button>
      {error && (
        <span className="small exp-delete-error" role="alert" data-testid="exp-delete-error">
          {error}
        </span>
      )}
    </span>
  );
}
