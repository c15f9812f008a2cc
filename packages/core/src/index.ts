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
