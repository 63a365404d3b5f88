import { allOn, CliKit, startCliKit } from '../support/cli-kit';

jest.setTimeout(60_000);

describe('status --watch under API faults', () => {
  let cli: CliKit;
  beforeAll(async () => {
    cli = await startCliKit();
  });
  afterAll(() => cli.sandbox.stop());

  test('dropped watches and 500s on reads still end in complete, reported once per change', async () => {
    await cli.createStatefulSet('web', { replicas: 3, image: 'web:1', updateStrategy: 'rolling' });
    cli.sandbox.setFaults({ dropWatchAfterEvents: 1, serverErrorRate: 0.3, only: ['list pods', 'list controllerrevisions', 'get statefulsets'], seed: 7 });
    cli.setImage('web', 'web:2');
    const watched = await cli.stage(['status', 'sts/web', '--watch', '-o', 'json']);
    cli.sandbox.setFaults({});
    expect(watched.stderr).toBe('');
    expect(watched.code).toBe(0);
    const reports = watched.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(reports[reports.length - 1].phase).toBe('complete');
    // Consecutive reports always differ: a re-read after a dropped watch that sees nothing new prints nothing.
    const bodies = reports.map(({ at: _at, ...report }) => JSON.stringify(report));
    expect(bodies.every((body, i) => i === 0 || body !== bodies[i - 1])).toBe(true);
    expect(allOn(cli, 'web', 'web:2', 3)).toBe(true);
  });
});
