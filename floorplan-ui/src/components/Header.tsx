import { viewsFor } from "../model/auth.js";
import { formatHash, type Route, type ViewId } from "../model/route.js";
import { useSession } from "../session.js";

export function Header({ view, store, navigate }: { view: ViewId; store: string | null; navigate: (r: Route) => void }) {
  const { me, stores, signOut } = useSession();
  const known = stores.some((s) => s.id === store);
  return (
    <header className="app-header">
      <a className="brand" href={formatHash({ view: viewsFor(me.role)[0]!.id, store, params: {} })}>
        <span className="brand-mark" aria-hidden>
          <svg width="16" height="16" viewBox="0 0 16 16"><path d="M2 13h3V8H2zM6.5 13h3V3h-3zM11 13h3V6h-3z" fill="#fde725" /></svg>
        </span>
        <span>Footfall</span>
      </a>
      <nav className="nav" aria-label="Views">
        {viewsFor(me.role).map((v) => (
          <a key={v.id} href={formatHash({ view: v.id, store, params: {} })} aria-current={v.id === view ? "page" : undefined} title={v.hint}>
            {v.label}
          </a>
        ))}
      </nav>
      <div className="header-end">
        {stores.length > 0 && (
          <label className="row" style={{ gap: 6 }}>
            <span className="muted small">Store</span>
            <select
              className="field"
              aria-label="Store"
              value={store ?? ""}
              disabled={me.store !== null}
              onChange={(e) => navigate({ view, store: e.target.value, params: {} })}
            >
              {!known && store && <option value={store}>{store} (new)</option>}
              {stores.map((s) => (
                <option key={s.id} value={s.id}>{s.name || s.id}</option>
              ))}
            </select>
          </label>
        )}
        <span className="chip accent" title="Your token's role">{me.role}</span>
        <button className="btn ghost sm" onClick={signOut}>Sign out</button>
      </div>
    </header>
  );
}
