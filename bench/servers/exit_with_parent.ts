/**
 * Preloaded (`--import`) into every server the benchmark starts: the parent holds the child's
 * stdin open, so when it goes away, even by SIGKILL where no cleanup can run, stdin ends and
 * the server exits instead of lingering on the machine. Costs one idle file descriptor.
 *
 * @packageDocumentation
 */

process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
// Reading stdin must not keep a server alive on its own once it has closed its listener.
process.stdin.unref?.();
