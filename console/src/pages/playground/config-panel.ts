// The playground's configuration panel: the endpoint to chat with (narrowed by region for platform
// sessions), the sampling numbers, stop sequences and system prompt. These belong to the page only.

import { clearFieldErrors, field, h, replace, showFieldError } from '../../dom';
import type { ChatSettings } from '../../settings';
import type { Defaults } from '../../types';
import type { EndpointChoice } from './endpoints';
import { state } from './state';

const NUMBER_FIELDS: Array<{
  name: keyof ChatSettings;
  label: string;
  min: number;
  max?: number;
  step: string;
  integer?: boolean;
}> = [
  { name: 'temperature', label: 'Temperature', min: 0, max: 2, step: '0.1' },
  { name: 'max_tokens', label: 'Max tokens', min: 1, step: '1', integer: true },
  { name: 'top_p', label: 'Top P', min: 0, max: 1, step: '0.05' },
  { name: 'top_k', label: 'Top K', min: -1, step: '1', integer: true },
  { name: 'presence_penalty', label: 'Presence penalty', min: -2, max: 2, step: '0.1' },
  { name: 'frequency_penalty', label: 'Frequency penalty', min: -2, max: 2, step: '0.1' },
];

/** What the panel's changes redraw elsewhere on the page. */
export interface PanelHooks {
  /** The chosen endpoint changed: Send needs one. */
  endpointChanged(): void;
  /** The request the API view shows changed. */
  requestChanged(): void;
}

export class ConfigPanel {
  readonly form = h('form', { class: 'card panel', 'aria-label': 'Configuration', novalidate: true });
  private readonly endpointSelect = h('select', { name: 'endpoint' });

  constructor(
    private readonly endpoints: EndpointChoice[],
    private readonly hooks: PanelHooks,
  ) {
    const regions = [...new Set(this.endpoints.flatMap((e) => e.regions))].sort();
    const regionSelect = h(
      'select',
      { name: 'region' },
      h('option', { value: '' }, 'Any region'),
      regions.map((r) => h('option', { value: r }, r)),
    );
    regionSelect.value = state.region;
    regionSelect.addEventListener('change', () => {
      state.region = regionSelect.value;
      this.fillEndpoints();
    });
    this.endpointSelect.addEventListener('change', () => {
      state.endpoint = this.endpointSelect.value;
      this.fillPlaceholders();
      this.hooks.endpointChanged();
      this.hooks.requestChanged();
    });
    this.fillEndpoints();

    const numbers = NUMBER_FIELDS.map((f) => {
      const input = h('input', {
        type: 'number',
        name: f.name,
        min: f.min,
        max: f.max ?? null,
        step: f.step,
        inputmode: f.integer ? 'numeric' : 'decimal',
        value: state.settings[f.name] === undefined ? '' : String(state.settings[f.name]),
      });
      return field(f.label, input, { name: f.name });
    });
    const stop = h('textarea', { name: 'stop', rows: 2, placeholder: 'One per line' });
    stop.value = (state.settings.stop ?? []).join('\n');
    const system = h('textarea', { name: 'system_prompt', rows: 4 });
    system.value = state.settings.system_prompt ?? '';
    const reset = h(
      'button',
      { type: 'button', class: 'secondary small', onclick: () => this.resetSettings() },
      'Reset to endpoint defaults',
    );

    replace(
      this.form,
      h('h2', null, 'Configuration'),
      regions.length
        ? field('Region', regionSelect, { name: 'region', hint: 'Endpoints with an origin in this region.' })
        : null,
      field('Model (endpoint)', this.endpointSelect, { name: 'model' }),
      h('div', { class: 'grid2' }, numbers),
      field('Stop sequences', stop, { name: 'stop' }),
      field('System prompt', system, { name: 'system_prompt' }),
      h(
        'p',
        { class: 'hint' },
        'Blank fields use the endpoint’s defaults. These settings belong to this page only; they never change the endpoint.',
      ),
      h('div', { class: 'actions' }, reset),
    );
    this.form.addEventListener('input', () => {
      this.readSettings();
      this.hooks.requestChanged();
    });
    this.fillPlaceholders();
  }

  /** Reads the panel into state.settings; marks out-of-range numbers. False when one is invalid. */
  readSettings(): boolean {
    clearFieldErrors(this.form);
    const settings: ChatSettings = {};
    let ok = true;
    for (const f of NUMBER_FIELDS) {
      const input = this.form.querySelector<HTMLInputElement>(`[name="${f.name}"]`)!;
      const raw = input.value.trim();
      // Text the browser cannot read as a number ("1e", "-") leaves the value empty: marked, not taken as blank.
      if (!raw && !input.validity.badInput) continue;
      const value = raw ? Number(raw) : NaN;
      const bad =
        !Number.isFinite(value) ||
        value < f.min ||
        (f.max !== undefined && value > f.max) ||
        (f.integer && !Number.isInteger(value));
      if (bad) {
        ok = false;
        const range = f.max !== undefined ? `between ${f.min} and ${f.max}` : `at least ${f.min}`;
        showFieldError(this.form, f.name, `Must be ${f.integer ? 'a whole number ' : ''}${range}.`);
        continue;
      }
      (settings as Record<string, number>)[f.name] = value;
    }
    const stop = this.form
      .querySelector<HTMLTextAreaElement>('[name="stop"]')!
      .value.split('\n')
      .filter((s) => s.length > 0);
    if (stop.length) settings.stop = stop;
    const system = this.form.querySelector<HTMLTextAreaElement>('[name="system_prompt"]')!.value;
    if (system.trim()) settings.system_prompt = system;
    state.settings = settings;
    return ok;
  }

  /** Marks the setting a request was refused for (the error's `param`). */
  showSettingError(param: string, message: string): void {
    showFieldError(this.form, param, message);
  }

  private fillEndpoints(): void {
    const shown = this.endpoints.filter((e) => !state.region || e.regions.includes(state.region));
    if (!shown.some((e) => e.name === state.endpoint)) state.endpoint = shown[0]?.name ?? '';
    replace(
      this.endpointSelect,
      shown.length
        ? shown.map((e) => h('option', { value: e.name }, e.name))
        : h('option', { value: '' }, 'No endpoint'),
    );
    this.endpointSelect.value = state.endpoint;
    this.fillPlaceholders();
    this.hooks.endpointChanged();
  }

  /** The endpoint's own defaults (known to platform sessions) as placeholders: what a blank field means. */
  private fillPlaceholders(): void {
    const defaults = this.endpoints.find((e) => e.name === state.endpoint)?.defaults ?? {};
    for (const f of NUMBER_FIELDS) {
      const input = this.form.querySelector<HTMLInputElement>(`[name="${f.name}"]`);
      const value = defaults[f.name as keyof Defaults];
      if (input) input.placeholder = value === undefined ? 'default' : `default: ${String(value)}`;
    }
    const system = this.form.querySelector<HTMLTextAreaElement>('[name="system_prompt"]');
    if (system) system.placeholder = defaults.system_prompt ? `default: ${defaults.system_prompt}` : 'None';
  }

  private resetSettings(): void {
    state.settings = {};
    for (const control of this.form.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>(
      'input[type="number"], textarea',
    ))
      control.value = '';
    clearFieldErrors(this.form);
    this.hooks.requestChanged();
  }
}
