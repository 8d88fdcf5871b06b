/**
 * The state changes of simulated agents (kind "sim": the chain demo's 50 stores' agents come online
 * within a second of each other, and go offline so at its stop) folded into one log line per state:
 * "50 simulated agents online (store-0001/sim-1 … store-0050/sim-1)", each agent's own line at debug.
 * A fold of one agent is its usual "agent status" line. Real agents' lines are not folded.
 */
import type { Logger } from "./log.js";

/** How long a fold waits, after the first change it holds, for more (ms). */
export const STATUS_FOLD_MS = 1000;

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

export function statusFold(log: Logger, windowMs = STATUS_FOLD_MS): StatusFold {
  /** Per state, the agents whose change to it is held (the last change of an agent wins). */
  let held = new Map<string, string>();
  let timer: ReturnType<typeof setTimeout> | null = null;
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
      timer ??= setTimeout(flush, windowMs);
      timer.unref?.();
    },
    flush,
  };
}
