// The doctor's API: diagnosis rules over a HostSnapshot, the report, explanations of states, and the
// views behind `states` and `ls`. (Parsers of pasted text are in ../formats/index.ts.)
export { diagnose, diagnoseText, doctorReport, exitStatusFor, missingEvidence, worstSeverity, type DiagnoseOptions } from './diagnose.js';
export { RULE_IDS, SEVERITY_RANK, localiseFinding, type DoctorReport, type Evidence, type Finding, type FindingText, type PeerCount, type RuleId, type Severity } from './finding.js';
export { RULES } from './rules/index.js';
export type { Rule } from './rule.js';
export { renderReport, renderFinding } from './render-report.js';
export { explainState, renderExplanation, renderStateList, type Explanation } from './explain.js';
export { TRANSITIONS, waysIn, waysOut, type Transition } from './transitions.js';
export { STATE_INFO, type StateInfo } from './state-info.js';
export { groupStates, filterSockets, renderSocketList, renderStateCounts, renderStateGroups, type GroupBy, type StateGroup, type SocketFilter } from './socket-views.js';
export { stateCounts, zeroCounts } from './state-counts.js';
