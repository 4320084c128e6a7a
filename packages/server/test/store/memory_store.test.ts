import { expect, it } from 'vitest';
import { createMemoryStore } from '../../src/store/memory/create_memory_store.js';
import { describeStoreConformance } from './conformance.js';

describeStoreConformance('memory', async () => {
  const store = createMemoryStore();
  return { store, cleanup: () => store.close() };
});

it('reports kind memory', () => {
  expect(createMemoryStore().kind).toBe('memory');
});

it('keeps separate stores separate', async () => {
  const a = createMemoryStore();
  const b = createMemoryStore();
  expect(await a.nonces.consume('n', 60, 1000)).toBe(true);
  expect(await b.nonces.consume('n', 60, 1000)).toBe(true);
});
