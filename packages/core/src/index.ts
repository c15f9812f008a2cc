/** Public entry of @wirestate/core: everything not exported here is internal. */
export type {
  Presence,
  ResourceBase,
  LinkKind,
  MacvlanMode,
  Link,
  Address,
  RouteScope,
  Route,
  DhcpRange,
  ClasslessRoute,
  DhcpOptions,
  NetworkIp,
  Network,
  DhcpHost,
  DhcpServer,
  VmInterfaceType,
  VmInterface,
  Domain,
  CniResult,
  CniAttachment,
  Resolver,
  State,
  ResourceKind,
  ResourceOf,
  Resource,
} from './model/state.ts';
export {
  RESOURCE_KINDS,
  emptyState,
  completeState,
  WIRESTATE_RTPROT,
  WIRESTATE_ALIAS,
  WIRESTATE_XMLNS,
} from './model/state.ts';
export type { Scope, Scopes } from './model/scope.ts';
export { DEFAULT_LIBVIRT_URI } from './model/scope.ts';
export type { LinkAttrs, Op, OpType, OpOf, DriverName } from './model/ops.ts';
export { driverOf, scopeOf } from './model/ops.ts';
export type { Issue, SourceLocation, ErrorKind, WirestateErrorOptions } from './errors.ts';
export { ValidationError, WirestateError, toDotPath, formatIssue, canRetry, asWirestateError } from './errors.ts';
export type { Driver, DriverSet, OpOutcome } from './driver.ts';
export { executeInOrder } from './driver.ts';
export type { Lifecycle, FieldChange, FieldSpec, PlanContext, StepDraft, Descriptor, AnyDescriptor } from './kinds/descriptor.ts';
export { LiveIndex } from './kinds/live-index.ts';
export { descriptorOf, allDescriptors, commandOf } from './kinds/registry.ts';
export { linkId } from './kinds/link.ts';
export { addressId } from './kinds/address.ts';
export { routeId, effectiveMetric, isV6Route } from './kinds/route.ts';
export { networkId } from './kinds/network.ts';
export { dhcpHostId } from './kinds/dhcp-host.ts';
export { dhcpServerId } from './kinds/dhcp-server.ts';
export { vmInterfaceId } from './kinds/vm-interface.ts';
export { cniAttachmentId } from './kinds/cni-attachment.ts';
export type { Change, ChangeAction, Diff, ResourceRef } from './engine/diff.ts';
export { diff } from './engine/diff.ts';
export type { Step, Plan, PlanOptions } from './engine/plan.ts';
export { plan, PLAN_SCHEMA_VERSION } from './engine/plan.ts';
export { fingerprint, canonicalJson } from './engine/fingerprint.ts';
export type { ApplyOutcome, Journal, Lock } from './engine/hooks.ts';
export { NULL_JOURNAL, memoryJournal } from './engine/hooks.ts';
export type { ApplyOptions, ApplyResult, ApplyFailure, Verification } from './engine/apply.ts';
export { apply, verify, isApplyFailure, scopesOf } from './engine/apply.ts';
export { mergeStates, snapshotAll } from './engine/snapshot.ts';
export type { PodNicFacts, Facts } from './expand/facts.ts';
export { gatherFacts, pruneFacts, emptyFacts, factsKey, FACTS_VERSION } from './expand/facts.ts';
export type { Expanded } from './expand/expand.ts';
export { expand } from './expand/expand.ts';
export { derivedMac, defaultBridge, defaultNetwork, linkLocalAddress } from './expand/names.ts';
export { dhcpOptionsFor } from './expand/dhcp-options.ts';
export type { Binding, BindingMode, ScopeSpec, VmSpec, Topology, Spec, IssueCode } from './topology/index.ts';
export { BINDING_MODES, parseTopology, validateTopology, ISSUE_CODES, LIMITS } from './topology/index.ts';
export type {
  Paint,
  Style,
  ColorOptions,
  PlanSummary,
  PlanTextOptions,
  PlanJson,
  PlanJsonStep,
  PlanJsonChange,
  PlanJsonConflict,
  StateDiffOptions,
  StateTextOptions,
  ApplyTextOptions,
} from './render/index.ts';
export {
  NO_PAINT,
  ANSI_PAINT,
  paintOf,
  ACTION_SYMBOL,
  DISRUPTIVE_MARK,
  summarizePlan,
  summaryLine,
  renderPlanText,
  PLAN_JSON_FORMAT_VERSION,
  planToJson,
  renderPlanJson,
  renderStateDiff,
  renderGraph,
  renderState,
  renderStepLog,
  renderVerification,
} from './render/index.ts';
export type { FactsStore, ReconcileOptions, ReconcileResult } from './engine/reconcile.ts';
export { reconcile, memoryFactsStore } from './engine/reconcile.ts';
