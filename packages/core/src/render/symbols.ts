/** The one-glyph vocabulary of changes, shared by the plan and state-diff renderers. */
import type { ChangeAction } from '../engine/diff.ts';
import type { Paint, Style } from './paint.ts';

/** Symbol of each action, as `terraform plan` prints them. */
export const ACTION_SYMBOL: Readonly<Record<ChangeAction, string>> = {
  create: '+',
  update: '~',
  delete: '-',
  replace: '-/+',
};

/** Colour of each action. */
export function actionStyle(paint: Paint, action: ChangeAction): Style {
  switch (action) {
    case 'create':
      return paint.green;
    case 'update':
      return paint.yellow;
    case 'delete':
      return paint.red;
    case 'replace':
      return paint.magenta;
  }
}

/** Marker of a step that interrupts traffic or a running service. */
export const DISRUPTIVE_MARK = '!';
