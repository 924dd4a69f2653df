// The node adapter's entry: the only layer of tcplens that reads files, spawns tools or asks the
// kernel. Everything takes the /proc root as a parameter so tests can point it at a captured tree.
export { readLiveSnapshot, readLiveSnapshotSync, readLiveStateCounts, type LiveOptions } from './live-snapshot.js';
export { LiveSourceError, checkNetnsName } from './netns.js';
export { parseProcNetTcp, countProcNetTcpStates, formatIPv6, type ProcNetTcpResult } from './proc-net-tcp.js';
export { parseCounterPairs, parseSockstat } from './proc-counters.js';
export { writeCapture, CaptureError, type CaptureResult } from './capture.js';
