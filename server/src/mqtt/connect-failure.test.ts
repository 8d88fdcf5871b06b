import { describe, expect, it } from "vitest";
import { brokerConnectFailure, isLoginRefused } from "./connect-failure.js";

const URL = "mqtt://mosquitto:1883";

describe("brokerConnectFailure", () => {
  it("a refused login names the credentials to check, in MQTT 3.1.1 and 5 alike", () => {
    for (const err of [
      Object.assign(new Error("Connection refused: Not authorized"), { code: 5 }),
      Object.assign(new Error("Connection refused: Bad username or password"), { code: 4 }),
      Object.assign(new Error("Connection refused: Bad User Name or Password"), { code: 134 }),
      Object.assign(new Error("Connection refused: Not authorized"), { code: 135 }),
    ]) {
      expect(isLoginRefused(err)).toBe(true);
      expect(brokerConnectFailure(URL, err).message).toBe(
        `the MQTT broker at ${URL} refused the server's login (${err.message}): check FOOTFALL_MQTT_USERNAME and FOOTFALL_MQTT_PASSWORD against the broker's password file (footfall broker-config writes the server's user)`,
      );
    }
  });

  it("a network error or no answer at all asks whether the broker runs and the URL is right", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 10.0.0.5:1883"), { code: "ECONNREFUSED" });
    expect(isLoginRefused(refused)).toBe(false);
    expect(brokerConnectFailure(URL, refused).message).toBe(
      `could not connect to the MQTT broker at ${URL} within 10 s (connect ECONNREFUSED 10.0.0.5:1883): is it running, and is FOOTFALL_MQTT_URL right?`,
    );
    expect(brokerConnectFailure(URL, undefined).message).toBe(`no answer from the MQTT broker at ${URL} within 10 s: is it running, and is FOOTFALL_MQTT_URL right?`);
    expect(isLoginRefused(undefined)).toBe(false);
  });
});
