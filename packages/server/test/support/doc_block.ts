import { readRepositoryFile } from './repository_files.js';

/**
 * The code block a document marks for its tests: the body of the one fence opened with
 * ```` ```<language> ```` between `<!-- doc-test:<marker> -->` and `<!-- /doc-test:<marker> -->`
 * in `path` (from the repository root), exactly as a reader would copy it. Throws when the
 * block is missing, so a documentation edit that drops one fails its test loudly.
 * @param path - the document, from the repository root.
 * @param marker - the name in the `doc-test` comments around the block.
 * @param language - the fence's info string: `sh` by default, `''` for a fence without one.
 */
export function docBlock(path: string, marker: string, language = 'sh'): string {
  const match = new RegExp(
    `<!-- doc-test:${marker} -->\\s*\`\`\`${language}\\n([\\s\\S]*?)\`\`\`\\s*<!-- /doc-test:${marker} -->`,
  ).exec(readRepositoryFile(path));
  if (!match?.[1]) throw new Error(`${path}: block ${marker} not found`);
  return match[1];
}
