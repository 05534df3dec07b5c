import { describe, expect, it } from 'vitest';
import { CATEGORY_CODES } from '../../src/endpoints/guardrail-categories';
import { chatConversation, withAnswer } from '../../src/guardrails/conversation';
import { GuardAnswerError, parseVerdict } from '../../src/guardrails/verdict';

describe('Llama Guard verdicts', () => {
  it('reads safe and unsafe answers (surrounding whitespace aside)', () => {
    expect(parseVerdict('safe', CATEGORY_CODES)).toEqual({ safe: true });
    expect(parseVerdict('\n\nsafe\n', CATEGORY_CODES)).toEqual({ safe: true });
    expect(parseVerdict('unsafe\nS1', CATEGORY_CODES)).toEqual({ safe: false, categories: ['S1'] });
    expect(parseVerdict(' unsafe\nS1,S10,S14 ', CATEGORY_CODES)).toEqual({
      safe: false,
      categories: ['S1', 'S10', 'S14'],
    });
  });

  it('refuses anything else, without quoting it', () => {
    for (const answer of [
      '',
      'Safe',
      'safe.',
      'unsafe',
      'unsafe\n',
      'unsafe S1',
      'unsafe\nS1, S2',
      'unsafe\nS15',
      'unsafe\nS0',
      'unsafe\ns1',
      'safe\nS1',
      'unsafe\nS1\nmore',
      'The user wants to hurt someone',
    ]) {
      expect(() => parseVerdict(answer, CATEGORY_CODES), JSON.stringify(answer)).toThrow(GuardAnswerError);
    }
    expect(() => parseVerdict('The user wants to hurt someone', CATEGORY_CODES)).toThrow(/\(30 characters\)/);
    expect(() => parseVerdict('The user wants to hurt someone', CATEGORY_CODES)).not.toThrow(/hurt/);
  });

  it('refuses a category the guard was not asked about', () => {
    expect(() => parseVerdict('unsafe\nS3', ['S1', 'S2'])).toThrow(
      'the guard named category S3, which it was not asked about',
    );
  });
});

describe('conversations', () => {
  it('maps chat roles to User and Agent, merging consecutive turns and keeping tool-call arguments', () => {
    const turns = chatConversation([
      { role: 'system', content: 'Rules' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Hi' },
          { type: 'image_url', image_url: { url: 'x' } },
        ],
      },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
      },
      { role: 'tool', content: 'result' },
    ]);
    expect(turns).toEqual([
      { role: 'User', content: 'Rules\n\nHi' },
      { role: 'Agent', content: '{"a":1}' },
      { role: 'User', content: 'result' },
    ]);
    expect(withAnswer(turns, 'Done')).toHaveLength(4);
    expect(withAnswer(turns, '')).toHaveLength(3);
  });
});
