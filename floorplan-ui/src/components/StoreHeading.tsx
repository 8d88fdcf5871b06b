/**
 * The heading of an admin tab that acts on the store picked at the top right: "Webhooks of Rivoli
 * flagship" (the store's name, its id where it has none) and a line saying what the tab changes and
 * where to pick another store. One pattern for every per-store tab (Webhooks, Store settings).
 */
import type { ReactNode } from "react";
import { storeNames } from "../model/experiment.js";
import { useSession } from "../session.js";

export function StoreHeading({ what, store, testId, children }: { what: string; store: string; testId: string; children: ReactNode }) {
  const { stores } = useSession();
  return (
    <>
      <h2 className="admin-h2" data-testid={`${testId}-of`}>
        {what} of {storeNames([store], stores)}
      </h2>
      <p className="muted small" data-testid={`${testId}-scope`}>
        {children} For another store, pick it in the Store menu at the top right.
      </p>
    </>
  );
}
