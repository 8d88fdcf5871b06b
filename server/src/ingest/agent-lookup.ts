/**
 * Whether a message's agent exists (DESIGN v1.1: a message of an agent the server does not know is
 * refused `unknown_agent`). Agents are never deleted, so one found is remembered; one not found is
 * asked again next time (it may be added meanwhile). Look-ups under way are shared: a shard taken over
 * from a dead server brings hundreds of agents this server has not seen, each with a backlog of
 * messages, and they wait for one query an agent, not one a message; and the server that takes them
 * over learns their agents in one read first ({@link AgentLookup.learn}).
 */
export interface AgentLookup {
  /** Whether the agent exists (the storage is asked unless it is known). */
  isKnown(store: string, agent: string): Promise<boolean>;
  /** Agents known to exist from elsewhere (one read of many stores' agents). */
  learn(agents: Iterable<{ store: string; agent: string }>): void;
}

export function agentLookup(get: (store: string, agent: string) => Promise<unknown>): AgentLookup {
  const known = new Set<string>();
  const underWay = new Map<string, Promise<boolean>>();
  const learn = (agents: Iterable<{ store: string; agent: string }>) => {
    for (const a of agents) known.add(`${a.store}/${a.agent}`);
  };
  const isKnown = (store: string, agent: string) => {
    const key = `${store}/${agent}`;
    if (known.has(key)) return Promise.resolve(true);
    const pending = underWay.get(key);
    if (pending) return pending;
    const lookUp = get(store, agent).then((found) => {
      if (found !== undefined) known.add(key);
      return found !== undefined;
    });
    underWay.set(key, lookUp);
    const done = () => void underWay.delete(key);
    lookUp.then(done, done);
    return lookUp;
  };
  return { isKnown, learn };
}
