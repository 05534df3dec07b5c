import { afterEach, describe, expect, it, vi } from 'vitest';
import { logRequest, type RequestLogLine } from '../../src/metrics/request-log';

const line = (status: number, outcome: RequestLogLine['outcome']): RequestLogLine => ({
  request_id: 'r',
  key_id: 'k',
  endpoint: 'e',
  served_entity: 's',
  stream: false,
  status,
  outcome,
  prompt_tokens: 1,
  completion_tokens: 2,
  ttfb_ms: 3,
  duration_ms: 4,
});

describe('the request log line (REQUEST_LOG)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('logs every request with "all", only those that did not complete with "failures", none with "off"', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const requests = [line(200, 'completed'), line(502, 'failed'), line(200, 'aborted'), line(401, 'completed')];
    const logged = (mode: 'all' | 'failures' | 'off') => {
      log.mockClear();
      for (const r of requests) logRequest(r, mode);
      return log.mock.calls.map(([text]) => JSON.parse(String(text)) as { status: number; outcome: string });
    };
    expect(logged('all')).toHaveLength(4);
    expect(logged('failures').map((l) => `${l.status} ${l.outcome}`)).toEqual([
      '502 failed',
      '200 aborted',
      '401 completed',
    ]);
    expect(logged('off')).toEqual([]);
    logRequest(line(200, 'completed'), 'all');
    expect(JSON.parse(String(log.mock.calls.at(-1)![0]))).toMatchObject({ msg: 'request', status: 200, key_id: 'k' });
  });
});
