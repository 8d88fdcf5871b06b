/**
 * The hostile-input sweep of every HTTP route (test/support/hostile-http-sweep.ts) against a server
 * on Debian's PostgreSQL (a throwaway server, test/support/postgres.ts). Run against it, the sweep
 * found what SQLite lets through and PostgreSQL answered with a 500: `/audit?before=` past a bigint
 * (f4671bd); hostile-text.integration.test.ts holds the text it refuses (U+0000, lone surrogates).
 */
import { hostileHttpSweep } from "../../../test/support/hostile-http-sweep.js";
import { usePostgres } from "../../../test/support/postgres.js";

const pg = usePostgres();
hostileHttpSweep({ databaseUrl: () => pg.database() });
