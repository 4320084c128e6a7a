import { describe, expect, it } from 'vitest';
import { openInProcessFileLock } from '../../src/store/sqlite/in_process_file_lock.js';

/** Lets every pending promise callback run. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('openInProcessFileLock', () => {
  it('makes connections on one file take turns, first come first served', async () => {
    const a = openInProcessFileLock('/data/one.sqlite');
    const b = openInProcessFileLock('/data/one.sqlite');
    const order: string[] = [];
    await a.lock();
    const second = b.lock().then(() => order.push('b'));
    const third = a.lock().then(() => order.push('a again'));
    await settle();
    expect(order).toEqual([]);
    a.unlock();
    await second;
    expect(order).toEqual(['b']);
    b.unlock();
    await third;
    expect(order).toEqual(['b', 'a again']);
    a.unlock();
    a.dispose();
    b.dispose();
  });

  it('leaves other files alone, and frees a file once every user disposed of it', async () => {
    const one = openInProcessFileLock('/data/two.sqlite');
    const other = openInProcessFileLock('/data/three.sqlite');
    await one.lock();
    let otherLocked = false;
    void other.lock().then(() => {
      otherLocked = true;
    });
    await settle();
    expect(otherLocked).toBe(true);
    other.unlock();
    other.dispose();

    // The held lock belongs to the registry entry; once its only user is gone, a new opener
    // gets a fresh, free lock (nothing leaks from closed connections).
    one.dispose();
    one.dispose();
    const fresh = openInProcessFileLock('/data/two.sqlite');
    let freshLocked = false;
    void fresh.lock().then(() => {
      freshLocked = true;
    });
    await settle();
    expect(freshLocked).toBe(true);
    fresh.unlock();
    fresh.dispose();
  });
});
