/**
 * What a server's start says when it could not connect to an external broker (FOOTFALL_MQTT_URL): the
 * broker's or the network's own answer and what to check, so that a wrong password does not read
 * like a broker that is down.
 */
import type { MqttClient } from "mqtt";
import { isLoginRefusedCode } from "@footfall/core";

/** How long a start waits for the broker's CONNACK before it gives up (ms). */
export const BROKER_CONNECT_WAIT_MS = 10_000;

/** Whether `err` is the broker's refusal of the login (CONNACK 4/5 in MQTT 3.1.1, 134/135 in MQTT 5). */
export function isLoginRefused(err: Error | undefined): boolean {
  if (!err) return false;
  return isLoginRefusedCode((err as { code?: unknown }).code) || /bad user ?name or password|not authori[sz]ed/i.test(err.message);
}

/** The error a start fails with: `last` is the last error the client reported (none: nothing answered at all). */
export function brokerConnectFailure(url: string, last: Error | undefined, waitedMs = BROKER_CONNECT_WAIT_MS): Error {
  if (isLoginRefused(last))
    return new Error(
      `the MQTT broker at ${url} refused the server's login (${last!.message}): check FOOTFALL_MQTT_USERNAME and FOOTFALL_MQTT_PASSWORD against the broker's password file (footfall broker-config writes the server's user)`,
    );
  const within = `within ${Math.round(waitedMs / 1000)} s`;
  return new Error(
    last
      ? `could not connect to the MQTT broker at ${url} ${within} (${last.message}): is it running, and is FOOTFALL_MQTT_URL right?`
      : `no answer from the MQTT broker at ${url} ${within}: is it running, and is FOOTFALL_MQTT_URL right?`,
  );
}

/**
 * Resolves at `client`'s first CONNACK; rejects at once when the broker refuses the login (mqtt.js does not try again),
 * or after `waitMs` with the last error the client reported, in {@link brokerConnectFailure}'s words. A client that
 * fails is ended.
 */
export function firstConnect(client: MqttClient, shownUrl: string, waitMs = BROKER_CONNECT_WAIT_MS): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let last: Error | undefined;
    const fail = (err: Error) => {
      clearTimeout(t);
      client.off("error", onError);
      client.end(true);
      reject(err);
    };
    const onError = (err: Error) => ((last = err), isLoginRefused(err) && fail(brokerConnectFailure(shownUrl, err, waitMs)));
    const t = setTimeout(() => fail(brokerConnectFailure(shownUrl, last, waitMs)), waitMs);
    client.on("error", onError);
    client.once("connect", () => {
      clearTimeout(t);
      client.off("error", onError);
      resolve();
    });
  });
}
