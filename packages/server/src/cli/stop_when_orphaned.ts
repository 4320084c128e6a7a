/** How often the parent process is checked; a stop therefore follows within this time. */
const PARENT_CHECK_INTERVAL_MS = 250;

/**
 * npm runs `npx keygate …` (and any script without `exec`) through `sh -c`, and Debian's
 * /bin/sh neither passes on the SIGTERM or SIGINT npm forwards to it nor replaces itself with
 * keygate: signalling npm ends the shell and leaves keygate running, adopted by init. So when
 * npm started this process (it sets `npm_command`), keygate watches its parent, and once the
 * parent is gone it signals itself SIGTERM: the clean shutdown a direct signal gives.
 * Started any other way (a service manager, `nohup keygate serve &`), nothing is watched.
 * @param env - the process environment, to tell whether npm started this process.
 */
export function stopWhenOrphanedUnderNpm(env: NodeJS.ProcessEnv): void {
  if (env.npm_command === undefined) return;
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    process.kill(process.pid, 'SIGTERM');
  }, PARENT_CHECK_INTERVAL_MS);
  // Never the reason a finished command stays alive.
  watch.unref();
}
