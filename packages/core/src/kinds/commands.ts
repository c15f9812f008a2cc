/**
 * Equivalent commands: every op renders itself as the command a human would type. Each
 * kind's descriptor carries the renderers of the ops it owns (see `registry.ts`).
 */
import type { OpOf, OpType } from '../model/ops.ts';
import type { Scope } from '../model/scope.ts';

/** Renders ops of one type. */
export type CommandRenderer<T extends OpType> = (op: OpOf<T>, scope: Scope | undefined) => string;

/** Renderers by op type. */
export type CommandTable = { readonly [T in OpType]?: CommandRenderer<T> };
