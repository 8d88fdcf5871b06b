import { useEffect, useState } from "react";
import type { Api } from "../api/client.js";
import { useSession } from "../session.js";

const cache = new Map<string, Promise<string | null>>();

/** A store's time zone, from its current layout (null when it has none); asked once per session. */
export function storeZone(api: Api, store: string): Promise<string | null> {
  const key = `${api.token}\u0000${store}`;
  let hit = cache.get(key);
  if (!hit) {
    hit = api.layout(store).then((l) => l.timezone, () => null);
    cache.set(key, hit);
  }
  return hit;
}

/**
 * The time zones of some stores (every time on screen is written in its store's zone, labelled):
 * a map from store id to zone, filled in as the layouts arrive.
 */
export function useStoreZones(stores: readonly string[]): ReadonlyMap<string, string> {
  const { api } = useSession();
  const [zones, setZones] = useState<ReadonlyMap<string, string>>(new Map());
  const key = [...new Set(stores)].sort().join(",");
  useEffect(() => {
    let live = true;
    const ids = key ? key.split(",") : [];
    void Promise.all(ids.map(async (id) => [id, await storeZone(api, id)] as const)).then((pairs) => {
      if (live) setZones(new Map(pairs.filter((p): p is readonly [string, string] => p[1] !== null)));
    });
    return () => {
      live = false;
    };
  }, [api, key]);
  return zones;
}
