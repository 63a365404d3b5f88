import { alignTabs } from '../../../src/cli/render/tab-writer';

describe('alignTabs (Go text/tabwriter with padding 2)', () => {
  test('pads every tab-terminated cell to its column width plus two; the last cell is not padded', () => {
    expect(alignTabs('REVISION\tCHANGE-CAUSE\n1\t<none>\n10\tkubectl set image\n')).toBe(
      'REVISION  CHANGE-CAUSE\n1         <none>\n10        kubectl set image\n');
  });

  test('a line with fewer cells ends the column block, as Go does', () => {
    expect(alignTabs('a\tbb\tc\nccc\td\te\nheader\nx\ty\n')).toBe('a    bb  c\nccc  d   e\nheader\nx  y\n');
  });

  test('counts characters, not bytes', () => {
    expect(alignTabs('é\tx\nab\ty')).toBe('é   x\nab  y');
  });

  test('text without tabs is unchanged', () => {
    expect(alignTabs('REVISION\n1\n2\n')).toBe('REVISION\n1\n2\n');
  });
});
