// Exact mode (`--trace`): TCP state changes from the kernel's sock:inet_sock_set_state tracepoint.
export {
  openStateTrace, type StateTrace, type TraceUnavailable, type TraceOptions, type TransitionEvent, type TraceStats,
} from './state-trace.js';
export type { UnavailableReason } from './messages.js';
export { findTracefs, reapStaleInstances } from './tracefs.js';
export type { EdgeCount } from '../../formats/trace-sock-state.js';
