import { describe, expect, it } from 'vitest';
import { ERROR_LINE, isErrorData } from '../../src/protocols/shared/error-data';

describe('isErrorData', () => {
  it('takes compact and spaced error objects for errors', () => {
    for (const data of [
      '{"error":{"message":"boom"}}',
      '{"error": "Unauthorized"}',
      '{ "error": {"message": "boom"} }',
      '{\n  "error" : 1}',
      '{\t"error":null}',
    ]) {
      expect(isErrorData(data), data).toBe(true);
    }
  });

  it('does not take other objects, or text that merely mentions an error, for errors', () => {
    for (const data of [
      '{"errors":[]}',
      '{ "errors": [] }',
      '{"id":"c1","choices":[{"delta":{"content":"{\\"error\\": no"}}]}',
      '{ "id": "c1", "error_count": 0 }',
      '[DONE]',
      '',
      'error',
    ]) {
      expect(isErrorData(data), data).toBe(false);
    }
  });
});

describe('ERROR_LINE', () => {
  it('finds a line opening an error anywhere in a batch of events, and nothing else', () => {
    const token = 'data: {"choices":[{"delta":{"content":"data: {\\"error\\": x"}}]}\n\n';
    expect(ERROR_LINE.test(token)).toBe(false);
    expect(ERROR_LINE.test(token + 'data: { "error": {"message":"boom"}}\n\n')).toBe(true);
    expect(ERROR_LINE.test(token + 'data:{"error":"x"}\n\n')).toBe(true);
    expect(ERROR_LINE.test(token + 'event: error\ndata: {"message":"boom"}\n\n')).toBe(true);
    expect(ERROR_LINE.test(token + 'event: errors\n\n')).toBe(false);
  });
});
