import { useCallback } from "react";
import { keepPreviousData, QueryClient, useQuery } from "@tanstack/react-query";

export type AsyncState<T> =
  | { status: "loading"; data: T | undefined; error: null }
  | { status: "ok"; data: T; error: null }
  | { status: "error"; data: T | undefined; error: Error };

/** One key part: plain values only, so TanStack Query can hash the key. */
export type KeyPart = string | number | boolean | null | undefined;

/**
 * The session's query cache: one per signed-in session (a new token starts empty), no retries
 * (views say what failed and offer "Try again"; the live view retries by itself), no refetch on
 * window focus (analytics refresh on their own clock). A view that opens shows what the cache
 * holds at once and fetches it again (nothing is taken as fresh: a layout saved a moment ago in
 * another view must show).
 */
export function newQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false, staleTime: 0 } },
  });
}

/**
 * Data loading through TanStack Query in the shape the views read: `status` is `loading` while a
 * fetch runs (the previous data kept meanwhile, so views do not flash empty), `error` after a
 * failure, `ok` otherwise; `reload()` fetches again. A query that is not `enabled` (a comparison
 * that is off, figures before the store's time zone is known) asks nothing and has no data.
 */
export function useQ<T>(key: readonly KeyPart[], load: (signal: AbortSignal) => Promise<T>, opts: { enabled?: boolean; refetchInterval?: number | false } = {}): AsyncState<T | undefined> & { reload: () => void } {
  const enabled = opts.enabled ?? true;
  const q = useQuery({
    queryKey: key,
    queryFn: ({ signal }) => load(signal),
    enabled,
    placeholderData: enabled ? keepPreviousData : undefined,
    refetchInterval: opts.refetchInterval ?? false,
  });
  const { refetch } = q;
  const reload = useCallback(() => void refetch(), [refetch]);
  if (!enabled) return { status: "ok", data: undefined, error: null, reload };
  if (q.isFetching || (q.isPending && !q.isError)) return { status: "loading", data: q.data, error: null, reload };
  if (q.isError) return { status: "error", data: q.data, error: q.error, reload };
  return { status: "ok", data: q.data, error: null, reload };
}
