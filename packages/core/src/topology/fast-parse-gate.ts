/**
 * Where the fast parse (js-yaml) must step aside for the positional parser (the `yaml`
 * package, the reference), found in one pass over the text that tracks quoted scalars,
 * comments and flow collections:
 * - YAML features the fast parse leaves to the positional parser: anchors, aliases and tags
 *   (alias limits, tag handling), directives, complex keys, collections used as keys and
 *   empty keys (which the two parsers name differently);
 * - places where js-yaml is more lenient than the positional parser: text glued to a closing
 *   quote, to a collection's bracket or to a comma (`]#c`), quoted values and nested flow
 *   collections continued without indentation, a flow collection as an entry of a flow
 *   mapping, a document marker glued to text.
 * An indicator counts only where a node can start (at a line's start, after `: ` or `- `, or
 * in a flow collection after `[`, `{`, `,`, or a `:` closing a quoted key or meeting a
 * bracket), so `it's`, `x[1]`, `a "b"` and `qemu+ssh://h/system?keyfile=/k&no_verify=1` are
 * plain text; inside quotes and comments
 * nothing counts, nor in a block scalar's lines (`|`, `>`). `\` escapes in double quotes
 * and `''` in single ones.
 */

/** A message about a place in the text, 1-based. */
export interface Located {
  readonly message: string;
  readonly line: number;
  readonly col: number;
}

/** Why the fast parse steps aside, and where. */
export interface StepAside extends Located {
  /** `feature`: the document uses what only the positional parser handles; `lenient`: js-yaml would read a malformed document. */
  readonly kind: 'feature' | 'lenient';
}

const enum Ch {
  Tab = 9,
  Lf = 10,
  Cr = 13,
  Space = 32,
  Bang = 33,
  Double = 34,
  Hash = 35,
  Percent = 37,
  Amp = 38,
  Single = 39,
  Star = 42,
  Comma = 44,
  Dash = 45,
  Dot = 46,
  Colon = 58,
  Greater = 62,
  Question = 63,
  Open = 91,
  Backslash = 92,
  Close = 93,
  OpenBrace = 123,
  Pipe = 124,
  CloseBrace = 125,
}

const isBlank = (c: number): boolean => c === Ch.Space || c === Ch.Tab || c === Ch.Lf || c === Ch.Cr;

/** Whether `c` may follow a quoted scalar: a blank, `:` or a flow separator. */
const afterQuoted = (c: number): boolean => isBlank(c) || c === Ch.Comma || c === Ch.Colon || c === Ch.Close || c === Ch.CloseBrace;

/** ASCII characters that mean nothing here in the middle of a line (letters, digits, most punctuation). */
const PLAIN = new Uint8Array(128);
for (let c = 33; c < 127; c++) PLAIN[c] = 1;
for (const c of '#"\'&*!?%:,-[]{}|>') PLAIN[c.charCodeAt(0)] = 0;

const FLOW_INDICATOR = new Set<number>([Ch.Comma, Ch.Open, Ch.Close, Ch.OpenBrace, Ch.CloseBrace]);

const NODE_FEATURES: Readonly<Record<number, string>> = { [Ch.Amp]: 'an anchor', [Ch.Star]: 'an alias', [Ch.Bang]: 'a tag' };

