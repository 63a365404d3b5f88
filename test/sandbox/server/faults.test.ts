import { FaultInjector, FaultOptions } from '../../../src/sandbox/server/faults';

/** The statuses of `count` successive `verb resource` requests (0 for a served one). */
function statuses(injector: FaultInjector, count: number, verb = 'patch', resource = 'statefulsets'): number[] {
  return Array.from({ length: count }, () => injector.decide(verb, resource).status ?? 0);
}

describe('FaultInjector', () => {
  test('without options every request is served at once and watches are never dropped', () => {
    const injector = new FaultInjector({});
    for (const verb of ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete']) {
      expect(injector.decide(verb, 'pods')).toEqual({ delayMs: 0 });
    }
    expect(injector.shouldDropWatch(0)).toBe(false);
    expect(injector.shouldDropWatch(1_000_000)).toBe(false);
  });

  test('latency delays every affected request and only those', () => {
    const injector = new FaultInjector({ latencyMs: 250, only: ['get pods'] });
    expect(injector.decide('get', 'pods')).toEqual({ delayMs: 250 });
    expect(injector.decide('list', 'pods')).toEqual({ delayMs: 0 });
    expect(injector.decide('get', 'nodes')).toEqual({ delayMs: 0 });
  });

  test('a rate of 1 fails every request and 0 none; conflicts only hit writes', () => {
    const conflicts = new FaultInjector({ conflictRate: 1, latencyMs: 5 });
    for (const verb of ['create', 'update', 'patch', 'delete', 'deletecollection']) {
      expect(conflicts.decide(verb, 'statefulsets')).toEqual({ delayMs: 5, status: 409 });
    }
    for (const verb of ['get', 'list', 'watch']) {
      expect(conflicts.decide(verb, 'statefulsets')).toEqual({ delayMs: 5 });
    }
    expect(statuses(new FaultInjector({ throttleRate: 1 }), 5, 'get')).toEqual([429, 429, 429, 429, 429]);
    expect(statuses(new FaultInjector({ serverErrorRate: 1 }), 5, 'watch')).toEqual([500, 500, 500, 500, 500]);
    expect(statuses(new FaultInjector({ serverErrorRate: 0, throttleRate: 0, conflictRate: 0 }), 5)).toEqual([0, 0, 0, 0, 0]);
  });

  test('a server error wins over throttling, and throttling over a conflict', () => {
    expect(new FaultInjector({ serverErrorRate: 1, throttleRate: 1, conflictRate: 1 }).decide('patch', 'pods').status).toBe(500);
    expect(new FaultInjector({ throttleRate: 1, conflictRate: 1 }).decide('patch', 'pods').status).toBe(429);
  });

  test('the default seed gives the same mulberry32 sequence on every run', () => {
    // mulberry32(1) draws 0.627, 0.0027, 0.527, 0.981, 0.968, 0.281: below 0.5 at the 2nd and 6th request.
    expect(statuses(new FaultInjector({ serverErrorRate: 0.5 }), 6)).toEqual([0, 500, 0, 0, 0, 500]);
    expect(statuses(new FaultInjector({ serverErrorRate: 0.5, seed: 1 }), 6)).toEqual([0, 500, 0, 0, 0, 500]);
  });

  test('the same seed reproduces the faults and another seed changes them', () => {
    const options: FaultOptions = { conflictRate: 0.3, throttleRate: 0.1, seed: 42 };
    const first = statuses(new FaultInjector(options), 200);
    expect(statuses(new FaultInjector(options), 200)).toEqual(first);
    expect(statuses(new FaultInjector({ ...options, seed: 43 }), 200)).not.toEqual(first);
  });

  test('rates hold over many requests', () => {
    const injector = new FaultInjector({ conflictRate: 0.25, seed: 7 });
    const outcomes = statuses(injector, 10_000);
    const conflicts = outcomes.filter(status => status === 409).length;
    expect(conflicts).toBeGreaterThan(2_350);
    expect(conflicts).toBeLessThan(2_650);
    expect(outcomes.filter(status => status !== 409 && status !== 0)).toEqual([]);
  });

  test('requests outside `only` draw nothing, so they do not shift the affected requests\' faults', () => {
    const filtered = new FaultInjector({ serverErrorRate: 0.5, only: ['patch statefulsets'] });
    const observed: number[] = [];
    for (let i = 0; i < 6; i++) {
      expect(filtered.decide('get', 'pods')).toEqual({ delayMs: 0 });
      observed.push(filtered.decide('patch', 'statefulsets').status ?? 0);
    }
    expect(observed).toEqual([0, 500, 0, 0, 0, 500]);
  });

  test('`only` matches verbs, resources, subresources and wildcards', () => {
    const injector = new FaultInjector({
      serverErrorRate: 1,
      only: ['patch statefulsets', 'update daemonsets/status', '* leases', 'get *'],
    });
    const failed = (verb: string, resource: string) => injector.decide(verb, resource).status === 500;
    expect(failed('patch', 'statefulsets')).toBe(true);
    expect(failed('patch', 'statefulsets/status')).toBe(true);
    expect(failed('patch', 'statefulsets/scale')).toBe(true);
    expect(failed('update', 'statefulsets')).toBe(false);
    expect(failed('patch', 'pods')).toBe(false);
    expect(failed('update', 'daemonsets/status')).toBe(true);
    expect(failed('update', 'daemonsets')).toBe(false);
    expect(failed('create', 'leases')).toBe(true);
    expect(failed('watch', 'leases')).toBe(true);
    expect(failed('get', 'nodes')).toBe(true);
    expect(failed('list', 'nodes')).toBe(false);
  });

  test('an `only` entry tolerates surrounding and repeated whitespace', () => {
    const injector = new FaultInjector({ throttleRate: 1, only: ['  patch   pods '] });
    expect(injector.decide('patch', 'pods').status).toBe(429);
  });

  test('a bad `only` entry is rejected, naming it and listing what is valid', () => {
    const verbs = 'get, list, watch, create, update, patch, delete, deletecollection, *';
    expect(() => new FaultInjector({ only: ['get pods', 'pach statefulsets'] })).toThrow(
      `faults.only[1]: invalid value "pach statefulsets": unknown verb "pach"; valid verbs: ${verbs}`);
    expect(() => new FaultInjector({ only: ['patch sts'] })).toThrow(
      'faults.only[0]: invalid value "patch sts": unknown resource "sts"; valid resources: namespaces, nodes, pods, services, '
      + 'persistentvolumeclaims, persistentvolumes, configmaps, secrets, serviceaccounts, events, statefulsets, daemonsets, controllerrevisions, '
      + 'poddisruptionbudgets, leases, roles, rolebindings, clusterroles, clusterrolebindings, *');
    expect(() => new FaultInjector({ only: ['patch'] })).toThrow(
      `faults.only[0]: invalid value "patch": expected "<verb> <resource>" such as "patch statefulsets"; verbs: ${verbs}; resources: namespaces,`);
    expect(() => new FaultInjector({ only: [''] })).toThrow('faults.only[0]: invalid value "": expected "<verb> <resource>"');
    expect(() => new FaultInjector({ only: ['patch pods/scale'] })).toThrow(
      'faults.only[0]: invalid value "patch pods/scale": unknown subresource "scale" of "pods"; valid subresources: status');
    expect(() => new FaultInjector({ only: ['patch statefulsets/status/x'] })).toThrow(
      'unknown subresource "status/x" of "statefulsets"; valid subresources: status, scale');
    expect(() => new FaultInjector({ only: ['get configmaps/status'] })).toThrow(
      'unknown subresource "status" of "configmaps"; "configmaps" has no subresources here');
    expect(() => new FaultInjector({ only: ['get */status'] })).toThrow(
      'unknown subresource "status" of "*"; "*" has no subresources here');
  });

  test.each([
    [{ conflictRate: 1.5 }, 'faults.conflictRate: invalid value 1.5: must be a fraction from 0 to 1'],
    [{ throttleRate: -0.1 }, 'faults.throttleRate: invalid value -0.1: must be a fraction from 0 to 1'],
    [{ serverErrorRate: Number.NaN }, 'faults.serverErrorRate: invalid value NaN: must be a fraction from 0 to 1'],
    [{ latencyMs: -1 }, 'faults.latencyMs: invalid value -1: must be a finite number of milliseconds, 0 or more'],
    [{ latencyMs: Number.POSITIVE_INFINITY }, 'faults.latencyMs: invalid value Infinity: must be a finite number'],
    [{ dropWatchAfterEvents: 2.5 }, 'faults.dropWatchAfterEvents: invalid value 2.5: must be a whole number of events, 0 or more'],
    [{ dropWatchAfterEvents: -1 }, 'faults.dropWatchAfterEvents: invalid value -1: must be a whole number'],
    [{ seed: 0.5 }, 'faults.seed: invalid value 0.5: must be an integer'],
  ] as Array<[FaultOptions, string]>)('rejects %o: %s', (options, message) => {
    expect(() => new FaultInjector(options)).toThrow(message);
  });

  test('watches drop once they have sent the configured number of events', () => {
    const injector = new FaultInjector({ dropWatchAfterEvents: 3 });
    expect([0, 1, 2, 3, 4].map(sent => injector.shouldDropWatch(sent))).toEqual([false, false, false, true, true]);
    expect(new FaultInjector({ dropWatchAfterEvents: 0 }).shouldDropWatch(0)).toBe(true);
  });
});
