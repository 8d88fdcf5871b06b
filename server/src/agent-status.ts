/**
 * Which time an agent's status is stored with. A status is stamped by the agent's clock when it is
 * published, except its last will: the "offline" the broker publishes when the agent's connection
 * drops was written, stamped, when the agent connected, so an agent connected for three days that
 * died ten minutes ago read "last status 3 d ago" on the Agents view. A live "offline" is stored with
 * the time the server received it (when it learnt the agent went away); a retained copy replayed when
 * the server subscribes is stored only when it says more than what is stored (not the same state,
 * stamped no later), so a restart does not put that will's old time back.
 */
import type { AgentStatus } from "@footfall/core";

/** The status to store, or null to keep what is stored. `stored`: the agent's stored state and its time (null before any). */
export function statusToStore(status: AgentStatus, live: boolean, receivedAt: number, stored: { state: string; statusTs: number | null } | null): AgentStatus | null {
  if (status.state !== "offline") return status;
  if (live) return { ...status, ts: receivedAt };
  return stored && stored.state === status.state && stored.statusTs !== null && stored.statusTs >= status.ts ? null : status;
}
