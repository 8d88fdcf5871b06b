/** The shell: sign-in, role-aware navigation, the store picker and the hash routes to each view. */
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from "react";
import { errorMessage } from "@footfall/core";
import { QueryClientProvider } from "@tanstack/react-query";
import { ApiError } from "./api/client.js";
import { useHashRoute } from "./hooks/useHashRoute.js";
import { ViewBoundary } from "./components/ViewBoundary.js";
import { canSee, defaultView, mayCreateStore, refusedViewText, tokenFromPaste, viewsFor } from "./model/auth.js";
import { formatHash, withParams, type Route, type ViewId } from "./model/route.js";
import { openSession, SessionContext, tokenStorage, type Session } from "./session.js";
import { Empty, Loading } from "./components/States.js";
import { Header } from "./components/Header.js";
import { SignIn } from "./views/SignIn.js";
import { loadView } from "./views/load.js";
import { nameShown } from "./model/names.js";

const ChainView = lazy(loadView.chain);
const HeatmapView = lazy(loadView.heatmap);
const FlowsView = lazy(loadView.flows);
const LiveView = lazy(loadView.live);
const EditorView = lazy(loadView.editor);
const AgentsView = lazy(loadView.agents);
const FunnelView = lazy(loadView.funnel);
const ExperimentsView = lazy(loadView.experiments);
const SalesView = lazy(loadView.sales);
const AdminView = lazy(loadView.admin);
const ReportView = lazy(loadView.report);
const AlertsView = lazy(loadView.alerts);

type Auth =
  | { status: "checking" }
  | { status: "out"; message: string | null }
  | { status: "unreachable"; token: string; message: string }
  | { status: "in"; session: Session };

export interface ViewProps {
  store: string;
  route: Route & { view: ViewId };
  navigate: (route: Route, replace?: boolean) => void;
  kiosk: boolean;
}

const RETRY_MS = 3000;

