/**
 * An action that asks first, in place: a button; once pressed, the question with a button that does
 * it and one that keeps things as they are (focused, and Esc). A refusal is shown where it was
 * asked. `name` prefixes the test ids (`name`, `-confirm`, `-yes`, `-no`, `-error`) and the classes
 * (`-ask`, `-error`).
 */
import { useState, type ReactNode } from "react";
import { errorMessage } from "@footfall/core";

export interface InlineConfirmProps {
  name: string;
  /** The first button: its text, its accessible name, its class. */
  ask: { text: string; label: string; className: string };
  /** The group's accessible name while it asks. */
  groupLabel: string;
  question: ReactNode;
  /** The button that does it: its text, and while it runs. */
  yes: { text: string; busy: string; className: string };
  no: { text: string; className: string };
  /** Does it; a rejection is shown as the refusal. */
  action: () => Promise<void>;
}

export function InlineConfirm({ name, ask, groupLabel, question, yes, no, action }: InlineConfirmProps) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      await action();
      setAsking(false);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  if (!asking)
    return (
      <button className={ask.className} onClick={() => setAsking(true)} aria-label={ask.label} data-testid={name}>
        {ask.text}
      </button>
    );
  return (
    <span
      className={`${name}-ask`}
      role="group"
      aria-label={groupLabel}
      data-testid={`${name}-confirm`}
      onKeyDown={(e) => {
        if (e.key === "Escape") setAsking(false);
      }}
    >
      <span className="small">{question}</span>
      <button className={yes.className} disabled={busy} onClick={() => void run()} data-testid={`${name}-yes`}>
        {busy ? yes.busy : yes.text}
      </button>
      <button className={no.className} disabled={busy} onClick={() => (setAsking(false), setError(null))} autoFocus data-testid={`${name}-no`}>
        {no.text}
      </button>
      {error && (
        <span className={`small ${name}-error`} role="alert" data-testid={`${name}-error`}>
          {error}
        </span>
      )}
    </span>
  );
}
