// Builds the CLI for running without a TypeScript loader: the command and the netlink
// worker as two ESM bundles in dist/ (our packages and their dependencies inside; only the
// native `netlink` binding stays outside, resolved from this package). `bin/wirestate.js`
// runs the bundle while it is newer than every source, the sources through tsx otherwise.
// Run: node packages/cli/build.mjs [OUTDIR]   (`pnpm build`; `pnpm install` runs it too).
import { build } from 'esbuild';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

/** Builds both bundles into `outdir` (default: this package's dist/). */
export async function buildCli(outdir = here('./dist')) {
  await build({
    entryPoints: { wirestate: here('./src/main.ts'), 'netlink-worker': here('../drivers/src/netlink/worker.ts') },
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['wirestate-source'],
    external: ['netlink'],
    // Where the sources find their sibling entries (they name ./main.ts and ./worker.ts).
    define: { WIRESTATE_CLI_ENTRY: '"./wirestate.js"', WIRESTATE_NETLINK_WORKER: '"./netlink-worker.js"' },
    // CommonJS dependencies bundled into ESM still call require() for Node's builtins and
    // read __filename (write-file-atomic names its temporary files with it).
    banner: {
      js: [
        "import { createRequire as __wsRequire } from 'node:module';",
        "import { fileURLToPath as __wsPath } from 'node:url';",
        'const require = __wsRequire(import.meta.url);',
        'const __filename = __wsPath(import.meta.url);',
        "const __dirname = __wsPath(new URL('.', import.meta.url));",
      ].join(' '),
    },
    sourcemap: true,
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli(process.argv[2]);
