/** Renders rows as a plain aligned text table for human output; "(none)" when empty. */
export function formatTable(
  rows: readonly Record<string, unknown>[],
  columns: readonly string[],
): string {
  if (rows.length === 0) return '(none)';
  const cells = rows.map((row) => columns.map((column) => String(row[column] ?? '')));
  const widths = columns.map((column, i) =>
    Math.max(column.length, ...cells.map((line) => line[i]?.length ?? 0)),
  );
  const render = (line: readonly string[]) =>
    line
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [render(columns.map((c) => c.toUpperCase())), ...cells.map(render)].join('\n');
}
