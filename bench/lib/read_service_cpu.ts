import { readdirSync, readFileSync } from 'node:fs';

/** Kernel clock ticks per second in `/proc/<pid>/stat` (USER_HZ, 100 on Linux). */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system) of one process so far, in seconds, from `/proc/<pid>/stat`; null
 * when it does not exist (exited, or not Linux).
 */
export function processCpuSeconds(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is parenthesised and may contain spaces: count after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return (utime + stime) / CLOCK_TICKS_PER_SECOND;
}

/**
 * Process ids of the PostgreSQL backends connected to `database` on this machine, found by
 * their process title (`postgres: 15/main: <user> <database> <client> <state>`). Empty
 * where `/proc` is missing or PostgreSQL runs elsewhere.
 */
export function listDatabaseBackends(database: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const marker = ` ${database} `;
  const pids: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let title: string;
    try {
      title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (title.startsWith('postgres: ') && title.includes(marker)) pids.push(Number(entry));
  }
  return pids;
}

/** CPU time of a changing set of processes over an interval. */
export interface ServiceCpuMeter {
  /** CPU seconds used since the meter was made, by the processes seen then or now. */
  seconds(): number;
}

/**
 * Starts measuring the CPU of the processes `list()` names: those present at the start and at
 * the end are counted from their start value, those that appeared meanwhile from zero (a
 * process that came and went in between is missed).
 */
export function startServiceCpuMeter(list: () => readonly number[]): ServiceCpuMeter {
  const before = new Map<number, number>();
  for (const pid of list()) {
    const seconds = processCpuSeconds(pid);
    if (seconds !== null) before.set(pid, seconds);
  }
  return {
    seconds() {
      let total = 0;
      for (const pid of new Set([...before.keys(), ...list()])) {
        const now = processCpuSeconds(pid);
        if (now !== null) total += now - (before.get(pid) ?? 0);
      }
      return total;
    },
  };
}
