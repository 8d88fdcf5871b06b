/**
 * The storage adapter contract (../storage/contract.ts) on PostgreSQL: the very tests SQLite
 * passes, against Debian's PostgreSQL started here (test/support/postgres.ts), a fresh database
 * for each test.
 */
import { usePostgres } from "../../../test/support/postgres.js";
import { storageContract } from "../storage/contract.js";
import { openPgStorage } from "./adapter.js";

const server = usePostgres();

storageContract("PostgreSQL", async () => {
  const storage = await openPgStorage(server.database());
  return { storage, close: () => storage.close() };
});
