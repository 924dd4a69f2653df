// Timer text of the tools -> milliseconds. Which word names which timer is the vocabulary's
// (TIMER_WORDS in src/model/timers.ts).

/**
 * ss's print_ms_timer() text -> milliseconds: `1min30sec`, `119min`, `59sec`, `9.373sec`, `676ms`.
 * Before iproute2 6.11 (commit 3e807112) values under ten seconds printed as `9.373ms` meaning
 * 9.373 s (iproute2 misc/ss.c): a dotted `ms` value is therefore read as seconds.
 */
export function ssTimerMs(text: string): number | undefined {
  const m = /^(?:(\d+)min)?(?:(\d+(?:\.\d+)?)sec)?(?:(\d+(?:\.\d+)?)ms)?$/.exec(text.trim());
  if (!m || text.trim() === '') return undefined;
  let ms = 0;
  if (m[1]) ms += Number(m[1]) * 60_000;
  if (m[2]) ms += Number(m[2]) * 1000;
  if (m[3]) ms += m[3].includes('.') ? Number(m[3]) * 1000 : Number(m[3]);
  return Math.round(ms);
}
