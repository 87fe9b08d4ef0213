// Where the shared test corpus lives: ../shared/corpus beside the repository.
// Tests that read it skip (with this path in their name) when it is absent.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));
export const corpusPath = (relative: string): string => `${CORPUS}${relative}`;
export const hasCorpus = (...relatives: string[]): boolean => relatives.every((r) => existsSync(corpusPath(r)));
