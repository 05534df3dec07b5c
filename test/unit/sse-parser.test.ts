import { describe, expect, it } from 'vitest';
import { SseParser } from '../../src/protocols/shared/sse-parser';

describe('SseParser', () => {
  it('parses vLLM framing (data: with a space) and TGI framing (data: without)', () => {
    const parser = new SseParser();
    expect(parser.push('data: {"a":1}\n\ndata:{"b":2}\n\n')).toEqual([
      { kind: 'data', data: '{"a":1}' },
      { kind: 'data', data: '{"b":2}' },
    ]);
  });

  it('holds back an event split across chunks until its blank line arrives', () => {
    const parser = new SseParser();
    expect(parser.push('data: {"tok')).toEqual([]);
    expect(parser.push('en":"hi"}\n')).toEqual([]);
    expect(parser.push('\ndata: [DONE]\n\n')).toEqual([
      { kind: 'data', data: '{"token":"hi"}' },
      { kind: 'data', data: '[DONE]' },
    ]);
  });

  it('accepts CRLF, joins multi-line data, keeps comments and event names', () => {
    const parser = new SseParser();
    expect(parser.push(':\r\n\r\nevent: error\r\ndata: a\r\ndata: b\r\n\r\n')).toEqual([
      { kind: 'comment', text: '' },
      { kind: 'data', data: 'a\nb', event: 'error' },
    ]);
  });

  it('flushes a final event that lacks its blank line', () => {
    const parser = new SseParser();
    parser.push('data: {"x":1}');
    expect(parser.flush()).toEqual([{ kind: 'data', data: '{"x":1}' }]);
    expect(parser.flush()).toEqual([]);
  });
});
