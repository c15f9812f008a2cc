/** Keeping logs of a failed test under `artifacts/<suite>/` at the repository root. */
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (four levels above this file). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** Copies each existing file or directory into `artifacts/<suite>/<run>/`; returns that dir. */
export function keepArtifacts(suite: string, run: string, paths: readonly string[]): string {
  const dir = join(REPO_ROOT, 'artifacts', suite, run);
  mkdirSync(dir, { recursive: true });
  for (const p of paths) {
    if (!existsSync(p)) continue;
    try {
      cpSync(p, join(dir, basename(p)), { recursive: true, dereference: false });
    } catch {
      // A socket or a file that vanished: the rest still helps.
    }
  }
  return dir;
}
