// The CLI: a thin adapter. Each command lives in commands/<name>.ts and only parses arguments,
// calls the typed API (src/public) and prints. Exit status: 0 fine, 1 findings/failures, 2 bad input.
import { processIO, UsageError, type CliIO } from './io.js';

export type Command = (argv: string[], io: CliIO) => Promise<number>;

interface CommandEntry { summary: string; load: () => Promise<{ run: Command }> }

const COMMANDS: Record<string, CommandEntry> = {
  doctor: { summary: 'find TCP state problems on this host (or a capture) and say what to do', load: () => import('./commands/doctor.js') },
  states: { summary: 'count sockets per state (--by process|lport|raddr)', load: () => import('./commands/states.js') },
  watch: { summary: 'live view like top: states, their ages and flows, who holds them, findings as they come', load: () => import('./commands/watch.js') },
  ls: { summary: 'list sockets with process, queues and timers', load: () => import('./commands/ls.js') },
  explain: { summary: 'explain a TCP state: meaning, ways in and out, what many of them mean', load: () => import('./commands/explain.js') },
  capture: { summary: 'write a folder of this host\'s TCP data to diagnose elsewhere', load: () => import('./commands/capture.js') },
  sim: { summary: 'run a lab scenario as a sequence diagram (--list for all)', load: () => import('./commands/sim.js') },
  packetdrill: { summary: 'run packetdrill scripts against the engine', load: () => import('./commands/packetdrill.js') },
  serve: { summary: 'web dashboard: the live state diagram, findings, paste box and lab (127.0.0.1 by default)', load: () => import('./commands/serve.js') },
  exporter: { summary: 'serve TCP states per port and process to Prometheus (--rules, --grafana)', load: () => import('./commands/exporter.js') },
};

function usage(): string {
  const lines = ['usage: tcplens COMMAND [options]', '', 'commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(12)} ${c.summary}`);
  lines.push('', 'tcplens COMMAND --help for a command\'s options.');
  return lines.join('\n') + '\n';
}

export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    io.stdout('tcplens 0.1.0\n');
    return 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.stderr(`tcplens: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    const mod = await entry.load();
    return await mod.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError || (err instanceof Error && 'code' in err && String((err as { code: unknown }).code).startsWith('ERR_PARSE_ARGS'))) {
      io.stderr(`tcplens ${name}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
