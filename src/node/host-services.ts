// The reading host's /etc/services, for pastes taken without -n: netstat, ss and lsof print a port
// as the name this file gives it, and a paste is most often read on the host it was taken on, whose
// table may name local services the built-in IANA copy (src/formats/services-table.ts) lacks.
// Read once per process; absent or unreadable means the built-in table alone.
import { readFile } from 'node:fs/promises';
import { parseServicesFile, type ServiceTable } from '../formats/services.js';

let cached: Promise<ServiceTable | undefined> | undefined;

/** /etc/services' tcp entries, or undefined when there is no such file (Windows, minimal containers). */
export function hostServices(file = '/etc/services'): Promise<ServiceTable | undefined> {
  if (file !== '/etc/services') return load(file);
  return (cached ??= load(file));
}

async function load(file: string): Promise<ServiceTable | undefined> {
  try {
    // The file is a few kB; a larger one is not a services table.
    const text = await readFile(file, 'utf8');
    return text.length > 4 << 20 ? undefined : parseServicesFile(text);
  } catch {
    return undefined;
  }
}
