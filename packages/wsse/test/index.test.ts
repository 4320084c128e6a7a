import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as pure from '../src/index.js';
import * as node from '../src/node.js';

const PURE_VALUES = [
  'WSSE_AUTHORIZATION_HEADER',
  'WSSE_FIELD_NAMES',
  'createUsernameToken',
  'decodeBase64Lenient',
  'digestInput',
  'encodeBase64',
  'formatCreated',
  'formatWsseHeader',
  'generateNonce',
  'parseCreated',
  'parseWsseHeader',
  'passwordDigestAsync',
];
const NODE_ONLY = ['createUsernameTokenSync', 'passwordDigest', 'verifyPasswordDigest'];

/** Every source file reachable from `entry` through relative imports. */
function importGraph(entry: URL): Map<string, string> {
  const files = new Map<string, string>();
  const pending = [entry];
  for (let url = pending.pop(); url !== undefined; url = pending.pop()) {
    if (files.has(url.href)) continue;
    const source = readFileSync(url, 'utf8');
    files.set(url.href, source);
    for (const match of source.matchAll(/from\s+'(\.{1,2}\/[^']+)\.js'/g)) {
      pending.push(new URL(`${match[1]}.ts`, url));
    }
  }
  return files;
}

describe('package entry points', () => {
  it('exports exactly the pure API from "."', () => {
    expect(Object.keys(pure).sort()).toEqual(PURE_VALUES);
  });

  it('exports the pure API plus the node:crypto functions from "./node"', () => {
    expect(Object.keys(node).sort()).toEqual([...PURE_VALUES, ...NODE_ONLY].sort());
    const nodeExports = new Map<string, unknown>(Object.entries(node));
    for (const [name, value] of Object.entries(pure)) {
      expect(nodeExports.get(name), name).toBe(value);
    }
  });

  it('keeps "." free of Node built-ins so it runs in browsers', () => {
    const graph = importGraph(new URL('../src/index.ts', import.meta.url));
    expect(graph.size).toBeGreaterThan(5);
    for (const [file, text] of graph) {
      const source = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      expect(source, file).not.toMatch(/from\s+'node:|import\(\s*'node:|require\(/);
      expect(source, file).not.toMatch(/\bBuffer\b|\bprocess\./);
    }
  });

  it('proves the purity check can see node: imports', () => {
    const graph = importGraph(new URL('../src/node.ts', import.meta.url));
    const sources = [...graph.values()].join('\n');
    expect(sources).toMatch(/from\s+'node:crypto'/);
  });
});
