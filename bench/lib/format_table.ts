const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A count or rate rounded to a whole number, with thousands separators: `12,338`. */
export function formatInteger(value: number): string {
  return integer.format(value);
}

/** A share of one core, `42%`, or `n/a` where it could not be read. */
export function formatPercent(value: number | null): string {
  return value === null ? 'n/a' : `${value.toFixed(0)}%`;
}

/**
 * Lays out rows of cells as a text table: the first column left-aligned, the others
 * right-aligned, each as wide as its widest cell, two spaces between columns.
 */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths = (rows[0] ?? []).map((_, column) =>
    Math.max(...rows.map((cells) => (cells[column] ?? '').length)),
  );
  return rows
    .map((cells) =>
      cells
        .map((cell, column) => {
          const width = widths[column] ?? 0;
          return column === 0 ? cell.padEnd(width) : cell.padStart(width);
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
