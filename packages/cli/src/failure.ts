/** Turning any thrown error into the CLI's one clear line plus located issues. */
import { formatIssue, isApplyFailure, ValidationError, WirestateError, type Issue } from '@wirestate/core';

/** An error the CLI reports as it is, with the exit code it asks for. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly issues: readonly Issue[] = [],
    readonly file?: string,
  ) {
    super(message);
  }
}

/** Issues with no source location still name the file they came from. */
function issueLine(issue: Issue, file: string | undefined): string {
  const text = formatIssue(issue);
  return issue.location === undefined && file !== undefined ? `${file}: ${text}` : text;
}

/** Lines for stderr: `wirestate: <message>` then one indented line per issue or rollback failure. */
export function describeFailure(err: unknown, file?: string): string {
  const lines: string[] = [];
  if (err instanceof ValidationError) {
    const n = err.issues.length;
    lines.push(`wirestate: ${file ?? 'input'} is invalid: ${n} problem${n === 1 ? '' : 's'}`);
    for (const i of err.issues) lines.push(`  ${issueLine(i, file)}`);
  } else if (err instanceof CliError) {
    lines.push(`wirestate: ${err.message}`);
    for (const i of err.issues) lines.push(`  ${issueLine(i, err.file ?? file)}`);
  } else if (isApplyFailure(err)) {
    lines.push(`wirestate: step ${err.failedStep.index} failed (${err.failedStep.command}): ${err.message} [${err.kind}]`);
    lines.push(`  rolled back ${err.rolledBack.length} completed step(s)`);
    for (const f of err.rollbackFailures) lines.push(`  rollback of step ${f.step.index} failed (${f.step.inverseCommand}): ${f.error.message}`);
  } else if (err instanceof WirestateError) {
    lines.push(`wirestate: ${err.message} [${err.kind}]`);
  } else if (err instanceof Error) {
    lines.push(`wirestate: ${err.message}`);
  } else {
    lines.push(`wirestate: ${String(err)}`);
  }
  return `${lines.join('\n')}\n`;
}
