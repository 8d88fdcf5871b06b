import { useContext, type ReactNode } from "react";
import { Icon, type IconName } from "./Icon.js";
import { ApiError } from "../api/client.js";
import { SessionContext } from "../session.js";

export function Loading({ label = "Loading…" }: { label?: string }) {
  return (
    <div className="state" role="status" aria-live="polite">
      <div className="spinner" />
      <span>{label}</span>
    </div>
  );
}

export function Empty({ icon = "chart", title, children, action }: { icon?: IconName; title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="state">
      <div className="art" aria-hidden><Icon name={icon} /></div>
      <h2>{title}</h2>
      {children && <div style={{ maxWidth: 420 }}>{children}</div>}
      {action}
    </div>
  );
}

/** What to tell a person about a failed request. */
export function describeError(error: Error): { title: string; detail: string } {
  if (error instanceof ApiError) {
    if (error.status === 401) return { title: "Signed out", detail: "Your token is no longer accepted (revoked or expired). Sign in again with a valid token: an admin makes one in Admin > Tokens." };
    if (error.status === 403) return { title: "Not allowed", detail: `Your token does not give access to this. ${error.message}` };
    if (error.status === 0) return { title: "Server unreachable", detail: error.message };
    return { title: `The server said no (${error.status})`, detail: error.message };
  }
  return { title: "Something went wrong", detail: error.message };
}

export function ErrorState({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  const { title, detail } = describeError(error);
  // A token refused (revoked or expired while the page was open): trying again cannot help, signing in again does.
  const session = useContext(SessionContext);
  const signIn = error instanceof ApiError && error.status === 401 && session ? session.signOut : null;
  return (
    <div className="state" role="alert">
      <div className="art" aria-hidden style={{ background: "#fee2e2", color: "#b91c1c" }}><Icon name="alert" /></div>
      <h2>{title}</h2>
      <div style={{ maxWidth: 460 }}>{detail}</div>
      {signIn ? (
        <button className="btn primary" onClick={signIn}>
          Sign in again
        </button>
      ) : (
        onRetry && (
          <button className="btn" onClick={onRetry}>
            Try again
          </button>
        )
      )}
    </div>
  );
}

export function Segmented<T extends string>({ value, options, onChange, label }: { value: T; options: readonly { id: T; label: string }[]; onChange: (v: T) => void; label: string }) {
  return (
    <div className="seg" role="group" aria-label={label}>
      {options.map((o) => (
        <button key={o.id} type="button" aria-pressed={o.id === value} onClick={() => onChange(o.id)}>
          {o.label}
        </button>
      ))}
    </div>
  );
}
