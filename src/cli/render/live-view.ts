// A block of terminal rows redrawn in place: the cursor moves up over the rows of the previous frame (wrapped lines
// count as the rows they take, see terminal-width.ts) and clears them first.
import { terminalRows } from './terminal-width';

/** Redraws a multi-line frame in place on a terminal. */
export class LiveView {
  private previous = '';

  /**
   * @param write writes to the terminal
   * @param columns the terminal's width now @default unknown: one row per line
   */
  public constructor(private readonly write: (text: string) => void, private readonly columns: () => number | undefined = () => undefined) {}

  /** Replaces the previous frame with `frame` (which ends with a newline). */
  public draw(frame: string): void {
    // Counted at the width of now: a terminal resized since re-wraps the frame it shows.
    const rows = terminalRows(this.previous, this.columns());
    // ESC[nF: cursor to the start of the row n rows up; ESC[J: clear to the end of the screen.
    this.write((rows > 0 ? `\u001b[${rows}F\u001b[J` : '') + frame);
    this.previous = frame;
  }
}
