// Where the shared test corpus lives: ../shared/corpus beside the repository,
// reached relative to this file so every checkout (CI's included) finds it the
// same way. Tests that read it skip, with the reason in their title, when it is
// absent: a fresh clone has no ../shared.
// A test.each over a table read from the corpus registers nothing when the
// table is empty; such tests register one test.skip carrying the reason instead,
// so they are counted as skipped rather than vanishing.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
export const corpusPath = (relative: string): string => `${CORPUS}${relative}`;
export const hasCorpus = (...relatives: string[]): boolean => relatives.every((r) => existsSync(corpusPath(r)));

/** "" when every file is there, else the skip reason to put in a test's title. */
export function corpusSkipReason(...relatives: string[]): string {
  const missing = relatives.find((r) => !existsSync(corpusPath(r)));
  return missing === undefined ? '' : ` (skipped: ../shared/corpus/${missing} is absent)`;
}
