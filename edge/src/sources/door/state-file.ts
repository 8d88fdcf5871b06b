import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { makeDirs } from "@footfall/core/node";

/**
 * A small JSON state file written atomically: a temporary file, fsync, rename. A crash leaves
 * either the old or the new content, never half of one.
 */
export class StateFile<T> {
  constructor(readonly path: string) {}

  /** The stored value, or null when there is none (or it cannot be read: the caller starts afresh and says so). */
  read(): { value: unknown } | null {
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch {
      return null;
    }
    try {
      return { value: JSON.parse(text) as unknown };
    } catch {
      return null;
    }
  }

  write(value: T): void {
    makeDirs(dirname(this.path));
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, "w");
    try {
      writeSync(fd, JSON.stringify(value));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
  }
}
