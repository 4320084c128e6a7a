import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder: where `README.md`, `docs/` and `packages/` are. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** A file of the repository as text, by its path from the root (`docs/cli.md`). */
export function readRepositoryFile(path: string): string {
  return readFileSync(join(REPO_ROOT, path), 'utf8');
}

/** Every file git tracks in the repository (paths from the root), as a clone would have them. */
export function trackedFiles(): string[] {
  return execFileSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((path) => path !== '');
}
