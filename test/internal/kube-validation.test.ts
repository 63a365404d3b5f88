// The cases of k8s.io/apimachinery/pkg/util/validation/validation_test.go, so the port agrees with upstream.
import {
  annotationsProblems, dns1035LabelProblems, dns1123LabelProblems, dns1123SubdomainProblems, envVarNameProblems, labelValueProblems,
  portNameProblems, portNumberProblems, qualifiedNameProblems, userIdProblems,
} from '../../src/internal/kube-validation';

describe.each([
  ['IsDNS1123Label', dns1123LabelProblems,
    ['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '012', '1a', '1-a', '1--a--b--2', 'a'.repeat(63)],
    ['', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1', '_', 'a_', '_a', 'a_b', '1_', '_1', '1_2', '.', 'a.', '.a', 'a.b', '1.',
      '.1', '1.2', ' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2', 'a'.repeat(64)]],
  ['IsDNS1123Subdomain', dns1123SubdomainProblems,
    ['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '012', '1a', '1-a', '1--a--b--2', 'a.a', 'ab.a', 'abc.a', 'a1.a', 'a-1.a',
      'a--1--2--b.a', 'a.1', 'ab.1', 'abc.1', 'a1.1', 'a-1.1', 'a--1--2--b.1', '0.a', '01.a', '012.a', '1a.a', '1-a.a', '1--a--b--2',
      '0.1', '01.1', '012.1', '1a.1', '1-a.1', '1--a--b--2.1', 'a.b.c.d.e', 'aa.bb.cc.dd.ee', '1.2.3.4.5', '11.22.33.44.55', 'a'.repeat(253)],
    ['', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1', '_', 'a_', '_a', 'a_b', '1_', '_1', '1_2', '.', 'a.', '.a', 'a..b',
      '1.', '.1', '1..2', ' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2', 'A.a', 'aB.a', 'ab.A', 'A1.a', 'a1.A', 'A.1', 'aB.1', 'A1.1', '1A.1',
      '0.A', '01.A', '012.A', '1A.a', '1a.A', 'A.B.C.D.E', 'AA.BB.CC.DD.EE', 'a.B.c.d.e', 'aa.bB.cc.dd.ee', 'a@b', 'a,b', 'a_b', 'a;b',
      'a:b', 'a%b', 'a?b', 'a$b', 'a'.repeat(254)]],
  ['IsDNS1035Label', dns1035LabelProblems,
    ['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', 'a'.repeat(63)],
    ['0', '01', '012', '1a', '1-a', '1--a--b--2', '', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1', '_', 'a_', '_a', 'a_b',
      '1_', '_1', '1_2', '.', 'a.', '.a', 'a.b', '1.', '.1', '1.2', ' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2', 'a'.repeat(64)]],
  ['IsQualifiedName', qualifiedNameProblems,
    ['simple', 'now-with-dashes', '1-starts-with-num', '1234', 'simple/simple', 'now-with-dashes/simple', 'now-with-dashes/now-with-dashes',
      'now.with.dots/now-with-dashes', 'now-with.dashes-and.dots/now-with.dashes-and.dots', '1-num.2-num/3-num', '1234/5678', '1.2.3.4/5678',
      'Uppercase_Is_OK_123', 'example.com/Uppercase_Is_OK_123', 'requests.storage-foo', 'a'.repeat(63), `${'a'.repeat(253)}/${'b'.repeat(63)}`],
    ['nospecialchars%^=@', 'cantendwithadash-', '-cantstartwithadash-', 'only/one/slash', 'Example.com/abc', 'example_com/abc', 'example.com/',
      '/simple', 'a'.repeat(64), `${'a'.repeat(254)}/abc`]],
  ['IsValidLabelValue', labelValueProblems,
    ['simple', 'now-with-dashes', '1-starts-with-num', 'end-with-num-1', '1234', 'a'.repeat(63), ''],
    ['nospecialchars%^=@', 'Tama-nui-te-rā.is.Māori.sun', '\\backslashes\\are\\bad', '-starts-with-dash', 'ends-with-dash-', '.starts.with.dot',
      'ends.with.dot.', 'a'.repeat(64)]],
  ['IsValidPortName', portNameProblems,
    ['telnet', 're-mail-ck', 'pop3', 'a', 'a-1', '1-a', 'a-1-b-2-c', '1-a-2-b-3'],
    ['longerthan15characters', '', 'a'.repeat(16), '12345', '1-2-3-4', '-begin', 'end-', 'two--hyphens', 'whois++']],
  ['IsEnvVarName', envVarNameProblems,
    ['A', 'ABC', 'AbC_123', '_123', 'a', 'a.b', 'a-b', '-ab', '.a'],
    ['1AB', '1_AB', '1.A', 'A B', 'A=B', '', '.', '..']],
] as const)('%s', (_, problems, good, bad) => {
  test.each(good as readonly string[])('accepts %j', (value) => {
    expect(problems(value)).toEqual([]);
  });
  test.each(bad as readonly string[])('rejects %j', (value) => {
    expect(problems(value).length).toBeGreaterThan(0);
  });
});

describe('numbers', () => {
  test('port numbers are 1 to 65535, whole', () => {
    expect([1, 65535].map(portNumberProblems)).toEqual([[], []]);
    expect([0, 65536, -1, 1.5, NaN].map((port) => portNumberProblems(port).length)).toEqual([1, 1, 1, 1, 1]);
  });

  test('user ids are 0 to 2147483647, whole', () => {
    expect([0, 65534, 2147483647].map(userIdProblems)).toEqual([[], [], []]);
    expect([-1, 2147483648, 1.5].map((uid) => userIdProblems(uid)[0])).toEqual(Array(3).fill('must be between 0 and 2147483647, inclusive'));
  });
});

describe('annotations', () => {
  test('keys are qualified names compared lower-cased, and the whole is at most 256 KiB', () => {
    expect(annotationsProblems({ 'Example.com/Key': 'x', 'kubernetes.io/change-cause': 'why' })).toEqual([]);
    expect(annotationsProblems({ 'a/b/c': 'x' })[0]).toMatch(/^key "a\/b\/c": /);
    expect(annotationsProblems({ big: 'x'.repeat(256 * 1024) })).toEqual(['may not have more than 262144 bytes']);
  });
});
