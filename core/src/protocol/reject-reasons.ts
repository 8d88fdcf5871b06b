/**
 * Why the server refused events (its reject reasons, DESIGN v1.1), in words a person acts on: the
 * Agents view shows them, and an agent logs them when a receipt lists rejected events, so the
 * technician at the agent and the admin at the server read the same thing.
 */
export const REJECT_REASONS: Readonly<Record<string, { label: string; hint: string }>> = {
  too_old: { label: "too old", hint: "Older than the server accepts (7 days by default): the agent sent old history, or its clock is behind." },
  future: { label: "in the future", hint: "More than 5 minutes ahead of the server: check the agent's clock (NTP)." },
  unknown_zone: { label: "unknown zone", hint: "A zone that is not in the store's layout at that time: update the agent's zones or the layout." },
  unknown_store: { label: "unknown store", hint: "A store with no layout yet: save one in Layout." },
  unknown_agent: { label: "unknown agent", hint: "An agent the server does not know: add it with footfall agent add." },
  schema: { label: "not a valid event", hint: "A field is missing or of the wrong type: see the server's log for which." },
  malformed: { label: "unreadable message", hint: "Not JSON, or not an event batch." },
  oversized: { label: "too large", hint: "Over the batch limit (1,000 events, 256 KiB)." },
  too_deep: { label: "nested too deep", hint: "JSON deeper than 16 levels." },
  forged: { label: "wrong agent", hint: "The message names another agent than the one that sent it." },
  foreign_id: { label: "another agent's id", hint: "Event ids must begin with the sending agent's id." },
  personal_id: { label: "personal visitor id", hint: "A visitor id shaped like a MAC address, an e-mail or a phone number: agents must hash or rotate what they see." },
  forbidden_topic: { label: "forbidden topic", hint: "Published outside the agent's own topics." },
  internal_error: { label: "server error", hint: "The server could not ingest it: see its log." },
};

/** A reject reason's words: its label and what to do, or generic words for a reason this version does not know. */
export function rejectReasonWords(reason: string): { label: string; hint: string } {
  return Object.hasOwn(REJECT_REASONS, reason) ? REJECT_REASONS[reason]! : { label: reason.replace(/_/g, " "), hint: "See the server's log for details." };
}
