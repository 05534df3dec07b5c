// The API keys the provider flavours (`/openai`, `/anthropic`) accept. The router's
// tests give these to the worker as secrets, so a request only succeeds when the
// router sent the provider's key (and not the client's).

export type ProviderKeys = { openai: string[]; anthropic: string[] };

export const EMULATOR_OPENAI_KEY = 'sk-proj-emulated-openai-0123456789abcdef';
export const EMULATOR_ANTHROPIC_KEY = 'sk-ant-api03-emulated-anthropic-0123456789abcdef';

export const DEFAULT_PROVIDER_KEYS: ProviderKeys = {
  openai: [EMULATOR_OPENAI_KEY],
  anthropic: [EMULATOR_ANTHROPIC_KEY],
};

/** OpenAI's way of quoting a wrong key in its 401: the first and last characters only. */
export function maskKey(key: string): string {
  return key.length > 8 ? `${key.slice(0, 3)}*****${key.slice(-4)}` : '*****';
}
