import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../src/runtime/create_logger.js';
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

it.runIf(enabled)(
  'the logger says log.lines_dropped, with the count, once lines get through',
  () => {
    const file = join(disk.dir, 'logger.log');
    const fd = openSync(file, 'a');
    try {
      const logger = createLogger('info', fd);
      logger.info({ event: 'first' }, 'before');
      disk.fill();
      for (let i = 0; i < 2; i += 1) logger.info({ event: 'lost', padding: 'x'.repeat(8192) });
      disk.free();
      logger.info({ event: 'after' }, 'after');
      const events = readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('{') && line.endsWith('}'))
        .map((line) => JSON.parse(line) as { event?: string; dropped?: number; level: number });
      expect(events.map((e) => e.event)).toEqual(['first', 'after', 'log.lines_dropped']);
      expect(events[2]).toMatchObject({ dropped: 2, level: 40 });
    } finally {
      closeSync(fd);
    }
  },
);
