import { describe, expect, it } from 'vitest';
import { readRepositoryFile, trackedFiles } from '../support/repository_files.js';

/**
 * Every behaviour id the repository cites (`W-7`, `O-9`, `K-1`, ranges such as `W-2..W-7`)
 * resolves to an entry of docs/behaviour.md (P-1: the ids mean something inside the
 * repository, not in a document beside it).
 */
const BEHAVIOUR = 'docs/behaviour.md';

/** Section letters of docs/behaviour.md. Two digits at most, so curve names like P-256 are not ids. */
const CITATION = /\b([WOLRSXPCK])-(\d{1,2})(?:\s*\.\.\s*(?:\1-)?(\d{1,2}))?\b(?!-)/g;

/** Text files that can cite an id: code, tests, benchmarks, scripts and documents. */
const CITING = /\.(ts|js|mjs|md|json|sh)$|^\.ci\/run$/;
const NOT_CITING = new Set(['package-lock.json', 'packages/wsse/test/vectors/wsse.json']);

/** Each cited id with the places (`path:line`) citing it. */
function citations(): Map<string, string[]> {
  const cited = new Map<string, string[]>();
  for (const path of trackedFiles()) {
    if (!CITING.test(path) || NOT_CITING.has(path)) continue;
    readRepositoryFile(path)
      .split('\n')
      .forEach((line, index) => {
        for (const [, section, first, last] of line.matchAll(CITATION)) {
          const from = Number(first);
          const to = last === undefined ? from : Number(last);
          for (let n = from; n <= to; n++) {
            const id = `${section}-${n}`;
            cited.set(id, [...(cited.get(id) ?? []), `${path}:${index + 1}`]);
          }
        }
      });
  }
  return cited;
}

/** The entries of docs/behaviour.md: `### <id> <title>` and the text up to the next heading. */
function entries(): Map<string, string> {
  const found = new Map<string, string>();
  const sections = readRepositoryFile(BEHAVIOUR).split(/^(?=#{2,3} )/m);
  for (const section of sections) {
    const heading = /^### ([A-Z]-\d+) \S.*\n([\s\S]*)$/.exec(section);
    if (!heading?.[1]) continue;
    expect(found.has(heading[1]), `${heading[1]} appears twice`).toBe(false);
    found.set(heading[1], heading[2]?.trim() ?? '');
  }
  return found;
}

describe(`behaviour ids and ${BEHAVIOUR}`, () => {
  it('every id cited in a tracked file has an entry', () => {
    const described = entries();
    const cited = citations();
    expect(cited.size).toBeGreaterThan(30);
    const missing = [...cited]
      .filter(([id]) => !described.has(id))
      .map(([id, where]) => `${id} (${where.join(', ')})`);
    expect(missing).toEqual([]);
  });

  it('every entry describes its behaviour', () => {
    const empty = [...entries()].filter(([, text]) => text.length < 40).map(([id]) => id);
    expect(empty).toEqual([]);
  });

  it('no file cites the specification by name instead of by id', () => {
    const spec = /\bSPEC( [A-Z]\b|\.md)/;
    const citing = trackedFiles().filter(
      (path) => CITING.test(path) && !NOT_CITING.has(path) && spec.test(readRepositoryFile(path)),
    );
    expect(citing).toEqual([]);
  });
});
