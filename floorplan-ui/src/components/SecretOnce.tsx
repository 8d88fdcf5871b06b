/**
 * A secret the server shows only once (a token, an agent's password, a webhook's signing secret):
 * what it is, the value selected on focus with a copy button, and "Done" to put it away.
 */
import { useId, useState, type ReactNode } from "react";

export function SecretOnce(props: {
  /** What the secret is and where it goes; "Copy it now" is said by the panel. */
  children: ReactNode;
  secret: string;
  /** The input's accessible name. */
  label: string;
  testId: string;
  inputTestId?: string;
  /** Shown between the text and the secret, e.g. the user name that goes with a password. */
  extra?: ReactNode;
  onDone: () => void;
}) {
  const id = useId();
  return (
    <div className="secret-once" data-testid={props.testId} role="status">
      <p>
        {props.children} Copy it now: it is shown only this once.
      </p>
      {props.extra}
      <div className="row">
        <input id={id} className="field mono secret" readOnly value={props.secret} aria-label={props.label} onFocus={(e) => e.target.select()} data-testid={props.inputTestId} />
        <CopyButton text={props.secret} target={id} />
        <button type="button" className="btn sm ghost" onClick={props.onDone}>
          Done
        </button>
      </div>
    </div>
  );
}

/** Copies `text`, saying so; falls back to selecting it where the clipboard is not allowed (plain HTTP). */
function CopyButton({ text, target }: { text: string; target: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      className="btn sm"
      onClick={() => {
        const select = () => (document.getElementById(target) as HTMLInputElement | null)?.select();
        if (navigator.clipboard) navigator.clipboard.writeText(text).then(() => setDone(true), select);
        else select();
      }}
    >
      {done ? "Copied" : "Copy"}
    </button>
  );
}
