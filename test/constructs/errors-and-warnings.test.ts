// Issue 13: a construct's error is attached to its scope (the construct path, as aws-cdk-lib's ValidationError), and
// synth warnings carry an id a user can acknowledge instead of going to console.warn.
import { Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { testChart, thrownValidationError } from './manifest';
import { Errors } from '../../src/validation-error';
import { WarningId, Warnings } from '../../src/warnings';
import { ZooKeeperEnsemble } from '../../src/zookeeper-ensemble';

const EVEN_ENSEMBLE_MESSAGE = 'replicas: 4 servers tolerate no more failures than 3; use an odd number';

/** A chart with the ensemble three levels down, as a platform team nests its constructs. */
function nestedScope(): { chart: Chart; streaming: Construct } {
  const chart = testChart();
  return { chart, streaming: new Construct(new Construct(chart, 'platform'), 'streaming') };
}

describe('a validation error is attached to the construct it is thrown from', () => {
  test('the construct path of a nested construct, readable with Errors.constructPathOf', () => {
    const { streaming } = nestedScope();
    const error = thrownValidationError(() => new ZooKeeperEnsemble(streaming, 'zk', { replicas: 256 }));
    expect(Errors.constructPathOf(error)).toBe('test/platform/streaming/zk');
    expect(error.message).toBe('test/platform/streaming/zk: replicas: 256 is not valid; ZooKeeper server ids run from 1 to 255; use at most 255 servers');
  });

  test('a building block deep inside a construct names its own path', () => {
    const { streaming } = nestedScope();
    // A valid domain (232 characters) that makes the pods' DNS names longer than DNS's 253.
    const clusterDomain = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(40)}`;
    const error = thrownValidationError(() => new ZooKeeperEnsemble(streaming, 'zk', { clusterDomain }));
    expect(Errors.constructPathOf(error)).toBe('test/platform/streaming/zk/Servers');
    expect(error.property).toBe('name');
  });

  test('a workload option is checked at the construct that was given it', () => {
    // Before, an empty changeCause failed inside ChangeCause.apply with a plain Error.
    const error = thrownValidationError(() => new ZooKeeperEnsemble(testChart(), 'zk', { changeCause: ' ' }));
    expect(error.message).toBe('test/zk: changeCause: " " is not valid; describe the change, e.g. "kafka 3.9.1: raise num.io.threads"');
  });

  test('other errors and a value type\'s errors have no construct path', () => {
    expect(Errors.constructPathOf(new Error('test/zk: not ours'))).toBeUndefined();
    expect(Errors.constructPathOf('test/zk')).toBeUndefined();
  });
});

describe('synth warnings', () => {
  let consoleWarn: jest.SpyInstance;
  let stderr: jest.SpyInstance;
  beforeEach(() => {
    consoleWarn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    consoleWarn.mockRestore();
    stderr.mockRestore();
  });

  /** The warning lines printed to stderr so far. */
  function printed(): string[] {
    return stderr.mock.calls.map((call) => String(call[0])).filter((text) => text.startsWith('[Warning at '));
  }

  test('are recorded on the construct with their id, and listed from any scope above it', () => {
    const { chart, streaming } = nestedScope();
    const zk = new ZooKeeperEnsemble(streaming, 'zk', { replicas: 4 });
    const warning = { id: WarningId.ZOOKEEPER_EVEN_ENSEMBLE, path: 'test/platform/streaming/zk', message: EVEN_ENSEMBLE_MESSAGE };
    expect(Warnings.of(zk).list()).toEqual([warning]);
    expect(Warnings.of(chart).list()).toEqual([warning]);
    expect(zk.node.metadata.map((entry) => [entry.type, entry.data])).toEqual([
      ['cdk8s-staged-rollouts:warning', { id: WarningId.ZOOKEEPER_EVEN_ENSEMBLE, message: EVEN_ENSEMBLE_MESSAGE }],
    ]);
    expect(Warnings.of(new ZooKeeperEnsemble(streaming, 'odd', { name: 'odd', replicas: 5 })).list()).toEqual([]);
  });

  test('are printed to stderr once when the app is synthesized, never through console.warn', () => {
    const chart = testChart();
    new ZooKeeperEnsemble(chart, 'zk', { replicas: 4 });
    expect(printed()).toEqual([]);
    Testing.synth(chart);
    Testing.synth(chart);
    expect(printed()).toEqual([`[Warning at test/zk] ${EVEN_ENSEMBLE_MESSAGE} [ack: cdk8s-staged-rollouts:zooKeeperEvenEnsemble]\n`]);
    expect(consoleWarn).not.toHaveBeenCalled();
  });

  test('acknowledged on the construct after it warned, they are neither listed nor printed', () => {
    const chart = testChart();
    const zk = new ZooKeeperEnsemble(chart, 'zk', { replicas: 4 });
    Warnings.of(zk).acknowledge(WarningId.ZOOKEEPER_EVEN_ENSEMBLE, 'one server per zone in four zones');
    expect(Warnings.of(chart).list()).toEqual([]);
    Testing.synth(chart);
    expect(printed()).toEqual([]);
    expect(consoleWarn).not.toHaveBeenCalled();
  });

  test('acknowledged on a scope above before the construct exists, they are silenced for every construct below it', () => {
    const { chart, streaming } = nestedScope();
    Warnings.of(streaming).acknowledge(WarningId.ZOOKEEPER_EVEN_ENSEMBLE);
    new ZooKeeperEnsemble(streaming, 'zk', { replicas: 4 });
    const elsewhere = new ZooKeeperEnsemble(chart, 'other', { name: 'other', replicas: 2 });
    expect(Warnings.of(chart).list().map((warning) => warning.path)).toEqual([elsewhere.node.path]);
    Testing.synth(chart);
    expect(printed()).toEqual([`[Warning at test/other] replicas: 2 servers tolerate no more failures than 1; use an odd number [ack: ${WarningId.ZOOKEEPER_EVEN_ENSEMBLE}]\n`]);
  });

  test('acknowledging another id silences nothing', () => {
    const chart = testChart();
    const zk = new ZooKeeperEnsemble(chart, 'zk', { replicas: 4 });
    Warnings.of(chart).acknowledge('cdk8s-staged-rollouts:somethingElse');
    expect(Warnings.of(zk).list().map((warning) => warning.id)).toEqual([WarningId.ZOOKEEPER_EVEN_ENSEMBLE]);
  });
});
