/**
 * xml2js in the shape the libvirt codecs use: parsing is synchronous (xml2js calls back
 * before returning when `async` is off) so the codecs stay plain functions, and a parsed
 * element is a loose record read through the small accessors below.
 */
import { Builder, parseString } from 'xml2js';

/** A parsed element: attributes under `$`, children by tag name, each an array. */
export type XmlNode = { readonly $?: Readonly<Record<string, string>> } & { readonly [tag: string]: unknown };

/** Parses an XML document and returns its root element and the root's tag. */
export function parseXml(xml: string): { readonly tag: string; readonly root: XmlNode } {
  let result: unknown;
  let error: unknown;
  let called = false;
  parseString(xml, { async: false, explicitArray: true, trim: true }, (err, res) => {
    called = true;
    error = err;
    result = res;
  });
  if (!called) throw new Error('xml2js parsed asynchronously');
  if (error !== null && error !== undefined) throw error instanceof Error ? error : new Error(String(error));
  if (result === null || typeof result !== 'object') throw new Error('empty XML document');
  const [tag, root] = Object.entries(result as Record<string, unknown>)[0] ?? [];
  if (tag === undefined) throw new Error('empty XML document');
  // `<x/>` parses to '' rather than an object.
  return { tag, root: (typeof root === 'object' && root !== null ? root : {}) as XmlNode };
}

/** Children of `node` named `tag` (empty when none). */
export function children(node: XmlNode | undefined, tag: string): XmlNode[] {
  const v = node?.[tag];
  if (!Array.isArray(v)) return [];
  return v.map((c) => (typeof c === 'object' && c !== null ? (c as XmlNode) : typeof c === 'string' ? ({ _: c } as XmlNode) : {}));
}

/** The first child named `tag`. */
export function child(node: XmlNode | undefined, tag: string): XmlNode | undefined {
  return children(node, tag)[0];
}

/** An attribute value. */
export function attr(node: XmlNode | undefined, name: string): string | undefined {
  return node?.$?.[name];
}

/** The text of the first child named `tag` (`<name>x</name>` → `x`). */
export function text(node: XmlNode | undefined, tag: string): string | undefined {
  const v = node?.[tag];
  if (!Array.isArray(v) || v.length === 0) return undefined;
  const first: unknown = v[0];
  if (typeof first === 'string') return first;
  if (typeof first === 'object' && first !== null && typeof (first as { _?: unknown })._ === 'string') return (first as { _: string })._;
  return undefined;
}

/** Renders an element tree (`{ tag: { $: attrs, child: [...] } }`) without an XML declaration. */
export function buildXml(rootTag: string, root: Record<string, unknown>): string {
  return new Builder({ rootName: rootTag, headless: true, renderOpts: { pretty: true, indent: '  ', newline: '\n' } }).buildObject(root);
}
