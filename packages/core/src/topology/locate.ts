/** Finds the YAML node of a field path, to give issues a file:line:col. */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { SourceLocation } from '../errors.ts';
import type { Path } from './collector.ts';

/**
 * The position of the node at `path`, or of its nearest existing parent when the field is
 * missing. A map entry is located at its value, or at its key when the value is a block
 * collection or `preferKey` is set (for unknown fields).
 */
export function locateIn(doc: Document, lines: LineCounter, file: string, path: Path, preferKey = false): SourceLocation {
  let node: unknown = doc.contents;
  let at: number | undefined = rangeStart(node);
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      // The last pair wins, as it does when the document becomes data.
      const pair = node.items.findLast((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (pair === undefined) break;
      const last = i === path.length - 1;
      const keyAt = rangeStart(pair.key);
      const valueAt = rangeStart(pair.value);
      // A block collection starts on the line after its key: the key is where a reader looks.
      const block = (isMap(pair.value) || isSeq(pair.value)) && !pair.value.flow;
      at = (last && preferKey) || block ? (keyAt ?? valueAt ?? at) : (valueAt ?? keyAt ?? at);
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item: unknown = node.items[seg];
      if (item === undefined) break;
      at = rangeStart(item) ?? at;
      node = item;
    } else {
      break;
    }
  }
  const pos = lines.linePos(at ?? 0);
  return { file, line: pos.line, col: pos.col };
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}
