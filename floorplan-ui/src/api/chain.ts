/**
 * The chain routes of issue 15 (store groups, the chain overview), with the same bearer token and
 * error shape as ./client.ts. Their shapes are the server's TypeBox schemas.
 */
import type { Static } from "@sinclair/typebox";
import type { GroupsBody, OverviewBody, OverviewStoreBody, OverviewTotalsBody, FiguresBody } from "../../../server/src/routes/chain-schemas.js";
import { ApiError } from "./client.js";

export type Overview = Static<typeof OverviewBody>;
export type OverviewStore = Static<typeof OverviewStoreBody>;
export type OverviewTotals = Static<typeof OverviewTotalsBody>;
export type Figures = Static<typeof FiguresBody>;
export type StoreGroup = Static<typeof GroupsBody>["groups"][number];

export function createChainApi(token: string, base = "") {
  async function get<T>(path: string, query: Record<string, string | number | undefined>, signal?: AbortSignal): Promise<T> {
    const qs = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)])).toString();
    let res: Response;
    try {
      res = await fetch(`${base}/api/v1${path}${qs ? `?${qs}` : ""}`, { headers: { authorization: `Bearer ${token}` }, ...(signal ? { signal } : {}) });
    } catch (err) {
      if ((err as Error).name === "AbortError") throw err;
      throw new ApiError(0, "The server cannot be reached. Check the connection and try again.");
    }
    if (!res.ok) {
      const text = await res.text();
      let message = text || res.statusText;
      let error = "";
      try {
        const body = JSON.parse(text) as { message?: string; error?: string };
        message = body.message ?? message;
        error = body.error ?? "";
      } catch {
        /* not JSON */
      }
      throw new ApiError(res.status, message, error);
    }
    return (await res.json()) as T;
  }
  return {
    overview: (q: { from: number; to: number; group?: string | undefined; store?: string | undefined }, signal?: AbortSignal) => get<Overview>("/overview", q, signal),
    groups: (signal?: AbortSignal) => get<{ groups: StoreGroup[] }>("/groups", {}, signal).then((b) => b.groups),
  };
}
