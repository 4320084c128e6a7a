import { readRepositoryFile } from './repository_files.js';

/**
 * The shell block a document marks for its tests: the body of the one ```` ```sh ```` fence
 * between `<!-- doc-test:<marker> -->` and `<!-- /doc-test:<marker> -->` in `path` (from the
 * repository root), exactly as a reader would copy it. Throws when the block is missing, so a
 * documentation edit that drops one fails its test loudly.
 */
export function docBlock(path: string, marker: string): string {
  const match = new RegExp(
    `<!-- doc-test:${marker} -->\\s*\`\`\`sh\\n([\\s\\S]*?)\`\`\`\\s*<!-- /doc-test:${marker} -->`,
  ).exec(readRepositoryFile(path));
  if (!match?.[1]) throw new Error(`${path}: block ${marker} not found`);
  return match[1];
}
