import { describe, expect, it } from 'vitest';
import { secretRedactor, type ProviderApi } from '../../src/external/provider';
import { providerFailure } from '../../src/protocols/external/provider-errors';
import { ChatOnAnthropicCodec } from '../../src/protocols/chat-on-anthropic/stream-codec';

const KEY = 'sk-proj-unit-test-key-0123456789abcdef';
const api: ProviderApi = { provider: 'openai', base: 'https://api.openai.com/v1', secret: 'OPENAI_API_KEY' };

describe("a provider's credential in its own error text (src/external/provider.ts)", () => {
  it('is cut out wherever it occurs, and an empty key changes nothing', () => {
    const redact = secretRedactor(KEY);
    expect(redact(`Bearer ${KEY} and again ${KEY}.`)).toBe('Bearer [secret] and again [secret].');
    expect(redact('nothing to hide')).toBe('nothing to hide');
    expect(secretRedactor('')('abc')).toBe('abc');
  });

  it('is cut out of the whole body before the message is shortened, so no prefix of it is left', () => {
    // A text body is cut to 500 characters for the message: the key starts 10 characters before the cut.
    const body = `${'.'.repeat(490)}${KEY} trailing`;
    for (const status of [400, 404, 429, 500]) {
      const error = providerFailure(api, 'ext', secretRedactor(KEY))(status, body, new Headers());
      expect(error.message).not.toContain(KEY.slice(0, 10));
      expect(error.message).toContain('[secret]');
    }
  });

  it("is cut out of a stream's events before a codec reads or shortens them", () => {
    const codec = new ChatOnAnthropicCodec({ id: 'msg_1', endpointName: 'ext', clientWantsUsage: false });
    codec.redactOrigin(secretRedactor(KEY));
    // Not JSON: the codec quotes its first 200 characters, and the key starts 10 characters before the cut.
    const out = codec.push(`event: error\ndata: ${'.'.repeat(190)}${KEY}\n\n`);
    expect(out).toContain('not JSON');
    expect(out).not.toContain(KEY.slice(0, 10));
  });
});
