// What a CLI command may touch, passed in so end-to-end tests can run commands in-process too.
import { langFromLocale, parseLang, type Lang } from '../i18n/lang.js';

export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Reads all of standard input (for `--input -`). */
  readStdin: () => Promise<string>;
  env: Record<string, string | undefined>;
}

export const processIO: CliIO = {
  stdout: (s) => { process.stdout.write(s); },
  stderr: (s) => { process.stderr.write(s); },
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  env: process.env,
};

/** A usage error: printed as `tcplens CMD: message` with exit status 2, never a stack trace. */
export class UsageError extends Error {}

/** `--lang en|zh`, else the locale. */
export function pickLang(flag: string | undefined, env: CliIO['env']): Lang {
  if (flag !== undefined) {
    const l = parseLang(flag);
    if (!l) throw new UsageError(`--lang must be en or zh, got '${flag}'`);
    return l;
  }
  return langFromLocale(env);
}
