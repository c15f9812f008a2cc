/**
 * A map keyed by (scope, key). Validation rules look names up per scope; nesting by scope
 * keeps each element's own strings as keys instead of building a `scope/name` string per
 * element, which is what a 100,000-element topology spent most of its rule time on.
 */
export class ScopedMap<K, V> {
  private readonly scopes = new Map<string, Map<K, V>>();
  private lastScope: string | undefined;
  private last: Map<K, V> | undefined;

  /** The map of one scope (an element without a scope uses the empty name). */
  private of(scope: string | undefined): Map<K, V> {
    const name = scope ?? '';
    if (this.last !== undefined && name === this.lastScope) return this.last;
    let m = this.scopes.get(name);
    if (m === undefined) this.scopes.set(name, (m = new Map()));
    this.lastScope = name;
    this.last = m;
    return m;
  }

  /** The value under (scope, key). */
  get(scope: string | undefined, key: K): V | undefined {
    return this.of(scope).get(key);
  }

  /** Sets (scope, key), replacing any value. */
  set(scope: string | undefined, key: K, value: V): void {
    this.of(scope).set(key, value);
  }

  /** Sets (scope, key) unless it has a value; returns the value already there, if any. */
  claim(scope: string | undefined, key: K, value: V): V | undefined {
    const m = this.of(scope);
    const earlier = m.get(key);
    if (earlier === undefined) m.set(key, value);
    return earlier;
  }

  /** The value under (scope, key), created by `make` when missing. */
  upsert(scope: string | undefined, key: K, make: () => V): V {
    const m = this.of(scope);
    let v = m.get(key);
    if (v === undefined) m.set(key, (v = make()));
    return v;
  }
}
