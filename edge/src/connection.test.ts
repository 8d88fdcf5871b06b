import { describe, expect, it } from "vitest";
import { backoffDelay, connectionHint } from "./connection.js";

describe("backoffDelay", () => {
  it("doubles from the minimum after each failed attempt", () => {
    const mid = () => 0.5; // no jitter
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, 1000, 30_000, mid))).toEqual([1000, 2000, 4000, 8000]);
  });

  it("stops growing at the maximum", () => {
    expect(backoffDelay(20, 1000, 30_000, () => 0.5)).toBe(30_000);
  });

  it("spreads retries by ±20% so that many agents do not reconnect in step", () => {
    expect(backoffDelay(1, 1000, 30_000, () => 0)).toBe(800);
    expect(backoffDelay(1, 1000, 30_000, () => 0.999999)).toBe(1200);
  });
});

describe("connectionHint", () => {
  const err = (message: string, code?: string | number) => Object.assign(new Error(message), code === undefined ? {} : { code });
  it("says what to do when TLS does not match the port, or the certificate is not trusted", () => {
    // mqtts:// to the broker's plain port: what mqtt.js reports (seen against the embedded broker).
    expect(connectionHint(err("Client network socket disconnected before secure TLS connection was established", "ECONNRESET"), "mqtts://127.0.0.1:1883")).toMatch(
      /does not speak TLS on this port: use its TLS port \(often 8883\) with mqtts:\/\/, or mqtt:\/\/ on its plain port/,
    );
    expect(connectionHint(err("self-signed certificate", "DEPTH_ZERO_SELF_SIGNED_CERT"), "mqtts://broker:8883")).toMatch(/NODE_EXTRA_CA_CERTS/);
    expect(connectionHint(err("read ECONNRESET", "ECONNRESET"), "mqtt://broker:8883")).toMatch(/if this port expects TLS \(often 8883\), use mqtts:\/\//);
  });
  it("keeps the hints it had: credentials, an unreachable broker", () => {
    expect(connectionHint(err("Connection refused: Bad username or password", 4), "mqtt://b:1883")).toMatch(/footfall agent add/);
    expect(connectionHint(err("connect ECONNREFUSED", "ECONNREFUSED"), "mqtt://b:1883")).toMatch(/is the broker running/);
  });
  it("names the environment variables that win over the config file's login and URL", () => {
    // An agent run as the README says (FOOTFALL_MQTT_USERNAME=... FOOTFALL_MQTT_PASSWORD=... footfall-edge sim --config
    // edge/examples/sim.json) was told to check mqtt.username and mqtt.password, which its config file does not hold.
    expect(connectionHint(err("Connection refused: Bad username or password", 4), "mqtt://b:1883")).toContain(
      "check mqtt.username and mqtt.password, or FOOTFALL_MQTT_USERNAME and FOOTFALL_MQTT_PASSWORD, which win over them",
    );
    expect(connectionHint(err("Connection refused: Not authorized", 5), "mqtt://b:1883")).toContain("FOOTFALL_MQTT_PASSWORD");
    expect(connectionHint(err("connect ECONNREFUSED 127.0.0.1:20489", "ECONNREFUSED"), "mqtt://localhost:20489")).toBe(
      "is the broker running, and is mqtt.url right (or FOOTFALL_MQTT_URL, which wins over it)?",
    );
  });
});
