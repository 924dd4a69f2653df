// Synchronous clean-ups that must run however the process ends: normal exit, Ctrl-C (SIGINT),
// SIGTERM (systemd, kill, a container stop), SIGHUP (the ssh session or terminal went away). A tracefs instance left behind keeps its ring buffer
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

type Sig = 'SIGINT' | 'SIGTERM' | 'SIGHUP';
const SIGNALS: readonly Sig[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function onSignal(sig: Sig): void {
  const alone = process.listenerCount(sig) === 1;
  runAll();
  detach();
  if (alone) process.kill(process.pid, sig);
}

const handlers: Record<Sig, () => void> = {
  SIGINT: () => onSignal('SIGINT'),
  SIGTERM: () => onSignal('SIGTERM'),
  SIGHUP: () => onSignal('SIGHUP'),
};

// Signal listeners are there only while there is something to clean, so a program that opened and
// closed a trace (or survived a signal it handles itself) keeps its own signal behaviour afterwards.
let attached = false;
function attach(): void {
  if (attached) return;
  attached = true;
  for (const sig of SIGNALS) process.on(sig, handlers[sig]);
}
function detach(): void {
  if (!attached) return;
  attached = false;
  for (const sig of SIGNALS) process.removeListener(sig, handlers[sig]);
}

/** Registers `c` to run once at exit or on SIGINT/SIGTERM/SIGHUP; the returned function unregisters it. */
export function onExitCleanup(c: Cleanup): () => void {
  if (!installed) {
    installed = true;
    process.on('exit', runAll);
  }
  attach();
  cleanups.add(c);
  return () => {
    cleanups.delete(c);
    if (cleanups.size === 0) detach();
  };
}