/** The first place in `text` where the fast parse must step aside, if any. */
export function stepAside(text: string): StepAside | undefined {
  const n = text.length;
  let line = 1;
  let lineStart = 0;
  let indent = 0;
  while (indent < n && text.charCodeAt(indent) === Ch.Space) indent++;
  let atNode = true;
  let prev: number = Ch.Lf;
  // The last character that was not blank, outside comments and quoted scalars; a line break
  // (which is blank) until the first one.
  let lastSolid: number = Ch.Lf;
  const flow: number[] = [];
  // The outermost open flow collection: the document itself (any indentation goes), or inside
  // a block node, whose line's indentation its lines must exceed.
  let rootFlow = false;
  let flowIndent = 0;
  // The line of the last sequence entry indicator (`- `).
  let entryLine = 0;
  const here = (kind: StepAside['kind'], message: string, i: number): StepAside => ({ kind, message, line, col: i - lineStart + 1 });
  /** The next character at or after `i` that is not blank (0 at the end). */
  const nextSolid = (i: number): number => {
    while (i < n && isBlank(text.charCodeAt(i))) i++;
    return i < n ? text.charCodeAt(i) : 0;
  };
  /** Counts the line break at `i` and the next line's indentation; a step aside if that line may not sit there. */
  const newline = (i: number, quotedFrom: number | undefined): StepAside | undefined => {
    line++;
    lineStart = i + 1;
    let j = lineStart;
    while (j < n && text.charCodeAt(j) === Ch.Space) j++;
    indent = j - lineStart;
    if (j >= n || isBlank(text.charCodeAt(j))) return undefined;
    const floor = flow.length > 0 ? (rootFlow ? -1 : flowIndent) : quotedFrom;
    if (floor === undefined || indent > floor) return undefined;
    return here('lenient', quotedFrom !== undefined ? 'a quoted value continued without indentation' : 'a flow collection continued without indentation', j);
  };
  for (let i = 0; i < n; ) {
    const c = text.charCodeAt(i);
    // Most characters are plain text in the middle of a line: they only end a node start.
    if ((c > 127 || PLAIN[c] === 1) && i !== lineStart) {
      atNode = false;
      prev = lastSolid = c;
      i++;
      continue;
    }
    if (c === Ch.Lf) {
      const bad = newline(i, undefined);
      if (bad) return bad;
      atNode = true;
      prev = c;
      i++;
      continue;
    }
    if (i === lineStart) {
      if (c === Ch.Percent) return here('feature', 'a directive', i);
      if ((c === Ch.Dash || c === Ch.Dot) && text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === c && i + 3 < n && !isBlank(text.charCodeAt(i + 3))) {
        return here('lenient', 'a document marker glued to text', i);
      }
    }
    if (c === Ch.Hash) {
      if (prev === Ch.Comma || prev === Ch.Open || prev === Ch.Close || prev === Ch.OpenBrace || prev === Ch.CloseBrace) return here('lenient', 'a comment glued to a bracket or a comma', i);
      if (isBlank(prev)) {
        while (i < n && text.charCodeAt(i) !== Ch.Lf) i++;
        continue;
      }
    }
    if (atNode) {
      const feature = NODE_FEATURES[c];
      if (feature !== undefined) return here('feature', feature, i);
      if (c === Ch.Question && (i + 1 >= n || isBlank(text.charCodeAt(i + 1)) || text.charCodeAt(i + 1) === Ch.Colon)) return here('feature', 'a complex key', i);
    }
    if ((c === Ch.Pipe || c === Ch.Greater) && atNode && flow.length === 0) {
      // A block scalar: its lines, indented more than this one, are text for both parsers.
      const from = indent;
      while (i < n && text.charCodeAt(i) !== Ch.Lf) i++;
      while (i < n) {
        let j = i + 1;
        while (j < n && text.charCodeAt(j) === Ch.Space) j++;
        const first = j < n ? text.charCodeAt(j) : Ch.Lf;
        if (first !== Ch.Lf && first !== Ch.Cr && j - (i + 1) <= from) break;
        line++;
        lineStart = i + 1;
        i = j;
        while (i < n && text.charCodeAt(i) !== Ch.Lf) i++;
      }
      atNode = false;
      prev = lastSolid = c;
      continue;
    }
    if ((c === Ch.Double || c === Ch.Single) && atNode) {
      const from = indent;
      for (i++; i < n; i++) {
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
      if (i < n && !afterQuoted(text.charCodeAt(i))) return here('lenient', 'text right after a quoted value', i);
      prev = lastSolid = c;
      atNode = false;
      continue;
    }
    if (c === Ch.Close || c === Ch.CloseBrace) {
      if (nextSolid(i + 1) === Ch.Colon) return here('feature', 'a collection used as a key', i);
    } else if (c === Ch.Comma || c === Ch.Open || c === Ch.OpenBrace) {
      if (nextSolid(i + 1) === Ch.Colon) return here('feature', 'an empty key', i);
    }
    if ((c === Ch.Open || c === Ch.OpenBrace) && atNode) {
      if (flow.at(-1) === Ch.OpenBrace && (lastSolid === Ch.OpenBrace || lastSolid === Ch.Comma)) return here('lenient', 'a flow collection as an entry of a flow mapping', i);
      if (flow.length === 0) {
        rootFlow = lastSolid === Ch.Lf;
        flowIndent = indent;
      }
      flow.push(c);
      atNode = true;
    } else if ((c === Ch.Close || c === Ch.CloseBrace) && flow.length > 0) {
      flow.pop();
      atNode = false;
    } else if (!isBlank(c)) {
      // Blanks leave it as it was: inside a plain scalar (`a b "c"`) a quote is text.
      const next = i + 1 < n ? text.charCodeAt(i + 1) : Ch.Lf;
      // In a flow collection `:` also ends a JSON-like quoted key, or meets a flow indicator.
      if (c === Ch.Colon) atNode = isBlank(next) || (flow.length > 0 && (prev === Ch.Double || prev === Ch.Single || FLOW_INDICATOR.has(next)));
      else if (c === Ch.Comma) atNode = flow.length > 0;
      else if (c === Ch.Dash) {
        atNode = atNode && isBlank(next);
        if (atNode) {
          // `- - x`: the parsers nest empty entries of such sequences differently.
          if (entryLine === line) return here('feature', 'a nested sequence on one line', i);
          entryLine = line;
        }
      }
      else atNode = false;
    }
    if (!isBlank(c)) lastSolid = c;
    prev = c;
    i++;
  }
  return undefined;
}
