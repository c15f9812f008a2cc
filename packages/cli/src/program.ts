/** The `wirestate` command line: commander wiring, error reporting, exit codes. */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerApply } from './commands/apply.ts';
import { registerConfirm } from './commands/confirm.ts';
import { registerGraph } from './commands/graph.ts';
import { registerPlan } from './commands/plan.ts';
import { registerRecover } from './commands/recover.ts';
import { registerRollback } from './commands/rollback.ts';
import { registerShow } from './commands/show.ts';
import { registerSnapshot } from './commands/snapshot.ts';
import { registerValidate } from './commands/validate.ts';
import { EXIT, type Context } from './context.ts';
import { describeFailure } from './failure.ts';
import { addGlobalOptions } from './globals.ts';
import type { Io } from './io.ts';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Builds the program; handlers report through `ctx`. */
export function buildProgram(ctx: Context): Command {
  const program = new Command('wirestate')
    .description('Wire VMs into Kubernetes pod networking declaratively: plan, apply, recover, roll back.')
    .version(version(), '-V, --version', 'print the version')
    .option('--no-color', 'never colour the output (default: colours when stdout is a terminal)')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.io.out(s),
      writeErr: (s) => ctx.io.err(s),
      outputError: (s, write) => write(`wirestate: ${s.replace(/^error: /, '')}`),
    });
  addGlobalOptions(program);
  registerPlan(program, ctx);
  registerApply(program, ctx);
  registerValidate(program, ctx);
  registerShow(program, ctx);
  registerGraph(program, ctx);
  registerSnapshot(program, ctx);
  registerRecover(program, ctx);
  registerRollback(program, ctx);
  registerConfirm(program, ctx);
  // Subcommands inherit the program's output and error handling.
  for (const c of program.commands) c.exitOverride().configureOutput(program.configureOutput()).showHelpAfterError('(run with --help for usage)');
  return program;
}

/** Runs the CLI on `argv` (without `node` and the script); resolves to the exit code. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const ctx: Context = { io, code: EXIT.ok };
  const program = buildProgram(ctx);
  if (argv.length === 0) {
    io.err(program.helpInformation());
    return EXIT.error;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return ctx.code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.error;
    const file = fileArgument(argv);
    io.err(describeFailure(err, file));
    return EXIT.error;
  }
}

/** The `-f`/`--file` argument, to name the file in issues that carry no location. */
function fileArgument(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if ((a === '-f' || a === '--file') && i + 1 < argv.length) return argv[i + 1];
    if (a.startsWith('--file=')) return a.slice('--file='.length);
  }
  return undefined;
}
