import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fintecture } from '../../src/providers/fintecture/index.js';
import { flinks } from '../../src/providers/flinks/index.js';
import { powens } from '../../src/providers/powens/index.js';
import { powerauth } from '../../src/providers/powerauth/index.js';

const SECRET = 'Sup3rS3cretValue42';
const KEY = btoa(String.fromCharCode(...new Uint8Array(32).fill(7)));

describe('a provider object never shows its secrets when logged or serialized', () => {
  it.each([
    ['fintecture', () => fintecture({ appId: 'app', appSecret: SECRET, baseUrl: 'http://127.0.0.1:9' }), SECRET],
    ['flinks', () => flinks({ customerId: '43387ca6-0391-4c82-857d-70d95f087ecb', baseUrl: 'http://127.0.0.1:9', authKey: SECRET, apiKey: `${SECRET}-api` }), SECRET],
    ['powens', () => powens({ baseUrl: 'http://127.0.0.1:9/2.0', clientId: '123456', clientSecret: SECRET }), SECRET],
    ['powerauth', () => powerauth({ baseUrl: 'http://127.0.0.1:9', passwordEncryption: { key: KEY } } as never), KEY],
  ] as const)('%s', (_id, make, secret) => {
    const provider = make();
    expect(provider.secrets).toContain(secret); // the core still reads them
    expect(inspect(provider, { depth: 10 })).not.toContain(secret);
    expect(JSON.stringify(provider) ?? '').not.toContain(secret);
    expect(Object.keys(provider)).not.toContain('secrets');
  });
});
