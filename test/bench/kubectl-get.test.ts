import { podListAnswerMs } from '../../bench/kubectl-get';

// Lines as kubectl 1.33 logs them at -v=6 (discovery is cached, so the list is the only request).
const LOG = [
  'I1130 04:36:16.737097   12338 loader.go:402] Config loaded from file:  /tmp/sandbox-IH5tD1/kubeconfig',
  'I1130 04:36:16.759210   12338 round_trippers.go:632] "Response" verb="GET" url="http://127.0.0.1:40673/api/v1/namespaces/default/pods?limit=500" status="200 OK" milliseconds=16',
].join('\n');

describe('podListAnswerMs', () => {
  test('reads the milliseconds kubectl logged for its pod-list request', () => {
    expect(podListAnswerMs(LOG)).toBe(16);
  });

  test('adds the pages of a chunked list and ignores other requests', () => {
    const chunked = [
      LOG,
      'I1130 04:36:16.760000   12338 round_trippers.go:632] "Response" verb="GET" url="http://127.0.0.1:40673/api/v1/namespaces/default/pods?continue=abc&limit=500" status="200 OK" milliseconds=9',
      'I1130 04:36:16.700000   12338 round_trippers.go:632] "Response" verb="GET" url="http://127.0.0.1:40673/api?timeout=32s" status="200 OK" milliseconds=3',
    ].join('\n');
    expect(podListAnswerMs(chunked)).toBe(25);
  });

  test('fails when the log has no pod-list response (a failed request or a kubectl that logs differently)', () => {
    expect(() => podListAnswerMs(LOG.replace('200 OK', '500 Internal Server Error'))).toThrow(/logged no pod-list response/);
  });
});
