import { writeSync } from 'node:fs';

/** Bytes kept waiting while the destination is only slow (EAGAIN); later lines are dropped. */
const MAX_PENDING_BYTES = 1024 * 1024;

/** Ends a line that a failure cut short. */
const NEWLINE = Buffer.from('\n');

/** How long to wait before writing again to a destination that is only slow. */
const RETRY_DELAY_MS = 10;

/** A pino destination that never throws and never emits an error. */
export interface LossyLogDestination {
  /** Writes one log line (pino calls this); drops it if the file descriptor fails. */
  write(line: string): void;
  /** Lines dropped since the last successful write (reported then through `onRecovered`). */
  readonly dropped: number;
}

/**
 * Writes log lines to a file descriptor so that a logging failure never ends the process: a
 * reader that went away (`keygate serve | head -1`: EPIPE), a full disk (ENOSPC), an I/O
 * error or a closed descriptor drops the line and counts it, instead of the unhandled
 * `'error'` a stream would emit. A destination that is only slow (EAGAIN on a non-blocking
 * pipe) keeps up to 1 MiB of lines in order and retries; beyond that lines are dropped too.
 * Once a write succeeds again, `onRecovered` gets the number of lines lost, so the gap is
 * reported in the log itself; a line the failure cut short is ended with a newline first, so
 * every later line is still one JSON object of its own. Writes are synchronous while the
 * descriptor accepts them (as pino's own default destination is), so lines keep their order
 * with other output on the same descriptor.
 * @param fd - the descriptor to write to, e.g. 1 for stdout.
 * @param onRecovered - called after a successful write that followed dropped lines.
 */
export function createLossyLogDestination(
  fd: number,
  onRecovered: (dropped: number) => void,
): LossyLogDestination {
  const pending: Buffer[] = [];
  let pendingBytes = 0;
  let dropped = 0;
  let retry: NodeJS.Timeout | null = null;
  // The report of dropped lines is itself logged (a write from inside `drain`): it is queued
  // behind the lines being written, not written in the middle of them.
  let draining = false;
  // Part of the first pending line is out; a failure now leaves half a line (`lineCut`).
  let headStarted = false;
  let lineCut = false;

  /** Writes what is pending; false when the descriptor is only busy and a retry is due. */
  function drain(): boolean {
    draining = true;
    try {
      return drainPending();
    } finally {
      draining = false;
    }
  }

  function drainPending(): boolean {
    while (pending.length > 0) {
      const head = pending[0] as Buffer;
      let written: number;
      try {
        // A line cut short by a failure is ended first, so the next line starts on its own.
        if (lineCut) {
          writeSync(fd, NEWLINE);
          lineCut = false;
        }
        written = writeSync(fd, head);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return false;
        // The line is lost, whatever the cause; the next one may fare better (disk freed).
        pending.shift();
        pendingBytes -= head.length;
        dropped += 1;
        if (headStarted) lineCut = true;
        headStarted = false;
        continue;
      }
      pendingBytes -= written;
      if (written < head.length) {
        pending[0] = head.subarray(written);
        headStarted = true;
        continue;
      }
      pending.shift();
      headStarted = false;
      report();
    }
    return true;
  }

  function report(): void {
    if (dropped === 0) return;
    const lost = dropped;
    dropped = 0;
    onRecovered(lost);
  }

  function scheduleRetry(): void {
    if (retry !== null) return;
    retry = setTimeout(() => {
      retry = null;
      if (!drain()) scheduleRetry();
    }, RETRY_DELAY_MS);
    // Waiting log lines never keep the process alive on their own.
    retry.unref();
  }

  return {
    write(line) {
      const bytes = Buffer.from(line);
      if (pendingBytes + bytes.length > MAX_PENDING_BYTES) {
        dropped += 1;
        return;
      }
      pending.push(bytes);
      pendingBytes += bytes.length;
      if (retry === null && !draining && !drain()) scheduleRetry();
    },
    get dropped() {
      return dropped;
    },
  };
}
