// Go's text/tabwriter as kubectl configures it (minwidth 0, tabwidth 8, padding 2, padchar ' ', no flags), so tables
// line up byte for byte with kubectl's. A cell is text terminated by a tab; the text after a line's last tab is not a
// cell and is never padded. Columns are aligned per block of consecutive lines that have the column, as Go does.

/** Aligns tab-separated text exactly as kubectl's `tabwriter.NewWriter(out, 0, 8, 2, ' ', 0)` does. */
export function alignTabs(text: string, padding = 2): string {
  const lines = text.split('\n').map((line) => line.split('\t'));
  const out: string[] = [];
  const widths: number[] = [];
  const width = (cell: string) => [...cell].length;

  const writeLines = (line0: number, line1: number) => {
    for (let i = line0; i < line1; i++) {
      const cells = lines[i];
      out.push(cells.map((cell, j) => j < cells.length - 1 && j < widths.length
        ? cell + ' '.repeat(Math.max(0, widths[j] - width(cell)))
        : cell).join(''));
    }
  };

  const format = (start: number, end: number) => {
    const column = widths.length;
    let line0 = start;
    for (let current = start; current < end; current++) {
      if (column >= lines[current].length - 1) {
        continue;
      }
      // This line has a cell in `column`: the block of lines having it starts here.
      writeLines(line0, current);
      line0 = current;
      let columnWidth = 0;
      for (; current < end && column < lines[current].length - 1; current++) {
        columnWidth = Math.max(columnWidth, width(lines[current][column]) + padding);
      }
      widths.push(columnWidth);
      format(line0, current);
      widths.pop();
      line0 = current;
      current--;
    }
    writeLines(line0, end);
  };

  format(0, lines.length);
  return out.join('\n');
}
