/**
 * The server's in-process alert notifications: the alert evaluator publishes each state change of an
 * alert (firing, acknowledged, resolved); the live tablet push, webhooks and MQTT subscribe.
 *
 * A listener is called synchronously, in subscription order, for every notification; it must not
 * block (queue work of its own). A listener that throws (or whose promise rejects) is logged and the
 * others still get the notification.
 */
import type { AlertNotification } from "@footfall/core";
import type { Logger } from "../log.js";

export type AlertListener = (notification: AlertNotification) => void | Promise<void>;

export class AlertBus {
  private readonly listeners = new Set<AlertListener>();

  constructor(private readonly log?: Pick<Logger, "error">) {}

  /** Receive every notification published from now on; returns the unsubscribe function. */
  subscribe(listener: AlertListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  publish(notification: AlertNotification): void {
    for (const listener of [...this.listeners]) {
      try {
        const done = listener(notification);
        if (done && typeof (done as Promise<void>).catch === "function")
          (done as Promise<void>).catch((err: Error) => this.failed(err, notification));
      } catch (err) {
        this.failed(err as Error, notification);
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }

  private failed(err: Error, n: AlertNotification): void {
    this.log?.error({ err: err.message, deliveryId: n.deliveryId, type: n.type }, "an alert listener failed");
  }
}
