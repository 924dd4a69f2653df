// What the engine lacks, per conformance script that fails: written by hand after reading the
// failure against Linux's source, and printed in CONFORMANCE.md beside the first mismatch. A script
// missing here is reported as "not yet diagnosed". Keys are paths under ../shared/conformance.
export const ENGINE_GAPS: Readonly<Record<string, string>> = {
};

/** Steps the runner itself cannot check (python blocks, shell commands other than sysctl). */
export const RUNNER_LIMITS: Readonly<Record<string, string>> = {
};
