/**
 * What each resource kind declares about itself. Shared code (diff, plan, render,
 * validation of plans) asks the descriptor and never switches on the kind.
 */
import type { LiveIndex } from './live-index.ts';
import type { Op } from '../model/ops.ts';
import type { CommandTable } from './commands.ts';
import type { ResourceKind, ResourceOf, State } from '../model/state.ts';

/** How wirestate relates to a kind's objects. */
export type Lifecycle =
  /** wirestate creates, changes and deletes them. */
  | 'managed'
  /** they exist outside wirestate; it may change declared fields, never create or delete. */
  | 'external'
  /** read-only facts (resolv.conf): never changed. */
  | 'facts';

/** One managed field whose desired value differs from the live one. */
export interface FieldChange {
  /** Field name. */
  readonly field: string;
  /** Live value (undefined: none). */
  readonly from: unknown;
  /** Desired value. */
  readonly to: unknown;
}

/** A field the diff compares. */
export interface FieldSpec<R> {
  /** Field name. */
  readonly name: keyof R & string;
  /** True when a change needs the object deleted and created again. */
  readonly immutable?: boolean;
  /** True when a live value the driver could not read (undefined) counts as equal. */
  readonly unknownIsEqual?: boolean;
  /** Equality of desired and live values; default: deep equality with null ≡ undefined. */
  readonly equals?: (desired: unknown, live: unknown) => boolean;
}

/** Context a descriptor sees while turning a change into steps. */
export interface PlanContext {
  /** The desired state (complete over what the user declared, after expansion). */
  readonly desired: State;
  /** The live snapshot. */
  readonly live: State;
  /** `kind:id` of every resource the plan replaces or deletes. */
  readonly removed: ReadonlySet<string>;
  /** Lookups over `live`, built once per plan. */
  readonly index: LiveIndex;
}

/** A step before the planner orders it. */
export interface StepDraft {
  /** What to do. */
  readonly op: Op;
  /** What undoes it, computed from the live snapshot. */
  readonly inverse: Op;
  /** Why the step exists, e.g. `mac differs (02:… → 0a:…)`. */
  readonly reason: string;
  /** Tokens that must hold before this step (ignored when no step provides them). */
  readonly requires?: readonly string[];
  /** Tokens this step makes true. */
  readonly provides?: readonly string[];
  /** True when the step interrupts traffic or a running service. */
  readonly disruptive?: boolean;
}

/** The per-kind answers to every question shared code asks. */
export interface Descriptor<K extends ResourceKind> {
  /** The state key. */
  readonly kind: K;
  /** Singular noun for messages (`link`, `DHCP host`). */
  readonly noun: string;
  /** Stable id from natural identity. */
  key(r: ResourceOf<K>): string;
  /** Short human label, e.g. `eth42` or `pod-eth42 02:…→10.244.0.5`. */
  label(r: ResourceOf<K>): string;
  /** Whether wirestate may create and delete this object. */
  lifecycle(r: ResourceOf<K>): Lifecycle;
  /** Fields the diff compares when the desired state sets them. */
  readonly fields: readonly FieldSpec<ResourceOf<K>>[];
  /**
   * `kind:id` of resources this one hangs on (its link, network, master bridge…): a replaced
   * parent makes it reattach or be replaced.
   */
  parents(r: ResourceOf<K>, live: LiveIndex): readonly string[];
  /**
   * `kind:id` of the parents whose deletion deletes this one too (the kernel or libvirt
   * takes it along), so the plan deletes it explicitly with an inverse; default: all parents.
   */
  deletedWith?(r: ResourceOf<K>, live: LiveIndex): readonly string[];
  /** Keys under which other descriptors find a live record of this kind (a port under its bridge). */
  lookupKeys?(r: ResourceOf<K>): readonly string[];
  /** Steps creating `r`. */
  create(r: ResourceOf<K>, ctx: PlanContext): readonly StepDraft[];
  /** Steps deleting live `r`. */
  delete(r: ResourceOf<K>, ctx: PlanContext): readonly StepDraft[];
  /** Steps changing mutable fields in place. */
  update(desired: ResourceOf<K>, live: ResourceOf<K>, changes: readonly FieldChange[], ctx: PlanContext): readonly StepDraft[];
  /**
   * Steps keeping `r` correct while a parent is replaced (deleted then created); absent:
   * `r` is replaced too.
   */
  reattach?(desired: ResourceOf<K>, live: ResourceOf<K>, parent: string, ctx: PlanContext): readonly StepDraft[] | undefined;
  /** Steps that make an existing object wirestate's (`adopt: true`); absent: adoption is not possible. */
  adopt?(desired: ResourceOf<K>, live: ResourceOf<K>): readonly StepDraft[];
  /** Equivalent-command renderers of the ops this kind owns. */
  readonly commands: CommandTable;
}

/** Any descriptor. */
export type AnyDescriptor = { [K in ResourceKind]: Descriptor<K> }[ResourceKind];
