import type { MqttClient } from "mqtt";

/**
 * A function to call at each message taken: it puts the client's keepalive ping off, as a PINGRESP
 * would, since a message taken shows the link is alive. mqtt.js counts only acknowledgements and
 * PINGRESPs, and reads no packet while a message waits (for its commit, or for room), so a
 * connection that read steadily behind a backlog for 1.5 keepalives found its PINGRESP still queued
 * behind the messages, timed out and reconnected, and the broker sent everything unacknowledged
 * again (100 such reconnects in a 10-minute bench:chain run). At most a reschedule a second, or a
 * quarter keepalive if that is shorter: each costs a timer.
 */
export function keepaliveOnMessages(client: MqttClient, keepaliveS: number): (now?: number) => void {
  const everyMs = Math.min(1000, keepaliveS * 250);
  let last = -Infinity;
  return (now = performance.now()) => {
    if (now - last < everyMs) return;
    last = now;
    client.reschedulePing();
  };
}
