import { describe, expect, it } from 'vitest';
import { checkDispatcherConfig } from './config.load.js';

const backend = (extra: object) => ({ name: 'ol', baseUrl: 'http://10.0.0.9:11434', kind: 'ollama', tier: 'overflow', models: ['llama3'], slots: 2, ...extra });

describe('backend kinds in the configuration', () => {
  it('accepts an Ollama server root and refuses the /api base URL its documentation shows', () => {
    expect(checkDispatcherConfig({ backends: [backend({})] }).ok).toBe(true);
    expect(checkDispatcherConfig({ backends: [backend({ baseUrl: 'http://10.0.0.9:11434/api/' })] })).toEqual({
      ok: false,
      problems: ['backends[0].baseUrl: must be the Ollama server root without /api (the dispatcher adds /api/... and /v1/... itself)'],
    });
  });

  it('leaves an /api path alone on other kinds (a proxy may mount a server there)', () => {
    expect(checkDispatcherConfig({ backends: [backend({ kind: 'vllm', baseUrl: 'http://10.0.0.9:8000/api' })] }).ok).toBe(true);
  });
});
