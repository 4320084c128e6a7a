import { existsSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT, readRepositoryFile, trackedFiles } from '../support/repository_files.js';

/**
 * The README's links into docs/ and the documents' links between each other lead somewhere:
 * every relative link names a file of the repository and, with `#anchor`, one of its headings
 * (GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens).
 */
function anchors(markdown: string): Set<string> {
  const found = new Set<string>();
  for (const [, heading = ''] of markdown.matchAll(/^#{1,6} (.+)$/gm)) {
    found.add(
      heading
        .toLowerCase()
        .replace(/[^\p{L}\p{N}_\- ]/gu, '')
        .replaceAll(' ', '-'),
    );
  }
  return found;
}

it('every relative link in README.md and docs/ resolves', () => {
  const documents = trackedFiles().filter(
    (path) => path === 'README.md' || /^docs\/.*\.md$/.test(path),
  );
  expect(documents).toContain('docs/configuration.md');
  const broken: string[] = [];
  for (const path of documents) {
    const text = readRepositoryFile(path);
    for (const [, target = ''] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      const [file = '', anchor] = target.split('#');
      const linked = file === '' ? path : normalize(join(dirname(path), file));
      if (!existsSync(join(REPO_ROOT, linked))) {
        broken.push(`${path}: ${target} (no such file)`);
      } else if (anchor !== undefined && !anchors(readRepositoryFile(linked)).has(anchor)) {
        broken.push(`${path}: ${target} (no such heading)`);
      }
    }
  }
  expect(broken).toEqual([]);
});
