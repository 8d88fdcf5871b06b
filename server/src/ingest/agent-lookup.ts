/**
 * Whether a message's agent exists (DESIGN v1.1: a message of an agent the server does not know is
 * refused `unknown_agent`). Agents are never deleted, so one found is remembered; one not found is
 * asked again next time (it may be added meanwhile). Look-ups under way are shared: a shard taken over
 * from a dead server brings hundreds of agents this server has not seen, each with a backlog of
 * messages, and they wait for one query an agent, not one a message.
 */
export function agentLookup(get: (store: string, agent: string) => Promise<unknown>): (store: string, agent: string) => Promise<boolean> {
  const known = new Set<string>();
  const underWay = new Map<string, Promise<boolean>>();
  return (store, agent) => {
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
}