export function App() {
  const [route, navigate] = useHashRoute();
  const [auth, setAuth] = useState<Auth>({ status: "checking" });
  const sessionRef = useRef<Session | null>(null);
  const kiosk = route.params.kiosk === "1";

  const signOut = useCallback(() => {
    tokenStorage.clear();
    sessionRef.current?.live.close();
    sessionRef.current?.queries.clear();
    sessionRef.current = null;
    setAuth({ status: "out", message: null });
    navigate({ view: "signin", params: {} });
  }, [navigate]);

  /** The stores listed again (a store renamed or created): the session's, if it is still the one signed in. */
  const onStores = useCallback((api: Session["api"], stores: Session["stores"]) => {
    setAuth((a) => {
      if (a.status !== "in" || a.session.api !== api) return a;
      const session = { ...a.session, stores };
      sessionRef.current = session;
      return { status: "in", session };
    });
  }, []);

  /**
   * Opens a session; returns the message to show when the token is refused, in the words of where
   * it came from: typed (pasted in the form), a link's (a kiosk link opened on a tablet: nothing was
   * saved there, so "your saved token" sent staff looking for a setting), or the one saved.
   */
  const signIn = useCallback(
    async (token: string, typed: boolean, fromLink = false): Promise<string | null> => {
      // What was pasted may hold the token rather than be it (token add's JSON line, a kiosk link).
      const clean = tokenFromPaste(token);
      try {
        const session = await openSession(clean, signOut, onStores);
        tokenStorage.set(clean);
        sessionRef.current?.live.close();
        sessionRef.current = session;
        setAuth({ status: "in", session });
        return null;
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) {
          tokenStorage.clear();
          const message = typed
            ? "That token was not accepted: it is wrong, expired or revoked. Check it and paste it again."
            : fromLink
              ? "The token in the link you opened was not accepted: it is wrong, expired or revoked. Ask an admin for a new link (or a token to paste here)."
              : "Your saved token is no longer accepted. Sign in with a new one.";
          if (!typed) setAuth({ status: "out", message });
          return message;
        }
        const message = errorMessage(err);
        if (!typed) setAuth({ status: "unreachable", token, message });
        return message;
      }
    },
    [signOut, onStores],
  );

  // First load: a token in the URL fragment (kiosk links) wins over the stored one, and is then taken out of the address bar.
  useEffect(() => {
    const fromUrl = route.params.token;
    if (fromUrl) {
      tokenStorage.set(fromUrl);
      navigate(withParams(route, { token: null }), true);
    }
    const token = fromUrl ?? tokenStorage.get();
    if (token) void signIn(token, false, Boolean(fromUrl));
    else setAuth({ status: "out", message: null });
    // Once, at the first render: later route or token changes go through their own handlers.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // A link with a token opened in a tab that already shows the app (pasted in the address bar, a
  // kiosk link clicked on the sign-in page) changes only the fragment, with no new load: it is
  // taken as at the first load (and taken out of the address bar), not left to the sign-in form.
  // The same link opened again (a tablet's bookmark of its kiosk link) loses its token from the
  // address bar as well, and signs in again if this tab was signed out since.
  const tokenSeen = useRef(route.params.token);
  const signedOut = auth.status === "out";
  useEffect(() => {
    const fromUrl = route.params.token;
    if (!fromUrl) return;
    navigate(withParams(route, { token: null }), true);
    if (fromUrl === tokenSeen.current && !signedOut) return;
    tokenSeen.current = fromUrl;
    void signIn(fromUrl, false, true);
    // Only a new token in the link starts this; the route it came with is read as it is then.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [route.params.token]);

  // A server that cannot be reached is asked again, so a kiosk recovers by itself.
  useEffect(() => {
    if (auth.status !== "unreachable") return;
    const t = setTimeout(() => void signIn(auth.token, false), RETRY_MS);
    return () => clearTimeout(t);
  }, [auth, signIn]);

  useEffect(() => () => sessionRef.current?.live.close(), []);

  if (auth.status === "checking") return <Loading label="Signing in…" />;
  if (auth.status === "unreachable") {
    return (
      <Empty icon="sync" title="Reconnecting to the server…" action={<button className="btn" onClick={signOut}>Use another token</button>}>
        The server cannot be reached right now ({auth.message}). Trying again every few seconds.
      </Empty>
    );
  }
  if (auth.status === "out") return <SignIn message={auth.message} onSubmit={(t) => signIn(t, true)} />;

  const { session } = auth;
  return (
    <SessionContext.Provider value={session}>
      <QueryClientProvider client={session.queries}>
        <Routed session={session} route={route} navigate={navigate} kiosk={kiosk} />
      </QueryClientProvider>
    </SessionContext.Provider>
  );
}

function Routed({ session, route, navigate, kiosk }: { session: Session; route: Route; navigate: ViewProps["navigate"]; kiosk: boolean }) {
  const { me, stores } = session;
  const view: ViewId = route.view === "signin" ? defaultView(me.role) : route.view;
  const store = route.view !== "signin" && route.store ? route.store : (me.store ?? stores[0]?.id ?? null);

  useEffect(() => {
    if (route.view === "signin" || (!route.store && store)) {
      navigate({ view, store, params: route.view === "signin" ? {} : route.params }, true);
    }
  }, [route, view, store, navigate]);

  // The tab's title names the view and the store (by its name as listed now, so a rename shows at once).
  const storeName = store ? nameShown(stores.find((s) => s.id === store)?.name) || store : null;
  const viewLabel = viewsFor(me.role).find((v) => v.id === view)?.label;
  const title = [viewLabel, view === "chain" ? null : storeName, "Footfall"].filter(Boolean).join(" · ");
  useEffect(() => {
    document.title = title;
  }, [title]);

  const body = (() => {
    if (!canSee(me.role, view)) {
      const first = viewsFor(me.role)[0]!;
      return (
        <Empty icon="lock" title="Not available with this token" action={<a className="btn" href={formatHash({ view: first.id, store, params: {} })}>Go to {first.label}</a>}>
          {refusedViewText(view, me.role)}
        </Empty>
      );
    }
    if (!store) return <NoStore mayCreate={mayCreateStore(me)} navigate={navigate} />;
    // A store id nobody knows (a typo, an old link): say so, rather than show an empty store. The editor
    // may create it, with a token for every store (one limited to a store or a group may save its stores' only).
    if (session.storesKnown && !session.stores.some((s) => s.id === store) && (view !== "editor" || !mayCreateStore(me))) return <UnknownStore store={store} view={view} stores={session.stores} mayCreate={mayCreateStore(me)} />;
    const props: ViewProps = { store, route: { ...route, view } as ViewProps["route"], navigate, kiosk };
    switch (view) {
      case "chain":
        return <ChainView {...props} />;
      case "heatmap":
        return <HeatmapView {...props} />;
      case "flows":
        return <FlowsView {...props} />;
      case "live":
        return <LiveView {...props} />;
      case "editor":
        return <EditorView {...props} />;
      case "agents":
        return <AgentsView {...props} />;
      case "funnel":
        return <FunnelView {...props} />;
      case "experiments":
        return <ExperimentsView {...props} />;
      case "sales":
        return <SalesView {...props} />;
      case "admin":
        return <AdminView {...props} />;
      case "report":
        return <ReportView {...props} />;
      case "alerts":
        return <AlertsView {...props} />;
    }
  })();

  // Keyed by view and store: a view that failed (ViewBoundary) is tried again when another is opened.
  const shown = <ViewBoundary key={`${view}:${store}`}><Suspense fallback={<Loading />}>{body}</Suspense></ViewBoundary>;
  if (kiosk && view === "live") return <main id="main" className="main">{shown}</main>;
  return (
    <div className="shell">
      <a className="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById("main")?.focus())}>Skip to the content</a>
      <Header view={view} store={store} navigate={navigate} />
      <main id="main" className="main" tabIndex={-1}>
        {shown}
      </main>
    </div>
  );
}

function UnknownStore({ store, view, stores, mayCreate }: { store: string; view: ViewId; stores: readonly { id: string; name: string }[]; mayCreate: boolean }) {
  return (
    <Empty icon="plan" title={`No store “${store}”`}>
      <p data-testid="unknown-store">There is no store with this id, or your token may not see it.</p>
      {stores.length > 0 && (
        <p>
          Open{" "}
          {stores.map((s, i) => (
            <span key={s.id}>
              {i > 0 && ", "}
              <a href={formatHash({ view, store: s.id, params: {} })}>{nameShown(s.name) || s.id}</a>
            </span>
          ))}
          .
        </p>
      )}
      {mayCreate && <p>To create it, <a href={formatHash({ view: "editor", store, params: {} })}>draw its first layout</a>.</p>}
    </Empty>
  );
}

function NoStore({ mayCreate, navigate }: { mayCreate: boolean; navigate: ViewProps["navigate"] }) {
  const [id, setId] = useState("");
  return (
    <Empty icon="plan" title="No store yet">
      {mayCreate ? (
        <form className="row" style={{ justifyContent: "center", marginTop: 8 }} onSubmit={(e) => (e.preventDefault(), id && navigate({ view: "editor", store: id, params: {} }))}>
          <span>Draw the first layout of a new store:</span>
          <input className="field" placeholder="store id, e.g. paris-01" value={id} onChange={(e) => setId(e.target.value.toLowerCase())} pattern="^[a-z0-9][a-z0-9_-]{0,63}$" />
          <button className="btn primary" disabled={!id}>Open the editor</button>
        </form>
      ) : (
        "No store has a layout yet. A merchandiser or an admin (with a token for every store) creates a store by drawing its first layout in the Layout view."
      )}
    </Empty>
  );
}
