/**
 * The banner `keygate serve` writes to stderr on its first start, from its first line to its
 * `curl` example (`packages/server/src/cli/commands/serve_command.ts`, `welcome`).
 */
const FIRST_START_BANNER = /^First start:[\s\S]*?^ {2}curl -H .*\n/m;
/**
 * The banner's password line on its own, finished or not (the last line may still be
 * arriving), for a banner that arrived in pieces.
 */
const ADMIN_PASSWORD_LINE = /^.*admin password:.*(?:\n|$)/gm;

/**
 * `output` of a server child without keygate's first-start banner, which shows the admin
 * password: no error message or log of the benchmark may print it. Give it whole lines where
 * more output may follow, or the rest of an unfinished password line would come through later.
 */
export function hideFirstStartBanner(output: string): string {
  return output.replace(FIRST_START_BANNER, '').replace(ADMIN_PASSWORD_LINE, '');
}
