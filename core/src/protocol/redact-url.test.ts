import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { redactUrl } from "./redact-url.js";

describe("redactUrl", () => {
  it("shows a URL's password as ***, and a URL without one as it is", () => {
    expect(redactUrl("mqtt://footfall-server:s3cret@mosquitto:1883")).toBe("mqtt://footfall-server:***@mosquitto:1883");
    expect(redactUrl("mqtts://broker.example.com:8883")).toBe("mqtts://broker.example.com:8883");
    expect(redactUrl("mqtt://user@broker:1883")).toBe("mqtt://user@broker:1883");
    expect(redactUrl("mqtt://:secret@broker")).toBe("mqtt://:***@broker");
    expect(redactUrl("http://10.0.0.5:8080/a:b@c")).toBe("http://10.0.0.5:8080/a:b@c");
  });

  it("never leaves the password in what it shows", () => {
    const part = fc.stringMatching(/^[A-Za-z0-9._~-]{1,20}$/);
    fc.assert(
      fc.property(part, part, fc.constantFrom("mqtt", "mqtts", "ws", "tcp"), fc.integer({ min: 1, max: 65535 }), (user, password, scheme, port) => {
        fc.pre(!user.includes(password) && !"***".includes(password) && !`${scheme}broker${port}`.includes(password));
        const shown = redactUrl(`${scheme}://${user}:${password}@broker:${port}`);
        expect(shown).not.toContain(password);
        expect(shown).toContain(`${user}:***@broker`);
      }),
    );
  });
});
