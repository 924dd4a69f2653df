// The node adapter's entry: the only layer of tcplens that reads files, spawns tools or asks the
// kernel. Everything takes the /proc root as a parameter so tests can point it at a captured tree.
export { openSource, sample, sampleSeries, type Source, type SourceSpec } from './source.js';
export { SourceError } from './source-error.js';
export { readLiveSnapshot, readLiveStateCounts, type LiveOptions } from './live-snapshot.js';
export { checkNetnsName } from './netns.js';
export { writeCapture, CaptureError, type CaptureResult } from './capture.js';
