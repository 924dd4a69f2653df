// Service names as netstat, ss and lsof print them without -n/-P: getservbyport(3) turns a port
// into the first name /etc/services gives it (`8080` -> `http-alt`, `3306` -> `mysql`), so a paste
// taken without -n carries names where ports should be. They are read back through the same table:
// the built-in copy (services-table.ts, generated from Debian netbase, itself taken from IANA's
// registry) and, when the caller passes it, the reading host's own /etc/services, which wins (a
// paste is most often read on the host it came from, whose table may name local services).
import { BUILTIN_TCP_SERVICES } from './services-table.js';

/** Service name -> tcp port. */
export type ServiceTable = Readonly<Record<string, number>>;

/**
 * Names other systems' tables print that netbase spells differently: Windows' services file
 * (`microsoft_ds`), and the `postgres` some distributions list beside `postgresql`.
 */
const OTHER_SPELLINGS: ServiceTable = { microsoft_ds: 445, postgres: 5432 };

/** The tcp entries of an /etc/services text (`name port/proto [aliases...] [# comment]`). */
export function parseServicesFile(text: string): Record<string, number> {
  const out: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const raw of text.split(/\r?\n/)) {
    const hash = raw.indexOf('#');
    const words = (hash >= 0 ? raw.slice(0, hash) : raw).trim().split(/\s+/);
    const m = words.length >= 2 ? /^(\d{1,5})\/tcp$/.exec(words[1]) : null;
    if (!m || Number(m[1]) > 65535) continue;
    for (const name of [words[0], ...words.slice(2)]) if (!(name in out)) out[name] = Number(m[1]);
  }
  return out;
}

function own(table: ServiceTable | undefined, name: string): number | undefined {
  return table && Object.prototype.hasOwnProperty.call(table, name) ? table[name] : undefined;
}

/** The tcp port of a service name, or undefined when no table knows it. */
export function servicePort(name: string, extra?: ServiceTable): number | undefined {
  for (const n of name === name.toLowerCase() ? [name] : [name, name.toLowerCase()]) {
    const p = own(extra, n) ?? own(BUILTIN_TCP_SERVICES, n) ?? own(OTHER_SPELLINGS, n);
    if (p !== undefined) return p;
  }
  return undefined;
}
