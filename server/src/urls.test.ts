import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { isHttpUrl, parseUrl } from "./urls.js";
import { publicUrlProblem } from "./digests/links.js";

describe("isHttpUrl(parseUrl(raw))", () => {
  it("takes absolute http:// and https:// addresses, and nothing else", () => {
    for (const ok of ["http://127.0.0.1:8080/", "https://footfall.example.com/ops", "HTTPS://Footfall.Example.com", " https://x.example/ "]) expect(isHttpUrl(parseUrl(ok)), ok).toBe(true);
    for (const bad of ["", "footfall.example.com", "http://", "ftp://example.com/x", "javascript:alert(1)", "mqtt://broker:1883", "//x.example/"]) expect(isHttpUrl(parseUrl(bad)), bad).toBe(false);
    expect(parseUrl("not a url")).toBeNull();
    expect(parseUrl("smtps://mail.example.com:465")?.protocol).toBe("smtps:");
  });

  it("is the rule FOOTFALL_PUBLIC_URL is checked by, for any value", () => {
    // The reference: a scheme of http or https (any case) and a host, as fetch would take it.
    fc.assert(
      fc.property(fc.oneof(fc.webUrl(), fc.string(), fc.constantFrom("ftp://x.example/", "HTTP://X.EXAMPLE", "http:/x", "file:///etc/passwd")), (raw) => {
        const reference = (() => {
          try {
            const u = new URL(raw);
            return /^https?:$/.test(u.protocol) && u.host !== "";
          } catch {
            return false;
          }
        })();
        expect(isHttpUrl(parseUrl(raw))).toBe(reference);
        if (raw) expect(publicUrlProblem({ FOOTFALL_PUBLIC_URL: raw }) === null).toBe(reference);
      }),
    );
  });
});
