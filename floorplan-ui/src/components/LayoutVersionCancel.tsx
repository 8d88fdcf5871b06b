/**
 * Cancelling a layout version saved for later (a refit that moved): "Cancel this scheduled version…"
 * asks first, naming the version and its date and saying that its number is not used again; on
 * success `onCancelled` (the versions list reloads). A refusal (it took effect meanwhile, an
 * experiment names it) is shown where it was asked.
 */
import { useSession } from "../session.js";
import { InlineConfirm } from "./InlineConfirm.js";

export function LayoutVersionCancel({ store, version, when, onCancelled }: { store: string; version: number; when: string; onCancelled: () => void }) {
  const { api } = useSession();
  return (
    <InlineConfirm
      name="version-cancel"
      ask={{ text: "Cancel this scheduled version…", label: `Cancel this scheduled version (v${version}, from ${when})…`, className: "btn sm danger" }}
      groupLabel={`Confirm cancelling version ${version}`}
      question={
        <>
          Cancel <b>v{version}</b>, due from {when}? It will not take effect; the version in force stays, and the number v{version} is not used again.
        </>
      }
      yes={{ text: `Cancel v${version}`, busy: "Cancelling…", className: "btn sm danger" }}
      no={{ text: "Keep it", className: "btn sm ghost" }}
      action={async () => {
        await api.cancelLayout(store, version);
        onCancelled();
      }}
    />
  );
}
