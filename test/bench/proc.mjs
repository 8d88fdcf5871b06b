// What the benchmarks read of a process from Linux's /proc: its CPU time and its RSS.
import { readFileSync, readdirSync } from "node:fs";

/** The fields of /proc/<pid>/stat (or a thread's, /proc/<pid>/task/<tid>/stat) after the command's name, or null once gone. */
function stat(path) {
  try {
    return readFileSync(path, "utf8").split(") ")[1].split(" ").map(Number);
  } catch {
    return null;
  }
}

/**
 * CPU seconds (user + system) a process has used so far: robust to a loaded machine, unlike wall time.
 * `thread`: one thread's only (a task id). `tree`: with its children (PostgreSQL's backends): the live ones, and
 * those that exited (a killed server's connections), which the kernel adds to the parent's children's times once
 * it has reaped them. NaN once the process is gone.
 */
export function cpuSeconds(pid, { thread, tree = false } = {}) {
  // f[1] ppid, f[11..14] utime, stime, cutime, cstime, in clock ticks (USER_HZ = 100)
  const own = stat(thread ? `/proc/${pid}/task/${thread}/stat` : `/proc/${pid}/stat`);
  if (!own && !tree) return NaN;
  let t = own ? own[11] + own[12] + (tree ? own[13] + own[14] : 0) : 0;
  if (tree) {
    for (const d of readdirSync("/proc")) {
      if (!/^\d+$/.test(d)) continue;
      const f = stat(`/proc/${d}/stat`);
      if (f?.[1] === pid) t += f[11] + f[12];
    }
  }
  return t / 100;
}

/** Resident set size in MiB, NaN once the process is gone. */
export function rssMiB(pid) {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024;
  } catch {
    return NaN;
  }
}
