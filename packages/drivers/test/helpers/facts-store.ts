/** A file-backed facts store for tests: JSON, written atomically (temp file, fsync, rename). */
import { readFileSync } from 'node:fs';
import writeFileAtomic from 'write-file-atomic';
import { emptyFacts, type Facts, type FactsStore } from '@wirestate/core';

/** Facts kept in `path`; a missing file reads as no facts. */
export function fileFactsStore(path: string): FactsStore & { read(): Facts } {
  const read = (): Facts => {
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as Facts;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyFacts();
      throw err;
    }
  };
  return {
    read,
    load: async () => read(),
    save: async (facts) => {
      await writeFileAtomic(path, `${JSON.stringify(facts, null, 2)}\n`, { fsync: true });
    },
  };
}
