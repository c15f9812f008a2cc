/**
 * The part of the input the cross-field rules may trust: elements whose structure (types,
 * required fields, closed values) is sound, each with its index and effective scope. Field
 * formats may still be wrong; rules parse what they compare and skip what does not parse.
 */
import type { Path } from './collector.ts';
import { LIST_NAMES, type ListName } from './schema.ts';
import type { Topology } from './types.ts';

/** The element type of each list. */
export type Item<K extends ListName> = NonNullable<Topology[K]>[number];

/** One sound list element. */
export interface Entry<T> {
  readonly value: T;
  readonly index: number;
  /** The path of the element, `['links', 3]`. */
  readonly path: Path;
  /** Its scope, or the only scope when it names none; undefined when neither is known. */
  readonly scope: string | undefined;
}

/** A list element; its path is built on demand, since most elements never need one. */
class ListEntry<T> implements Entry<T> {
  constructor(
    private readonly list: ListName,
    readonly value: T,
    readonly index: number,
    readonly scope: string | undefined,
  ) {}

  get path(): Path {
    return [this.list, this.index];
  }
}

/** Sound elements and the declared names of the input. */
export interface View {
  /** Declared scope names. */
  readonly scopes: ReadonlySet<string>;
  /** Whether `scopes` is a map at all (when not, scope rules stay quiet: the type issue says it). */
  readonly scopesKnown: boolean;
  /** The scope elements without `scope` belong to, when there is exactly one. */
  readonly onlyScope: string | undefined;
  /** Sound elements per list. */
  readonly lists: { readonly [K in ListName]: readonly Entry<Item<K>>[] };
  /** Every element per list, sound or not, as raw data (to know what names exist). */
  readonly raw: { readonly [K in ListName]: readonly unknown[] };
}

/** Builds the view of `input` given the paths of structural issues. */
export function buildView(input: unknown, structural: readonly Path[]): View {
  const root = isRecord(input) ? input : {};
  const scopes = new Set(isRecord(root['scopes']) ? Object.keys(root['scopes']) : []);
  const onlyScope = scopes.size === 1 ? [...scopes][0] : undefined;
  const brokenLists = new Set<string>();
  const brokenItems = new Map<string, Set<number>>();
  for (const p of structural) {
    const [list, index] = p;
    if (typeof list !== 'string') continue;
    if (p.length === 1) brokenLists.add(list);
    else if (typeof index === 'number') (brokenItems.get(list) ?? brokenItems.set(list, new Set()).get(list)!).add(index);
  }
  const lists = {} as Record<ListName, Entry<unknown>[]>;
  const raw = {} as Record<ListName, unknown[]>;
  for (const name of LIST_NAMES) {
    const items = Array.isArray(root[name]) ? (root[name] as unknown[]) : [];
    raw[name] = items;
    lists[name] = [];
    if (brokenLists.has(name)) continue;
    const broken = brokenItems.get(name);
    const out = lists[name];
    for (let index = 0; index < items.length; index++) {
      const value = items[index];
      if (broken?.has(index) || !isRecord(value)) continue;
      const scope = typeof value['scope'] === 'string' ? value['scope'] : onlyScope;
      out.push(new ListEntry(name, value, index, scope));
    }
  }
  return { scopes, scopesKnown: isRecord(root['scopes']), onlyScope, lists: lists as unknown as View['lists'], raw };
}

/** Whether a value is a non-array object. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The scope a raw element belongs to (its own or the only scope). */
export function rawScope(view: View, value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  return typeof value['scope'] === 'string' ? value['scope'] : view.onlyScope;
}

/** A string field of a raw element, if it is a string. */
export function rawString(value: unknown, field: string): string | undefined {
  if (!isRecord(value)) return undefined;
  const v = value[field];
  return typeof v === 'string' ? v : undefined;
}
