import { tempDir } from "../../../test/support/wait.js";
import { storageContract } from "./contract.js";
import { openSqliteStorage } from "./sqlite.js";

storageContract("SQLite", async () => {
  const dir = tempDir("footfall-contract-");
  const storage = openSqliteStorage(dir.path);
  return {
    storage,
    close: async () => {
      await storage.close();
      dir.remove();
    },
  };
});
