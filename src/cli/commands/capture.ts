import type { CliIO } from '../io.js';

// Placeholder until the command lands; its owner replaces this file.
export async function run(_argv: string[], io: CliIO): Promise<number> {
  io.stderr('tcplens capture: not implemented yet\n');
  return 2;
}
