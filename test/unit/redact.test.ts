import { describe, expect, it } from 'vitest';
import { redactText, redactUrl } from '../../src/endpoints/redact';

describe('redactText', () => {
  it('masks the user info and every query value of each URL it quotes', () => {
    const text =
      "no healthy origin for served entity 'a': http://u:pw@10.0.0.1:9/v?token=tok-1&x=2 GET /health failed; " +
      'https://h.example/p?key=k-2, and (http://h2.example?sig=s-3).';
    const out = redactText(text);
    for (const secret of ['pw', 'tok-1', 'k-2', 's-3']) expect(out).not.toContain(secret);
    expect(out).toBe(
      "no healthy origin for served entity 'a': http://***@10.0.0.1:9/v?token=***&x=*** GET /health failed; " +
        'https://h.example/p?key=***, and (http://h2.example/?sig=***).',
    );
  });

  it('leaves URLs without credentials, and text without URLs, as they are', () => {
    expect(redactText('http://127.0.0.1:9 GET /health timed out after 3000 ms')).toBe(
      'http://127.0.0.1:9 GET /health timed out after 3000 ms',
    );
    expect(redactText('')).toBe('');
  });
});

describe('redactUrl', () => {
  it('masks a URL that does not parse by pattern', () => {
    expect(redactUrl('http://u:pw@[bad/v?token=t-1')).toBe('http://***@[bad/v?token=***');
  });
});
