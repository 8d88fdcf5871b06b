/**
 * The hostile-input sweep of every HTTP route (test/support/hostile-http-sweep.ts) against a server
 * on a SQLite file in a temporary folder; hostile-http-postgres.integration.test.ts runs it on
 * PostgreSQL.
 */
import { hostileHttpSweep } from "../../../test/support/hostile-http-sweep.js";

hostileHttpSweep();
