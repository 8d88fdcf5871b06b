/**
 * An upgrade says in the server's log what it does to the database: the schema version it starts from and goes to, each
 * migration as it is applied (n of m, how long), and the end; before, `footfall serve` on a data folder of an older
 * version applied its migrations without a word, so an operator watching `journalctl -u footfall` after an upgrade
 * could not tell a long migration (18 reads every stored event once) from a hung start. A new folder says it was
 * created (one line), a start with nothing to apply says nothing of the schema. Real SQLite file: the upgrade fixture
 * test/fixtures/upgrade-8611a54 (schema version 16, written by that build itself), started through startServer with
 * its embedded broker.
 */
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { localServerConfig } from "../../../test/support/in-process.js";
import { logLines } from "../../../test/support/log-lines.js";
import { tempDir } from "../../../test/support/wait.js";
import { startServer } from "../server.js";
import { MIGRATIONS } from "./migrations.js";

const FIXTURE = join(import.meta.dirname, "../../../test/fixtures/upgrade-8611a54/footfall.db");
const NEWEST = Math.max(...MIGRATIONS.map((m) => m.version));

const dirs: { remove(): void }[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove();
});

/** Starts a server on `dataDir` and stops it; the schema lines (those with `from` or a migration `version`) it logged. */
async function schemaLines(dataDir: string): Promise<Record<string, unknown>[]> {
  const { log, lines } = logLines("info");
  const server = await startServer(localServerConfig(dataDir), { log, uiDir: null });
  await server.close();
  return lines.filter((l) => "from" in l || ("version" in l && "step" in l));
}

describe("the server's log of schema migrations", () => {
  it("an upgrade says where from and to, each migration as it is applied, and the end", async () => {
    const dir = tempDir("footfall-upgrade-log-");
    dirs.push(dir);
    copyFileSync(FIXTURE, join(dir.path, "footfall.db"));
    const pending = MIGRATIONS.map((m) => m.version).filter((v) => v > 16);

    const lines = await schemaLines(dir.path);
    expect(lines[0]).toMatchObject({ level: 30, from: 16, to: NEWEST, migrations: pending.length });
    expect(lines[0]!.msg).toBe(
      `upgrading the database from schema version 16 to ${NEWEST}: ${pending.length} migrations, each logged as it is applied (on a big database this may take minutes: let it finish)`,
    );
    const steps = lines.slice(1, -1);
    expect(steps.map((l) => [l.version, l.step, l.of])).toEqual(pending.map((v, i) => [v, i + 1, pending.length]));
    for (const l of steps) {
      const m = MIGRATIONS.find((x) => x.version === l.version)!;
      expect(l.level).toBe(30);
      expect(l.msg).toBe(`schema migration ${m.version} applied (${String(l.step)} of ${pending.length}, ${String(l.ms)} ms): ${m.name}`);
    }
    expect(lines.at(-1)).toMatchObject({ level: 30, from: 16, to: NEWEST, migrations: pending.length });
    expect(lines.at(-1)!.msg).toMatch(new RegExp(`^database upgraded from schema version 16 to ${NEWEST} in \\d+ ms$`));

    // The next start has nothing to apply, and says nothing of the schema.
    expect(await schemaLines(dir.path)).toEqual([]);
  });

  it("a new data folder: one line that the database was created, its steps only at debug", async () => {
    const dir = tempDir("footfall-upgrade-log-");
    dirs.push(dir);
    const lines = await schemaLines(join(dir.path, "data"));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, from: 0, to: NEWEST, msg: `new database created at schema version ${NEWEST}` });
  });
});
