// Deterministic fake tokenizer and generator.
//
// Prompt tokens = whitespace-separated words (min 1). The answer walks a fixed
// 34-word cycle, starting at an offset chosen by a hash of the prompt: 12 word
// tokens, then one EOS token (counted in generated/completion tokens like real
// servers, but never shown as text). "photographer" recurs at most 12 words apart, so
// it always appears within the first 12 tokens — handy for stop sequences.

export type Tok = { id: number; text: string; logprob: number; special: boolean };

export const NATURAL_LENGTH = 12;
export const EOS: Readonly<Tok> = { id: 128009, text: '<|eot_id|>', logprob: -0.0123, special: true };

const CYCLE = [
  'I',
  'am',
  'a',
  'professional',
  'photographer',
  'based',
  'in',
  'Paris',
  'and',
  'I',
  'love',
  'my',
  'work',
  'as',
  'a',
  'photographer',
  'because',
  'every',
  'picture',
  'tells',
  'a',
  'story',
  'about',
  'light',
  'and',
  'the',
  'photographer',
  'who',
  'waits',
  'for',
  'the',
  'right',
  'moment',
  '.',
];
const ALTERNATES = ['the', 'an', 'this', 'that', 'our', 'one', 'some', 'his', 'her', 'its'];

/** FNV-1a, 32 bit. */
export function hash32(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function countWords(text: string): number {
  return Math.max(1, text.split(/\s+/).filter(Boolean).length);
}

export function tokenId(word: string): number {
  return 1000 + (hash32(word) % 30000);
}

function logprobFor(h: number, i: number): number {
  const x = hash32(String(i), h) % 1901; // 0..1900
  return -Math.round(100 + x) / 1000; // -2.0 .. -0.1
}

function wordToken(word: string, h: number, i: number): Tok {
  const text = /^[.,;:!?]$/.test(word) ? word : ` ${word}`;
  return { id: tokenId(word), text, logprob: logprobFor(h, i), special: false };
}

/** The i-th raw token for a prompt (EOS at index NATURAL_LENGTH unless ignoreEos). */
export function tokenAt(prompt: string, i: number, ignoreEos = false, salt = ''): Tok {
  const h = hash32(prompt + salt);
  if (i === NATURAL_LENGTH && !ignoreEos) return { ...EOS };
  const word = CYCLE[(h + i) % CYCLE.length] ?? 'a';
  return wordToken(word, h, i);
}

/** `n` candidates for a position: the chosen token first, then lower-probability alternates. */
export function topCandidates(tok: Tok, n: number): Tok[] {
  const out: Tok[] = n > 0 ? [tok] : [];
  const base = hash32(tok.text);
  for (let k = 1; out.length < n && k <= ALTERNATES.length; k++) {
    const word = ALTERNATES[(base + k) % ALTERNATES.length] ?? 'the';
    if (` ${word}` === tok.text) continue;
    out.push({
      id: tokenId(word),
      text: ` ${word}`,
      logprob: Math.round((tok.logprob - 0.75 * k) * 1000) / 1000,
      special: false,
    });
  }
  return out;
}

export type Finish = 'eos' | 'length' | 'stop';

export type GenOptions = {
  maxTokens: number;
  stop?: string[];
  /** vllm: stop matched anywhere, text cut before it (or after it with includeStop). tgi: text must END with the stop, which stays. */
  style: 'vllm' | 'tgi';
  includeStop?: boolean;
  ignoreEos?: boolean;
  salt?: string;
};

export type Generation = {
  tokens: Tok[];
  /** Visible text contributed by each token (EOS gives ''); pieces.join('') === text. */
  pieces: string[];
  text: string;
  finish: Finish;
  stopMatched: string | null;
};

function findStop(
  text: string,
  from: number,
  stops: string[],
  atEndOnly: boolean,
): { at: number; stop: string } | null {
  let best: { at: number; stop: string } | null = null;
  for (const stop of stops) {
    if (!stop) continue;
    if (atEndOnly) {
      if (text.endsWith(stop)) return { at: text.length - stop.length, stop };
      continue;
    }
    const at = text.indexOf(stop, Math.max(0, from - stop.length + 1));
    if (at >= 0 && (best === null || at < best.at)) best = { at, stop };
  }
  return best;
}

/**
 * `<<say-unsafe:S<n>@<k>>>` in a prompt makes the k-th generated token (from 0) the
 * Llama Guard marker `<<unsafe:S<n>>>`, so output guardrails have something to find.
 */
const SAY_UNSAFE = /<<say-unsafe:(S\d{1,2})@(\d+)>>/;

export function generate(prompt: string, o: GenOptions): Generation {
  const say = SAY_UNSAFE.exec(prompt);
  const tokens: Tok[] = [];
  const pieces: string[] = [];
  const stops = o.stop ?? [];
  let full = '';
  const done = (finish: Finish, stopMatched: string | null = null): Generation => ({
    tokens,
    pieces,
    text: pieces.join(''),
    finish,
    stopMatched,
  });
  for (let i = 0; i < o.maxTokens; i++) {
    const tok =
      say && i === Number(say[2]) ? wordToken(`<<unsafe:${say[1]}>>`, 0, i) : tokenAt(prompt, i, o.ignoreEos, o.salt);
    tokens.push(tok);
    if (tok.special) {
      pieces.push('');
      return done('eos');
    }
    const prevLen = full.length;
    full += tok.text;
    const m = findStop(full, prevLen, stops, o.style === 'tgi');
    if (m) {
      if (o.style === 'tgi') {
        pieces.push(tok.text);
      } else {
        const cut = o.includeStop ? m.at + m.stop.length : m.at;
        pieces.push(cut > prevLen ? full.slice(prevLen, cut) : '');
      }
      return done('stop', m.stop);
    }
    pieces.push(tok.text);
  }
  return done('length');
}

/** Deterministic pseudo-random seed reported by TGI when sampling without an explicit seed. */
export function seedFor(prompt: string): number {
  return hash32(prompt, 0x9e3779b9) * 1024 + (hash32(prompt) % 1024);
}

/** The text of a chat conversation, as the fake tokenizer sees it (string and text-part contents, joined). */
export function messagesText(messages: unknown[]): string {
  const parts: string[] = [];
  for (const m of messages) {
    if (typeof m !== 'object' || m === null) continue;
    const content = (m as { content?: unknown }).content;
    if (typeof content === 'string') parts.push(content);
    else if (Array.isArray(content)) {
      for (const p of content) {
        const t = (p as { text?: unknown } | null)?.text;
        if (typeof t === 'string') parts.push(t);
      }
    }
  }
  return parts.join('\n');
}
