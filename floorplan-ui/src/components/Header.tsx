import { useLayoutEffect, useRef, useState } from "react";
import { mayCreateStore, viewsFor } from "../model/auth.js";
import { formatHash, type Route, type ViewId } from "../model/route.js";
import { mayLeave } from "../hooks/useHashRoute.js";
import { useSession } from "../session.js";
import { nameShown } from "../model/names.js";
import { AlertsIndicator } from "./AlertsIndicator.js";

export function Header({ view, store, navigate }: { view: ViewId; store: string | null; navigate: (r: Route) => void }) {
  const { me, stores, signOut } = useSession();
  const known = stores.some((s) => s.id === store);
  const views = viewsFor(me.role);
  const current = views.find((v) => v.id === view);
  // The views go into the menu whenever their row does not fit beside the rest of the header (an
  // admin has twelve: they do not fit a 1024 px tablet, a viewer's six do). `need` is the width the
  // header took when it last overflowed, so it opens again only once there is room for it.
  const headerRef = useRef<HTMLElement>(null);
  const need = useRef(0);
  const [collapsed, setCollapsed] = useState(false);
  useLayoutEffect(() => {
    const h = headerRef.current;
    if (!h) return;
    const check = () => {
      if (!collapsed) {
        if (h.scrollWidth > h.clientWidth) {
          need.current = h.scrollWidth;
          setCollapsed(true);
        }
      } else if (h.clientWidth >= need.current) setCollapsed(false);
    };
    check();
    const watch = new ResizeObserver(check);
    watch.observe(h);
    return () => watch.disconnect();
  }, [collapsed, views.length]);
  return (
    <header className={collapsed ? "app-header nav-collapsed" : "app-header"} ref={headerRef}>
      <a className="brand" href={formatHash({ view: viewsFor(me.role)[0]!.id, store, params: {} })}>
        <span className="brand-mark" aria-hidden>
          <svg width="16" height="16" viewBox="0 0 16 16"><path d="M2 13h3V8H2zM6.5 13h3V3h-3zM11 13h3V6h-3z" fill="#fde725" /></svg>
        </span>
        <span>Footfall</span>
      </a>
      <nav className="nav" aria-label="Views">
        {views.map((v) => (
          <a key={v.id} href={formatHash({ view: v.id, store, params: {} })} aria-current={v.id === view ? "page" : undefined} title={v.hint}>
            {v.label}
          </a>
        ))}
      </nav>
      {/* Narrow screens (a portrait tablet): the views in a menu, so the header never runs off the screen. */}
      <details className="nav-menu" data-testid="nav-menu">
        <summary>
          {current?.label ?? "Views"} <span aria-hidden>▾</span>
        </summary>
        <nav aria-label="Views (menu)">
          {views.map((v) => (
            <a key={v.id} href={formatHash({ view: v.id, store, params: {} })} aria-current={v.id === view ? "page" : undefined} onClick={(e) => e.currentTarget.closest("details")?.removeAttribute("open")}>
              {v.label}
            </a>
          ))}
        </nav>
      </details>
      <div className="header-end">
        <AlertsIndicator view={view} store={known || me.store !== null ? store : null} />
        {stores.length > 0 && (
          <label className="row store-pick" style={{ gap: 6 }}>
            <span className="muted small store-word">Store</span>
            <select
              className="field"
              aria-label="Store"
              value={store ?? ""}
              disabled={me.store !== null}
              onChange={(e) => navigate({ view, store: e.target.value, params: {} })}
            >
              {!known && store && <option value={store}>{store} ({view === "editor" && mayCreateStore(me) ? "new" : "not found"})</option>}
              {stores.map((s) => (
                <option key={s.id} value={s.id}>{nameShown(s.name) || s.id}</option>
              ))}
            </select>
          </label>
        )}
        <span className="chip accent role-chip" title="Your token's role">{me.role}</span>
        <button className="btn ghost sm" onClick={() => mayLeave() && signOut()}>Sign out</button>
      </div>
    </header>
  );
}
