/** Topology input: YAML parsing, validation with located issues, normalization. */
export type { Topology, Binding, BindingMode, ScopeSpec, VmSpec, Spec } from './types.ts';
export { BINDING_MODES } from './types.ts';
export { parseTopology } from './parse.ts';
export { validateTopology } from './validate.ts';
export { ISSUE_CODES, type IssueCode } from './codes.ts';
export { LIMITS } from './limits.ts';
