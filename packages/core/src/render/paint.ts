/**
 * Colours as an injected capability: core stays free of terminal libraries, and a
 * caller (the CLI) passes picocolors or ANSI codes only when output goes to a TTY.
 */

/** A function that wraps text in one style. */
export type Style = (text: string) => string;

/** The styles renderers use. */
export interface Paint {
  readonly bold: Style;
  readonly dim: Style;
  readonly green: Style;
  readonly yellow: Style;
  readonly red: Style;
  readonly cyan: Style;
  readonly magenta: Style;
}

const plain: Style = (text) => text;

/** No colours: every style returns its text unchanged. */
export const NO_PAINT: Paint = { bold: plain, dim: plain, green: plain, yellow: plain, red: plain, cyan: plain, magenta: plain };

function sgr(open: number, close: number): Style {
  return (text) => `\u001b[${open}m${text}\u001b[${close}m`;
}

/** Plain ANSI SGR colours, for callers that have no colour library. */
export const ANSI_PAINT: Paint = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  green: sgr(32, 39),
  yellow: sgr(33, 39),
  red: sgr(31, 39),
  cyan: sgr(36, 39),
  magenta: sgr(35, 39),
};

/** Colour options every text renderer takes. */
export interface ColorOptions {
  /** Styles to use; wins over `color`. */
  readonly paint?: Paint;
  /** True: plain ANSI colours (`ANSI_PAINT`) when no `paint` is given; default false. */
  readonly color?: boolean;
}

/** The paint the options ask for. */
export function paintOf(options: ColorOptions): Paint {
  return options.paint ?? (options.color === true ? ANSI_PAINT : NO_PAINT);
}
