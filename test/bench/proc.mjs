// What the benchmarks read of a process from Linux's /proc (its CPU time and its RSS), and the CPU groups they run services in.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

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
  if (tree) for (const c of children(pid)) t += c.f[11] + c.f[12];
  return t / 100;
}

/** The live children of a process: their pids and /proc stat fields. */
function children(pid) {
  const out = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    const f = stat(`/proc/${d}/stat`);
    if (f?.[1] === pid) out.push({ pid: Number(d), f });
  }
  return out;
}

/** A process's nice value (f[16]), NaN once it is gone. */
export function niceOf(pid) {
  return stat(`/proc/${pid}/stat`)?.[16] ?? NaN;
}

/** Resident set size in MiB, NaN once the process is gone. */
export function rssMiB(pid) {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024;
  } catch {
    return NaN;
  }
}

/**
 * CPU groups, as docker-compose (a container each) or systemd (a unit each) runs services: each named group gets one
 * share of the CPU, whatever number of processes and threads it holds. Linux's cgroup v1 `cpu` controller at
 * /sys/fs/cgroup/cpu (cgroup v2 at /sys/fs/cgroup otherwise), under a parent of this run's own; null where neither can be
 * written (not root, or no cpu controller): processes then share the CPU as the kernel does by default (by session with
 * autogroup scheduling, where every PostgreSQL backend is a session of its own).
 */
export function cpuGroups(name) {
  const v1 = "/sys/fs/cgroup/cpu";
  const roots = [existsSync(`${v1}/cgroup.procs`) ? { dir: v1, v2: false } : null, existsSync("/sys/fs/cgroup/cgroup.controllers") ? { dir: "/sys/fs/cgroup", v2: true } : null].filter(Boolean);
  for (const r of roots) {
    const base = join(r.dir, name);
    try {
      mkdirSync(base);
    } catch {
      continue;
    }
    try {
      if (r.v2) writeFileSync(join(base, "cgroup.subtree_control"), "+cpu");
    } catch {
      rmdirSync(base); // no cpu controller to hand down here
      continue;
    }
    const made = new Set();
    return {
      base,
      /** Moves the processes (every thread of each) into group `group`; the children they fork later stay in it. */
      place(group, pids) {
        const g = join(base, group);
        if (!made.has(g)) { mkdirSync(g, { recursive: true }); made.add(g); }
        for (const pid of pids) try { writeFileSync(join(g, "cgroup.procs"), `${pid}\n`); } catch { /* exited */ }
      },
      /** Moves what is left back to the root group and removes the groups. */
      remove() {
        for (const g of [...made, base]) {
          try { for (const pid of readFileSync(join(g, "cgroup.procs"), "utf8").split("\n").filter(Boolean)) writeFileSync(join(r.dir, "cgroup.procs"), `${pid}\n`); } catch { /* gone */ }
          try { rmdirSync(g); } catch { /* still exiting: an empty group left behind is harmless */ }
        }
      },
    };
  }
  return null;
}

/** A process and its children (PostgreSQL's postmaster and its backends). */
export function withChildren(pid) {
  return [pid, ...children(pid).map((c) => c.pid)];
}
