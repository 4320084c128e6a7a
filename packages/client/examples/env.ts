/** Reads a required environment variable, or exits with a one-line message. */
export function env(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    console.error(`set ${name} first`);
    process.exit(2);
  }
  return value;
}
