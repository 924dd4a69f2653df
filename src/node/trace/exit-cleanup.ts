// Synchronous clean-ups that must run however the process ends: normal exit, Ctrl-C (SIGINT),
// SIGTERM (systemd, kill, a container stop). A tracefs instance left behind keeps its ring buffer
// (megabytes per CPU) allocated until someone removes it.
//
// Other handlers are respected: when the program has its own SIGINT/SIGTERM listener, ours only
// cleans up and leaves the decision to exit to it (its 'exit' path is covered too). When ours is the
// only one, it removes itself and raises the signal again, so the process dies of that signal as it
// would have without us (shells see 130 / 143).
type Cleanup = () => void;

const cleanups = new Set<Cleanup>();
let installed = false;

function runAll(): void {
  for (const c of [...cleanups]) {
    cleanups.delete(c);
    try { c(); } catch { /* the others still run */ }
  }
}

function onSignal(sig: 'SIGINT' | 'SIGTERM'): void {
  runAll();
  if (process.listenerCount(sig) === 1) {
    process.removeListener(sig, handlers[sig]);
    process.kill(process.pid, sig);
  }
}

const handlers = {
  SIGINT: () => onSignal('SIGINT'),
  SIGTERM: () => onSignal('SIGTERM'),
} as const;

/** Registers `c` to run once at exit or on SIGINT/SIGTERM; the returned function unregisters it. */
export function onExitCleanup(c: Cleanup): () => void {
  if (!installed) {
    installed = true;
    process.on('exit', runAll);
  }
  // Signal listeners are added only while there is something to clean, so a program that opened and
  // closed a trace keeps its own signal behaviour afterwards.
  if (cleanups.size === 0) {
    process.on('SIGINT', handlers.SIGINT);
    process.on('SIGTERM', handlers.SIGTERM);
  }
  cleanups.add(c);
  return () => {
    cleanups.delete(c);
    if (cleanups.size === 0) {
      process.removeListener('SIGINT', handlers.SIGINT);
      process.removeListener('SIGTERM', handlers.SIGTERM);
    }
  };
}
