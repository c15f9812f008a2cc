/** Scopes: at least one, well-named, named by every element when there are several, never unknown. */
import type { Collector } from '../collector.ts';
import { LIST_NAMES } from '../schema.ts';
import { scopeName } from '../text.ts';
import { isRecord, type View } from '../view.ts';

/** Checks scope declarations and every `scope`/`peerScope` reference. */
export function checkScopes(view: View, issues: Collector): void {
  if (!view.scopesKnown) return;
  if (view.scopes.size === 0) {
    issues.add('no_scopes', ['scopes'], 'declare at least one scope (a netns plus a libvirt connection)');
    return;
  }
  for (const name of view.scopes) {
    const f = scopeName(name);
    if (f) issues.add(f.code, ['scopes', name], f.message);
  }
  const known = [...view.scopes].sort().join(', ');
  for (const list of LIST_NAMES) {
    view.raw[list].forEach((value, index) => {
      if (!isRecord(value)) return;
      const scope = value['scope'];
      if (scope === undefined) {
        if (view.onlyScope === undefined) {
          issues.add('scope_required', [list, index], `the topology has ${view.scopes.size} scopes (${known}); say which one with "scope"`);
        }
      } else if (typeof scope === 'string' && !view.scopes.has(scope)) {
        issues.add('unknown_reference', [list, index, 'scope'], `scope ${JSON.stringify(scope)} is not declared in scopes (${known})`);
      }
      const peerScope = value['peerScope'];
      if (list === 'links' && typeof peerScope === 'string' && !view.scopes.has(peerScope)) {
        issues.add('unknown_reference', [list, index, 'peerScope'], `scope ${JSON.stringify(peerScope)} is not declared in scopes (${known})`);
      }
    });
  }
}
