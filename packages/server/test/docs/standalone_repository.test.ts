import { expect, it } from 'vitest';
import { readRepositoryFile, trackedFiles } from '../support/repository_files.js';

/**
 * P-1: a clone of the repository is all it needs. No tracked file reaches for the `shared`
 * folder that sat beside the first checkout (vectors, seeds, specification), so a clone from a
 * public host runs its tests. `.ci/run` makes the same check and then runs the suite in
 * a clone with nothing beside it.
 */
const OUTSIDE = [
  // Spelled so that this file does not match itself.
  new RegExp(['\\.\\.', 'shared'].join('/')),
  new RegExp(`shared/(${['vectors', 'seeds', 'SPEC'].join('|')})`),
  new RegExp(['', 'work', 'shared'].join('/')),
];

it('no tracked file reads outside the repository', () => {
  const reaching = trackedFiles()
    .filter((path) => path !== 'package-lock.json')
    .flatMap((path) =>
      readRepositoryFile(path)
        .split('\n')
        .map((line, index) => ({ where: `${path}:${index + 1}`, line }))
        .filter(({ line }) => OUTSIDE.some((pattern) => pattern.test(line))),
    )
    .map(({ where, line }) => `${where}: ${line.trim()}`);
  expect(reaching).toEqual([]);
});
