/**
 * Names the worker suite's emulator also serves its chat model under (vLLM's
 * `--served-model-name`): an endpoint so named needs no model rename, so its streams
 * pass through natively when the client asks for usage (src/proxy/pass-through.ts).
 * One per test that needs an endpoint of its own (an endpoint's name is unique).
 */
export const SERVED_NAMES = [
  'served-plain',
  'served-instream',
  'served-drop',
  'served-idle',
  'served-left',
  'served-total',
  'served-revoked',
  'served-held',
  'served-spaced',
] as const;
