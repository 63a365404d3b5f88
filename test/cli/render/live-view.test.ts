import { LiveView } from '../../../src/cli/render/live-view';
import { displayWidth, terminalRows } from '../../../src/cli/render/terminal-width';

describe('LiveView', () => {
  test('moves up over the rows the previous frame took, wrapped lines included', () => {
    const written: string[] = [];
    const view = new LiveView((text) => written.push(text), () => 20);
    // The second line (an ErrImagePull message) is 45 columns: three rows on a 20-column terminal.
    view.draw(`kafka-2\n${'x'.repeat(45)}\n`);
    view.draw('done\n');
    expect(written).toEqual([`kafka-2\n${'x'.repeat(45)}\n`, '\u001b[4F\u001b[Jdone\n']);
  });

  test('counts at the width of the moment it redraws; an unknown width counts one row per line', () => {
    const written: string[] = [];
    let columns: number | undefined = 80;
    const view = new LiveView((text) => written.push(text), () => columns);
    view.draw(`${'y'.repeat(60)}\n`);
    columns = 30;
    view.draw('a\nb\n');
    columns = undefined;
    view.draw('c\n');
    // 60 columns are two rows at 30; then two lines are two rows whatever the width.
    expect(written.slice(1)).toEqual(['\u001b[2F\u001b[Ja\nb\n', '\u001b[2F\u001b[Jc\n']);
  });
});

describe('terminal widths', () => {
  test('ANSI sequences take no column; wide characters and emoji two; combining marks none', () => {
    expect(displayWidth('\u001b[1;31merror\u001b[0m')).toBe(5);
    expect(displayWidth('\u001b]8;;https://example.com\u0007link\u001b]8;;\u0007')).toBe(4);
    expect(displayWidth('日本語')).toBe(6);
    expect(displayWidth('ok ✅')).toBe(5);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('a\tb')).toBe(9);
  });

  test('a line exactly as wide as the terminal takes one row; one more column takes two; empty lines one', () => {
    expect(terminalRows(`${'z'.repeat(80)}\n`, 80)).toBe(1);
    expect(terminalRows(`${'z'.repeat(81)}\n`, 80)).toBe(2);
    expect(terminalRows('\n\n', 80)).toBe(2);
    expect(terminalRows('', 80)).toBe(0);
    expect(terminalRows(`${'日'.repeat(41)}\n`, 80)).toBe(2);
  });
});
