// How many terminal rows a frame of text takes, so a live view moves the cursor up over exactly the rows it drew: a
// line longer than the terminal is wide wraps onto more rows. Widths follow wcwidth (Markus Kuhn's reference
// implementation, which terminals follow): East Asian wide and fullwidth characters and emoji take two columns,
// combining marks and zero-width format characters none; ANSI escape sequences are not printed at all.

// CSI (`ESC [ ... final`) and OSC (`ESC ] ... BEL|ST`) sequences: colours, cursor moves, hyperlinks.
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

const ZERO_WIDTH = /[\p{Mn}\p{Me}\p{Cf}]/u;

// Code point ranges that take two columns (wcwidth's wide table, with the emoji blocks).
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f], [0x231a, 0x231b], [0x2329, 0x232a], [0x23e9, 0x23ec], [0x23f0, 0x23f0], [0x23f3, 0x23f3],
  [0x25fd, 0x25fe], [0x2614, 0x2615], [0x2648, 0x2653], [0x267f, 0x267f], [0x2693, 0x2693], [0x26a1, 0x26a1],
  [0x26aa, 0x26ab], [0x26bd, 0x26be], [0x26c4, 0x26c5], [0x26ce, 0x26ce], [0x26d4, 0x26d4], [0x26ea, 0x26ea],
  [0x26f2, 0x26f3], [0x26f5, 0x26f5], [0x26fa, 0x26fa], [0x26fd, 0x26fd], [0x2705, 0x2705], [0x270a, 0x270b],
  [0x2728, 0x2728], [0x274c, 0x274c], [0x274e, 0x274e], [0x2753, 0x2755], [0x2757, 0x2757], [0x2795, 0x2797],
  [0x27b0, 0x27b0], [0x27bf, 0x27bf], [0x2b1b, 0x2b1c], [0x2b50, 0x2b50], [0x2b55, 0x2b55], [0x2e80, 0x303e],
  [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa4cf], [0xa960, 0xa97f], [0xac00, 0xd7a3],
  [0xf900, 0xfaff], [0xfe10, 0xfe19], [0xfe30, 0xfe6f], [0xff00, 0xff60], [0xffe0, 0xffe6], [0x16fe0, 0x18cff],
  [0x1b000, 0x1b2ff], [0x1f004, 0x1f004], [0x1f0cf, 0x1f0cf], [0x1f18e, 0x1f18e], [0x1f191, 0x1f19a],
  [0x1f200, 0x1f251], [0x1f300, 0x1f64f], [0x1f680, 0x1f6ff], [0x1f7e0, 0x1f7eb], [0x1f90c, 0x1f9ff],
  [0x1fa70, 0x1faff], [0x20000, 0x3fffd],
];

function isWide(codePoint: number): boolean {
  let low = 0;
  let high = WIDE.length - 1;
  while (low <= high) {
    const middle = Math.floor((low + high) / 2);
    const [start, end] = WIDE[middle];
    if (codePoint < start) {
      high = middle - 1;
    } else if (codePoint > end) {
      low = middle + 1;
    } else {
      return true;
    }
  }
  return false;
}

/** The columns `line` (one line, without its newline) takes on a terminal. Tabs advance to the next multiple of 8. */
export function displayWidth(line: string): number {
  let width = 0;
  for (const character of line.replace(ANSI, '')) {
    const codePoint = character.codePointAt(0)!;
    if (character === '\t') {
      width += 8 - (width % 8);
    } else if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint < 0xa0) || ZERO_WIDTH.test(character)) {
      continue;
    } else {
      width += isWide(codePoint) ? 2 : 1;
    }
  }
  return width;
}

/**
 * The rows `frame` takes on a terminal `columns` wide, cursor left at the start of the row after it: every line takes
 * at least one row, and one more for each `columns` it overflows. A frame that ends with a newline has no last row of
 * its own.
 *
 * @param columns the terminal's width; unknown (undefined or 0) counts one row per line
 */
export function terminalRows(frame: string, columns: number | undefined): number {
  const lines = frame.split('\n');
  if (lines[lines.length - 1] === '') {
    lines.pop();
  }
  return lines.reduce((rows, line) => rows + (columns ? Math.max(1, Math.ceil(displayWidth(line) / columns)) : 1), 0);
}
