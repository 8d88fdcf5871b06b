/**
 * digestLinkEnv, the address `footfall digest preview|send` link to, against a reference: FOOTFALL_PUBLIC_URL when set
 * (nothing said); else the one address the running servers noted (nothing said); servers that noted several: the first
 * (in the order given: serverAddresses sorts them), said with all of them; none: the guess, and why on stderr (a SQLite
 * folder with no running server, or no PostgreSQL server's note). The old rule read no note on PostgreSQL at all.
 */
import fc from "fast-check";
import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { digestLinkEnv } from "./cli.js";

const url = fc.constantFrom("https://footfall.example.com/", "https://eu.example.com/ui/", "http://box-1:9090/", "http://box-2:8080/");

describe("digestLinkEnv", () => {
  it("follows the reference for any setting, any notes, on SQLite and PostgreSQL", () => {
    fc.assert(
      fc.property(fc.option(url, { nil: undefined }), fc.option(fc.array(url, { maxLength: 4 }), { nil: null }), fc.boolean(), fc.option(fc.constantFrom("9090", "8081"), { nil: undefined }), (set, noted, onPostgres, port) => {
        const env: NodeJS.ProcessEnv = { FOOTFALL_PUBLIC_URL: set, FOOTFALL_HTTP_PORT: port };
        const r = digestLinkEnv(env, noted, onPostgres);
        const distinct = [...new Set(noted ?? [])];
        if (set) {
          expect(r).toEqual({ env, warning: null });
        } else if (distinct.length === 1) {
          expect(r).toEqual({ env: { ...env, FOOTFALL_PUBLIC_URL: distinct[0] }, warning: null });
        } else if (distinct.length > 1) {
          expect(r.env.FOOTFALL_PUBLIC_URL).toBe(distinct[0]);
          expect(r.warning).toMatch(new RegExp(`^links use ${distinct[0]}, one of the addresses`));
          for (const u of distinct) expect(r.warning).toContain(u);
          expect(r.warning).toMatch(/: set FOOTFALL_PUBLIC_URL to the address users open the UI at$/);
        } else {
          expect(r.env).toEqual(env);
          expect(r.warning).toContain(`links use http://${hostname()}:${port ?? "8080"}/ (`);
          expect(r.warning).toContain(onPostgres ? "no server running on this PostgreSQL database noted its address in the last 90 s" : "no running server on this data folder says its address");
        }
      }),
    );
  });

  it("on PostgreSQL, the servers' one address: theirs, and nothing said (the old rule: the guess and a warning)", () => {
    expect(digestLinkEnv({}, ["https://footfall.example.com/"], true)).toEqual({ env: { FOOTFALL_PUBLIC_URL: "https://footfall.example.com/" }, warning: null });
  });
});
