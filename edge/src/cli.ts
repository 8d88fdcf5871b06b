#!/usr/bin/env node
/** The `footfall-edge` bin: runs {@link runCli} on this process. */
import { EXIT, runCli, type CliIo } from "./main.js";

/**
 * The process to stop with (FOOTFALL_EDGE_STOP_WITH_PARENT=1): the pid the parent named
 * (FOOTFALL_EDGE_PARENT_PID, as `footfall demo` does), else the parent at the first line run here.
 * Read when the signal handlers go in (after the config, the outbox and the connection's start), a
 * demo killed while its simulator was still starting was already gone: the simulator then watched
 * its new parent (init) and ran on for ever.
 */
const startedBy = Number(process.env.FOOTFALL_EDGE_PARENT_PID) > 1 ? Number(process.env.FOOTFALL_EDGE_PARENT_PID) : process.ppid;

const io: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  env: process.env,
  onSignal: (handler) => {
    let received = 0;
    const listener = (signal: NodeJS.Signals): void => {
      // A second signal while stopping gracefully means "now".
      if (++received > 1) process.exit(130);
      handler(signal);
    };
    process.on("SIGINT", listener);
    process.on("SIGTERM", listener);
    // Started by `footfall demo` (FOOTFALL_EDGE_STOP_WITH_PARENT=1): its parent killed outright (kill -9,
    // a crash) sends no signal, and an orphan simulator would retry a broker that is gone for ever. The
    // parent's end is seen as its adoption (another parent process id): then it stops as at SIGTERM. A parent gone
    // before this line (killed while this process was starting) is seen at the first look.
    if (process.env.FOOTFALL_EDGE_STOP_WITH_PARENT === "1") {
      const parent = startedBy;
      const watch = setInterval(() => {
        if (process.ppid === parent) return;
        clearInterval(watch);
        process.stderr.write(`footfall-edge: the process that started it (pid ${parent}) is gone: stopping\n`);
        listener("SIGTERM");
      }, 500);
      watch.unref();
    }
    return () => {
      // Keep listening so that a second signal during the graceful stop still exits at once.
      received = Math.max(received, 1);
    };
  },
};

const crash = (what: string) => (err: unknown) => {
  process.stderr.write(`footfall-edge: ${what}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\nThis is a bug; please report it with the lines above.\n`);
  process.exit(EXIT.failed);
};
process.on("uncaughtException", crash("uncaught exception"));
process.on("unhandledRejection", crash("unhandled promise rejection"));
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(EXIT.ok); // the reader went away (e.g. `| head`)
});

const code = await runCli(process.argv.slice(2), io);
process.exitCode = code;
// Everything is closed by now; don't let a stray handle keep a stopped agent alive (the sales import's
// keep-alive sockets held the chain simulator 2 s after its stop, which the demo's Ctrl-C waited out).
setTimeout(() => process.exit(code), 200).unref();
