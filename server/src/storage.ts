/**
 * The server's storage: the interface (./storage/types.ts) and how one is opened. SQLite in the
 * data folder is the default; every adapter passes the contract suite of ./storage/contract.ts.
 */
import { openSqliteStorage } from "./storage/sqlite.js";
import type { Storage } from "./storage/types.js";

export type * from "./storage/types.js";
export { ROLES } from "./storage/types.js";
export { openSqliteStorage };

/** Open the storage of a data folder (SQLite, created when new, migrations applied). */
export async function openStorage(dataDir: string): Promise<Storage> {
  return openSqliteStorage(dataDir);
}
