// The typed public API: everything the CLI does, a TypeScript user can do from here.
export * from '../model/states.js';
export * from '../model/snapshot.js';
export * from '../core/seq.js';
export * from '../core/segment.js';
export * from '../core/errno.js';
export * from '../core/config.js';
export type * from '../stack/api.js';
export * from '../i18n/lang.js';
export { main as runCli } from '../cli/main.js';
