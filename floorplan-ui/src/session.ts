import { createContext, useContext } from "react";
import { io } from "socket.io-client";
import { liveSocketOptions } from "./live/socket-options.js";
import { ApiError, createApi, type Api, type StoreInfo } from "./api/client.js";
import type { Me } from "./model/auth.js";
import { LiveStore } from "./live/liveStore.js";
import type { QueryClient } from "@tanstack/react-query";
import { newQueryClient } from "./hooks/useQ.js";

export interface Session {
  api: Api;
  me: Me;
  stores: StoreInfo[];
  /** Whether `stores` is every store this token may see (false when the token may not list them). */
  storesKnown: boolean;
  live: LiveStore;
  /** The session's query cache (a new session starts with an empty one). */
  queries: QueryClient;
  /**
   * After a store's name, time zone or currency was saved (or a store created): lists the stores
   * again, so the picker, headings and page title name it at once, and drops the cached answers
   * that carry the old name (the chain overview, agents' lists), so no view shows it again.
   * `keepOnScreen`: the answers on screen are not fetched again (the layout editor, whose draft
   * starts from its layout once, is not reloaded under the user after a save).
   */
  storesChanged: (opts?: { keepOnScreen?: boolean }) => Promise<void>;
  signOut: () => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error("useSession outside a signed-in session");
  return s;
}

const KEY = "footfall.token";
export const tokenStorage = {
  get: (): string | null => {
    try {
      return localStorage.getItem(KEY);
    } catch {
      return null;
    }
  },
  set: (token: string) => {
    try {
      localStorage.setItem(KEY, token);
    } catch {
      /* private mode: the session lasts as long as the page */
    }
  },
  clear: () => {
    try {
      localStorage.removeItem(KEY);
    } catch {
      /* nothing stored */
    }
  },
};

/** The stores a token works with: every store listed, or the one store it is limited to. */
function storesOf(me: Me, listed: StoreInfo[]): StoreInfo[] {
  if (!me.store) return listed;
  return listed.some((s) => s.id === me.store) ? listed.filter((s) => s.id === me.store) : [{ id: me.store, name: me.store }];
}

/**
 * Checks a token with the server and gathers what the shell needs: role, stores, a live store.
 * `onStores` hears the stores listed again by `storesChanged` (the shell puts them in its session).
 */
export async function openSession(token: string, signOut: () => void, onStores: (api: Api, stores: StoreInfo[]) => void = () => {}): Promise<Session> {
  const api = createApi(token);
  // Both at once: a staff token may not list stores (403), which is fine; a bad token fails /me.
  const [me, listed] = await Promise.all([api.me(), api.stores().then((s) => ({ ok: true as const, s }), (err: unknown) => ({ ok: false as const, err }))]);
  let stores: StoreInfo[];
  let storesKnown = true;
  if (listed.ok) stores = listed.s;
  else if (listed.err instanceof ApiError && listed.err.status === 403) [stores, storesKnown] = [[], false];
  else throw listed.err;
  performance.mark("footfall:signed-in");
  if (me.store) {
    stores = storesOf(me, stores);
    storesKnown = true;
  }
  // A store's alerts-only link is the server's namespace /alerts (same origin, same options).
  const live = new LiveStore((_store, channel) => (channel === "alerts" ? io("/alerts", liveSocketOptions(token)) : io(liveSocketOptions(token))));
  const queries = newQueryClient();
  const storesChanged = async ({ keepOnScreen = false }: { keepOnScreen?: boolean } = {}) => {
    // Answers that name stores and are not on screen go; those on screen are fetched again (unless kept).
    queries.removeQueries({ type: "inactive" });
    if (!keepOnScreen) void queries.invalidateQueries({ type: "active" });
    if (!listed.ok) return; // a token that may not list stores keeps its own store's id
    onStores(api, storesOf(me, await api.stores()));
  };
  return { api, me, stores, storesKnown, live, queries, storesChanged, signOut };
}
