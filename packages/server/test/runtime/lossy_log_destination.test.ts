import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLossyLogDestination } from '../../src/runtime/lossy_log_destination.js';
import { requireOrSkip } from '../support/external_tools.js';
import { canMountTmpfs, mountSmallTmpfs, type SmallTmpfs } from '../support/small_tmpfs.js';

/** A log destination that fails drops lines without throwing, and reports the gap later. */
it('drops lines to a descriptor that fails, without throwing', () => {
  const fd = openSync('/dev/full', 'w');
  const reports: number[] = [];
  try {
    const destination = createLossyLogDestination(fd, (dropped) => reports.push(dropped));
    expect(() => {
      destination.write('{"msg":"one"}\n');
      destination.write('{"msg":"two"}\n');
    }).not.toThrow();
    expect(destination.dropped).toBe(2);
    expect(reports).toEqual([]);
  } finally {
    closeSync(fd);
  }
});

const enabled = requireOrSkip('mount -t tmpfs', canMountTmpfs());
let disk: SmallTmpfs;
beforeAll(async () => {
  if (enabled) disk = await mountSmallTmpfs(64);
});
afterAll(async () => {
  if (enabled) await disk.dispose();
});

it.runIf(enabled)('reports how many lines were lost once the disk has space again', () => {
  const file = join(disk.dir, 'keygate.log');
  const fd = openSync(file, 'a');
  const reports: number[] = [];
  try {
    const destination = createLossyLogDestination(fd, (dropped) => {
      reports.push(dropped);
      destination.write(`{"event":"log.lines_dropped","dropped":${dropped}}\n`);
    });
    destination.write('{"msg":"before"}\n');
    disk.fill();
    // Longer than a page, so no line fits into what the file's last page has left.
    const long = `{"msg":"${'x'.repeat(8192)}"}\n`;
    for (let i = 0; i < 3; i += 1) destination.write(long);
    expect(destination.dropped).toBe(3);
    disk.free();
    destination.write('{"msg":"after"}\n');
    expect(reports).toEqual([3]);
    expect(destination.dropped).toBe(0);
    // The first lost line may be partly written (the file's last page had room for some of
    // it); it is ended, and what follows is whole lines again.
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines[0]).toBe('{"msg":"before"}');
    expect(lines.slice(-3)).toEqual([
      '{"msg":"after"}',
      '{"event":"log.lines_dropped","dropped":3}',
      '',
    ]);
    expect(lines.length).toBeLessThanOrEqual(5);
  } finally {
    closeSync(fd);
  }
});
