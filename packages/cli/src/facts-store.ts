/** Recorded facts kept in a JSON file, for `reconcile`'s `FactsStore` port. */
import writeFileAtomic from 'write-file-atomic';
import type { Facts, FactsStore } from '@wirestate/core';
import { readFactsFile } from './inputs.ts';

/**
 * A facts store over one file: a missing file means nothing recorded; saves replace the
 * file atomically and fsync it, because after an apply the live pod NIC no longer
 * carries its original MAC and IP and this file is the only record of them.
 */
export function fileFactsStore(file: string): FactsStore {
  return {
    load: () => readFactsFile(file),
    save: (facts: Facts) => writeFileAtomic(file, `${JSON.stringify(facts, null, 2)}\n`, { fsync: true, mode: 0o600 }),
  };
}
