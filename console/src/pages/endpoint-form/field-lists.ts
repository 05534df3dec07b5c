// The default-parameter and timeout fields, listed once for both their inputs and the config they become.

export const DEFAULT_FIELDS: Array<{ name: string; label: string; kind: 'number' | 'integer' | 'text' | 'stop' }> = [
  { name: 'temperature', label: 'Temperature', kind: 'number' },
  { name: 'max_tokens', label: 'Max tokens', kind: 'integer' },
  { name: 'top_p', label: 'Top P', kind: 'number' },
  { name: 'top_k', label: 'Top K', kind: 'integer' },
  { name: 'presence_penalty', label: 'Presence penalty', kind: 'number' },
  { name: 'frequency_penalty', label: 'Frequency penalty', kind: 'number' },
  { name: 'stop', label: 'Stop sequences (one per line)', kind: 'stop' },
  { name: 'system_prompt', label: 'System prompt', kind: 'text' },
];
export const TIMEOUT_FIELDS = [
  { name: 'first_byte_ms', label: 'First byte (ms)' },
  { name: 'idle_ms', label: 'Idle between chunks (ms)' },
  { name: 'total_ms', label: 'Total (ms)' },
];
