// One place that knows what the bench started, so it all stops on every way out:
// normal end, an error, Ctrl-C (SIGINT), SIGTERM or SIGHUP. Cleanups run newest first.
// Synchronous last-resort hooks (process groups to SIGKILL) run on 'exit' as well.

type Cleanup = { name: string; fn: () => Promise<void> };

const cleanups: Cleanup[] = [];
const exitHooks = new Set<() => void>();
let running: Promise<void> | null = null;
let interrupted: NodeJS.Signals | null = null;

/** Registers an async cleanup; returns a function that runs it now (once) and unregisters it. */
export function onCleanup(name: string, fn: () => Promise<void>): () => Promise<void> {
  const entry: Cleanup = { name, fn };
  cleanups.push(entry);
  let done: Promise<void> | null = null;
  return () => {
    const i = cleanups.indexOf(entry);
    if (i >= 0) cleanups.splice(i, 1);
    done ??= fn().catch((err: unknown) => console.error(`cleanup ${name} failed: ${String(err)}`));
    return done;
  };
}

/** Registers a synchronous hook for process exit (e.g. SIGKILL a process group); returns its remover. */
export function onExit(fn: () => void): () => void {
  exitHooks.add(fn);
  return () => exitHooks.delete(fn);
}

export function runCleanups(): Promise<void> {
  running ??= (async () => {
    for (const c of cleanups.splice(0).reverse()) {
      await c.fn().catch((err: unknown) => console.error(`cleanup ${c.name} failed: ${String(err)}`));
    }
  })();
  return running;
}

/** The signal that interrupted the run, if any (scenarios check it to stop early). */
export function interruptedBy(): NodeJS.Signals | null {
  return interrupted;
}

export class Interrupted extends Error {
  constructor(signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
    this.name = 'Interrupted';
  }
}

/** Throws when the run was interrupted: long loops call it between steps. */
export function checkInterrupted(): void {
  if (interrupted) throw new Interrupted(interrupted);
}

export function installSignalHandlers(): void {
  process.on('exit', () => {
    for (const fn of exitHooks) {
      try {
        fn();
      } catch {
        // best effort
      }
    }
  });
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) {
      // Second signal: stop waiting for graceful cleanup; exit hooks still kill process groups.
      console.error(`\n${signal} again: exiting now`);
      process.exit(130);
    }
    interrupted = signal;
    console.error(`\n${signal}: stopping the bench and everything it started…`);
    void runCleanups().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
}
