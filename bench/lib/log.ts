/** Writes one progress line, `bench: <message>`, to stderr (stdout carries the report). */
export function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}
