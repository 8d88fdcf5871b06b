/**
 * The state changes of simulated agents (kind "sim": the chain demo's 50 stores' agents come online
 * within seconds of each other, and go offline so at its stop) folded into one log line per state
 * (those until a second without a change, at most 10 s):
 * "50 simulated agents online (store-0001/sim-1 … store-0050/sim-1)", each agent's own line at debug.
 * A fold of one agent is its usual "agent status" line. Real agents' lines are not folded.
 */
import type { Logger } from "./log.js";

/** A fold is logged once no change has come for this long (ms)... */
export const STATUS_FOLD_MS = 1000;
/** ...or this long after its first change, whichever comes first (ms). */
export const STATUS_FOLD_MAX_MS = 10_000;

export interface StatusFold {
  /** A simulated agent's state changed (logged by itself at debug; at info in its fold). */
  add(store: string, agent: string, state: string): void;
  /** Logs what is held now (the server's stop). */
  flush(): void;
}

/** The words of one fold: `n` agents (store/agent ids in the order they came) now in `state`. */
export function foldText(state: string, ids: readonly string[]): string {
  const list = ids.length <= 3 ? ids.join(", ") : `${ids[0]} … ${ids.at(-1)}`;
  return `${ids.length} simulated agents ${state} (${list})`;
}

export function statusFold(log: Logger, windowMs = STATUS_FOLD_MS, maxMs = STATUS_FOLD_MAX_MS): StatusFold {
  /** Per state, the agents whose change to it is held (the last change of an agent wins). */
  let held = new Map<string, string>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** When the fold's first change came. */
  let firstAt = 0;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    const byState = new Map<string, string[]>();
    for (const [id, state] of held) byState.set(state, [...(byState.get(state) ?? []), id]);
    held = new Map();
    for (const [state, ids] of byState) {
      if (ids.length === 1) {
        const [store, agent] = ids[0]!.split("/");
        log.info({ store, agent, state }, "agent status");
      } else log.info({ state, agents: ids.length, first: ids[0], last: ids.at(-1) }, foldText(state, ids));
    }
  };
  return {
    add(store, agent, state) {
      log.debug({ store, agent, state }, "agent status");
      const id = `${store}/${agent}`;
      held.delete(id); // its latest change goes last
      held.set(id, state);
      // The agents of a chain come online over a few seconds on a loaded machine: the fold waits for a quiet second.
      const now = Date.now();
      if (timer) clearTimeout(timer);
      else firstAt = now;
      timer = setTimeout(flush, Math.max(0, Math.min(windowMs, firstAt + maxMs - now)));
      timer.unref?.();
    },
    flush,
  };
}
