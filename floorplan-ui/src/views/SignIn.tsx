import { useState } from "react";

/** Paste a token; the shell takes over (and routes by role) once the server accepts it. */
export function SignIn({ message, onSubmit }: { message: string | null; onSubmit: (token: string) => Promise<string | null> }) {
  const [token, setToken] = useState("");
  const [shown, setShown] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(message);
  return (
    <main className="signin">
      <form
        className="card signin-card"
        onSubmit={async (e) => {
          e.preventDefault();
          if (!token.trim()) return setError("Paste a token first.");
          setBusy(true);
          setError(null);
          const problem = await onSubmit(token);
          setBusy(false);
          if (problem) setError(problem);
        }}
      >
        <div className="brand" style={{ marginBottom: 18 }}>
          <span className="brand-mark" aria-hidden>
            <svg width="16" height="16" viewBox="0 0 16 16"><path d="M2 13h3V8H2zM6.5 13h3V3h-3zM11 13h3V6h-3z" fill="#fde725" /></svg>
          </span>
          <span>Footfall</span>
        </div>
        <h1>Sign in</h1>
        <p className="muted" style={{ margin: "6px 0 18px" }}>
          Paste an access token: the demo prints one when it starts, and an admin makes more with <code className="mono">footfall token add --role viewer</code>.
        </p>
        <label className="lbl">
          Access token
          <div className="row" style={{ flexWrap: "nowrap" }}>
            <input
              className="field"
              style={{ flex: 1 }}
              name="token"
              type={shown ? "text" : "password"}
              autoComplete="off"
              spellCheck={false}
              autoFocus
              value={token}
              aria-invalid={error ? true : undefined}
              aria-describedby="signin-error"
              onChange={(e) => setToken(e.target.value)}
              placeholder="ff_…"
            />
            <button type="button" className="btn" onClick={() => setShown((s) => !s)}>{shown ? "Hide" : "Show"}</button>
          </div>
        </label>
        <div id="signin-error" aria-live="polite" style={{ minHeight: 8 }}>
          {error && <div className="alert error" role="alert" style={{ marginTop: 12 }} data-testid="signin-error">{error}</div>}
        </div>
        <button className="btn primary" style={{ width: "100%", height: 40, marginTop: 14 }} disabled={busy}>
          {busy ? "Checking…" : "Sign in"}
        </button>
        <p className="muted small" style={{ marginTop: 14, marginBottom: 0 }}>
          What you see depends on the token's role: viewers get the heatmap, flows, funnels and experiments; merchandisers also the layout editor and new experiments; staff the live view; admins everything, sales and agents included.
        </p>
      </form>
    </main>
  );
}
