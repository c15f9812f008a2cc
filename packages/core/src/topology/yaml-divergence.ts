/**
 * Where js-yaml would read a document differently from the positional parser (the `yaml`
 * package, which is the reference): js-yaml is more lenient in a few places, and a document
 * it reads there must not take the fast parse. One pass over the text, tracking quoted
 * scalars, comments and flow collections; the regular-expression checks of `plain-yaml.ts`
 * cover what needs no context.
 */

/** A place where the two parsers part, with its 1-based position. */
export interface Divergence {
  readonly message: string;
  readonly line: number;
  readonly col: number;
}

const enum Ch {
  Tab = 9,
  Lf = 10,
  Cr = 13,
  Space = 32,
  Double = 34,
  Hash = 35,
  Single = 39,
  Comma = 44,
  Colon = 58,
  Open = 91,
  Backslash = 92,
  Close = 93,
  OpenBrace = 123,
  CloseBrace = 125,
}

const isBlank = (c: number): boolean => c === Ch.Space || c === Ch.Tab || c === Ch.Lf || c === Ch.Cr;

/** Whether `c` may follow a quoted scalar: a space, a line break, `:` or a flow separator. */
const afterQuoted = (c: number): boolean => isBlank(c) || c === Ch.Comma || c === Ch.Colon || c === Ch.Close || c === Ch.CloseBrace;

/**
 * The first divergence in `text`, if any:
 * - a closing quote glued to more text (`"x"y`, or the next key right after a value's closing
 *   quote on the following line): js-yaml reads on;
 * - a quoted scalar, or a flow collection inside a block one, continued on a line indented no
 *   more than the line it started on: js-yaml takes it, the positional parser refuses it;
 * - a flow collection as an entry of a flow mapping (`{a, [b]}`): a key for the positional
 *   parser, something else for js-yaml.
 * A quote or bracket starts a node only where a node can start (after a blank, or in a flow
 * collection after `[`, `{` or `,`): `it's` and `x[1]` are plain text. `\` escapes in double
 * quotes and `''` in single ones; comments are skipped.
 */
export function divergence(text: string): Divergence | undefined {
  let line = 1;
  let lineStart = 0;
  let indent = 0;
  while (indent < text.length && text.charCodeAt(indent) === Ch.Space) indent++;
  let atNode = true;
  // The last character that was not blank, outside comments and quoted scalars.
  let lastSolid: number = Ch.Lf;
  let content = false;
  const flow: number[] = [];
  // The outermost open flow collection: the document itself (any indentation goes), or inside
  // a block node, whose line's indentation its lines must exceed.
  let rootFlow = false;
  let flowIndent = 0;
  const at = (message: string, i: number): Divergence => ({ message, line, col: i - lineStart + 1 });
  /** Counts the line break at `i` and the next line's indentation; a divergence if that line may not sit there. */
  const newline = (i: number, quotedFrom: number | undefined): Divergence | undefined => {
    line++;
    lineStart = i + 1;
    let j = lineStart;
    while (j < text.length && text.charCodeAt(j) === Ch.Space) j++;
    indent = j - lineStart;
    if (j >= text.length || isBlank(text.charCodeAt(j))) return undefined;
    const floor = flow.length > 0 ? (rootFlow ? -1 : flowIndent) : quotedFrom;
    if (floor === undefined || indent > floor) return undefined;
    return at(quotedFrom !== undefined ? 'a quoted value continued without indentation' : 'a flow collection continued without indentation', j);
  };
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === Ch.Lf) {
      const bad = newline(i, undefined);
      if (bad) return bad;
      atNode = true;
      i++;
      continue;
    }
    if (c === Ch.Hash && atNode) {
      while (i < text.length && text.charCodeAt(i) !== Ch.Lf) i++;
      continue;
    }
    if ((c === Ch.Double || c === Ch.Single) && atNode) {
      const from = indent;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === Ch.Lf) {
          const bad = newline(i, from);
          if (bad) return bad;
        } else if (c === Ch.Double && d === Ch.Backslash) {
          i++;
          if (text.charCodeAt(i) === Ch.Lf) {
            const bad = newline(i, from);
            if (bad) return bad;
          }
        } else if (d === c) {
          if (c === Ch.Single && text.charCodeAt(i + 1) === Ch.Single) i++;
          else break;
        }
      }
      i++;
      if (i < text.length && !afterQuoted(text.charCodeAt(i))) return at('text right after a quoted value', i);
      lastSolid = c;
      content = true;
      atNode = false;
      continue;
    }
    if ((c === Ch.Open || c === Ch.OpenBrace) && atNode) {
      if (flow.at(-1) === Ch.OpenBrace && (lastSolid === Ch.OpenBrace || lastSolid === Ch.Comma)) return at('a flow collection as an entry of a flow mapping', i);
      if (flow.length === 0) {
        rootFlow = !content;
        flowIndent = indent;
      }
      flow.push(c);
      atNode = true;
    } else if ((c === Ch.Close || c === Ch.CloseBrace) && flow.length > 0) {
      flow.pop();
      atNode = false;
    } else {
      atNode = isBlank(c) || (c === Ch.Comma && flow.length > 0);
    }
    if (!isBlank(c)) {
      lastSolid = c;
      content = true;
    }
    i++;
  }
  return undefined;
}
