import { formatTime } from "./format.js";

/**
 * The words of an agent's state badge in the Agents view. An agent offline (or silent) whose store is closed since it
 * went down, or has been open for less than its grace (the store's agent-offline rule's threshold), is no problem yet:
 * the server leaves "offline" out of its `problems` and says `expectedBackBy` during the grace. The badge then says
 * "Expected back by 08:10 CET" (grey), or "Off, store closed" while closed, never a red "Offline" the rule would not page
 * for; after the grace, "Offline" in red, as the agent-offline alert fires. Revoked and online agents as ever.
 */
export function agentStateBadge(
  a: { state: string; revokedAt?: number | null; problems?: readonly string[] | null; expectedBackBy?: number | null },
  timeZone: string | null,
): { text: string; tone: "on" | "off" | "quiet"; title?: string } {
  if (a.revokedAt) return { text: "revoked", tone: "off" };
  const word = (a.state.charAt(0).toUpperCase() + a.state.slice(1)).replace(/-/g, " ");
  if (a.state === "online") return { text: word, tone: "on" };
  if (a.state === "offline" && a.problems && !a.problems.includes("offline")) {
    if (typeof a.expectedBackBy === "number") {
      const by = timeZone ? formatTime(a.expectedBackBy, timeZone) : new Date(a.expectedBackBy).toISOString().slice(11, 16) + " UTC";
      return {
        text: `Expected back by ${by}`,
        tone: "quiet",
        title: `Not heard since before the opening: its box is given until ${by} to start and connect (the store's agent-offline rule's threshold and the time it must hold); still off then, it is offline and the rule pages`,
      };
    }
    return { text: "Off, store closed", tone: "quiet", title: "Went off while the store was closed (or just before the closing): no problem until the store has opened" };
  }
  return { text: word, tone: "off" };
}
