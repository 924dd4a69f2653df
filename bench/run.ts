// `npm run bench`: runs every benchmark and prints its table. Each benchmark compares tcplens with
// what a user would otherwise use, in the same run, and reports ratios (see BENCHMARKS.md).
const benches: Array<{ name: string; load: () => Promise<{ run: () => Promise<void> }> }> = [];

for (const b of benches) {
  process.stdout.write(`\n## ${b.name}\n`);
  await (await b.load()).run();
}
