/**
 * Deleting an experiment (merchandisers and admins, as creating one): "Delete…" asks first, naming
 * the experiment and saying that only its definition goes (the stores' counts stay); on success the
 * cached list drops it and its result is forgotten, then `onDeleted` (the result page goes back to
 * the list). A refusal (another store's experiment, already deleted) is shown where it was asked.
 */
import { useQueryClient } from "@tanstack/react-query";
import type { Experiment } from "../api/types.js";
import { useSession } from "../session.js";
import { InlineConfirm } from "./InlineConfirm.js";
import { nameShown } from "../model/names.js";

export function ExperimentDelete({ experiment, onDeleted, compact = false }: { experiment: Pick<Experiment, "id" | "name">; onDeleted?: () => void; compact?: boolean }) {
  const { api } = useSession();
  const queries = useQueryClient();
  const size = compact ? "btn sm" : "btn";
  return (
    <InlineConfirm
      name="exp-delete"
      ask={{ text: "Delete…", label: `Delete… experiment “${nameShown(experiment.name)}”`, className: `${size} danger` }}
      groupLabel="Confirm deleting the experiment"
      question={
        <>
          Delete <b>“{nameShown(experiment.name)}”</b>? Its definition goes for good; the stores’ counts stay.
        </>
      }
      yes={{ text: "Delete experiment", busy: "Deleting…", className: `${size} danger` }}
      no={{ text: "Keep", className: `${size} ghost` }}
      action={async () => {
        await api.deleteExperiment(experiment.id);
        queries.setQueryData<Experiment[]>(["experiments"], (list) => list?.filter((e) => e.id !== experiment.id));
        onDeleted?.();
        // After leaving its page (were it still shown, its result would be fetched again, and 404).
        queries.removeQueries({ queryKey: ["experiment-result", experiment.id] });
        void queries.invalidateQueries({ queryKey: ["experiments"] });
      }}
    />
  );
}
