/**
 * `footfall` commands on FOOTFALL_DATABASE_URL against a PostgreSQL they cannot reach because nothing answers (a host or
 * firewall that drops the packets, a link that died silently: no refusal, no RST) waited for ever: pg has no connect
 * timeout. Now they say within 10 s what to check and exit 1. Debian's PostgreSQL behind the silent TCP relay
 * (test/support/silent-relay.ts), every link silent from its first byte; the built CLI.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { footfall } from "../../test/support/cli.js";
import { usePostgres } from "../../test/support/postgres.js";
import { useSilentRelay } from "../../test/support/silent-relay.js";
import { tempDir } from "../../test/support/wait.js";

const postgres = usePostgres();
const relay = useSilentRelay(postgres, "cli_dead");
const dir = tempDir("footfall-cli-dead-");
let silencer: ReturnType<typeof setInterval> | undefined;

beforeAll(() => {
  // Every link the CLI opens passes nothing either way, from its first byte (its TCP connect succeeds: the relay accepts).
  silencer = setInterval(() => relay.links.forEach((l) => (l.silent = true)), 0);
});
afterAll(() => {
  clearInterval(silencer);
  dir.remove();
});

describe("footfall commands on a PostgreSQL that does not answer", () => {
  for (const args of [["token", "list"], ["cluster", "status"]])
    it(`footfall ${args.join(" ")} says what to check within 10 s and exits 1`, async () => {
      const port = new URL(relay.relayedUrl).port;
      // Old CLI: no answer, no end (killed at the 40 s timeout here: code not 1, no such words).
      const r = await footfall(args, { dataDir: dir.path, env: { FOOTFALL_DATABASE_URL: relay.relayedUrl }, timeoutMs: 40_000 });
      expect(r.stderr).toContain(`cannot reach PostgreSQL at 127.0.0.1:${port} within 10 s (FOOTFALL_DATABASE_URL postgres://`);
      expect(r.stderr).toContain("no answer. Check that PostgreSQL runs on that host and listens on that port");
      expect(r.stderr).not.toMatch(/password=|:[^*:@/]+@/);
      expect(r.code).toBe(1);
    }, 60_000);
});
