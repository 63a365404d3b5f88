// A block of terminal lines redrawn in place: the cursor moves up over the previous frame and clears it first.

/** Redraws a multi-line frame in place on a terminal. */
export class LiveView {
  private lines = 0;

  /** @param write writes to the terminal */
  public constructor(private readonly write: (text: string) => void) {}

  /** Replaces the previous frame with `frame` (which ends with a newline). */
  public draw(frame: string): void {
    // ESC[nF: cursor to the start of the line n lines up; ESC[J: clear to the end of the screen.
    const erase = this.lines > 0 ? `\u001b[${this.lines}F\u001b[J` : '';
    this.write(erase + frame);
    this.lines = frame.split('\n').length - 1;
  }
}
