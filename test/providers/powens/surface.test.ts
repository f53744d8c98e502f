import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isValidationError, type Challenge } from '../../../src/index.js';
import { WEBAUTH_CONNECTOR_UUID } from '../../../src/testing/index.js';
import { POWENS_TEST_CONNECTOR, drive, failure, fields, otp, startPowens, type PowensHarness } from './helpers.js';

let h: PowensHarness;
beforeAll(async () => {
  h = await startPowens();
});
afterAll(async () => {
  await h.server.close();
});
beforeEach(() => {
  h.sim.reset();
});

const REDIRECT = 'https://app.example/powens/callback';

async function linked(scenario = 'par') {
  const conn = h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields(scenario) });
  await drive(conn, otp());
  return conn;
}

async function browse(url: string): Promise<string> {
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return res.headers.get('location') as string;
}

describe('account holders (Powens Check account ownerships)', () => {
  it('holders() lists each person once, with the roles and accounts they hold', async () => {
    const conn = await linked();
    const holders = await conn.holders();
    expect(holders.map((holder) => holder.name)).toEqual(['DUPONT Marie', 'DUPONT Jean']);
    const accounts = await conn.accounts();
    const checking = accounts.find((a) => a.name === 'Compte chèque');
    expect(holders[0]?.raw).toEqual({ full_name: 'DUPONT Marie', roles: ['holder'], accounts: accounts.map((a) => a.id), is_user: true });
    expect(holders[1]?.raw).toMatchObject({ roles: ['holder'], accounts: [checking?.id], is_user: false });
    expect(h.sim.received('ListAccountOwnerships')[0]?.path).toBe(`/2.0/users/me/connections/${conn.ref?.connectionId}/account_ownerships`);
  });

  it('a domain without Check (404) is a ValidationError that says so', async () => {
    const conn = await linked();
    h.sim.state.options.accountOwnerships = false;
    const error = await conn.holders().catch((e: unknown) => e);
    expect(isValidationError(error)).toBe(true);
    expect(error).toMatchObject({ status: 404, endpoint: 'ListAccountOwnerships' });
    expect(String((error as Error).message)).toMatch(/Powens Check/);
  });
});

describe('enabling and disabling accounts (conn.actions)', () => {
  it('new accounts are disabled; enableAccounts syncs the chosen ones, disableAccounts stops them', async () => {
    const conn = await linked();
    const accounts = await conn.accounts();
    expect(accounts.every((a) => a.status === 'disabled')).toBe(true);
    const [checking, usd] = accounts;
    const enabled = await conn.actions.enableAccounts({ accountIds: [checking?.id as string, usd?.id as string] });
    expect(enabled.map((a) => [a.id, a.status])).toEqual([
      [checking?.id, 'active'],
      [usd?.id, 'active'],
    ]);
    expect(h.sim.received('UpdateAccount').map((r) => [r.method, r.path, r.query, r.body])).toEqual([
      ['POST', `/2.0/users/me/accounts/${checking?.id}`, { all: '' }, { disabled: false }],
      ['POST', `/2.0/users/me/accounts/${usd?.id}`, { all: '' }, { disabled: false }],
    ]);
    let count = 0;
    for await (const tx of conn.transactions(checking?.id as string)) count += tx.amount.amount === '' ? 0 : 1;
    expect(count).toBeGreaterThan(20);

    const disabled = await conn.actions.disableAccounts({ accountIds: [usd?.id as string] });
    expect(disabled.map((a) => [a.id, a.status])).toEqual([[usd?.id, 'disabled']]);
    expect((await conn.accounts()).filter((a) => a.status === 'active').map((a) => a.id)).toEqual([checking?.id]);
  });

  it("another connection's account, or no account, is refused before anything is changed", async () => {
    const conn = await linked();
    const ref = conn.ref as { connectionId: number; userId: number };
    const other = h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: { ...fields('pro'), login: 'second' }, user: { id: ref.userId } });
    await drive(other);
    const [foreign] = await other.accounts();
    const error = await conn.actions.enableAccounts({ accountIds: [foreign?.id as string] }).catch((e: unknown) => e);
    expect(isValidationError(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(/does not belong to connection/);
    const empty = await conn.actions.enableAccounts({ accountIds: [] }).catch((e: unknown) => e);
    expect(String((empty as Error).message)).toMatch(/at least one account id/);
    const malformed = await conn.actions.enableAccounts({ accountIds: ['12; DROP'] }).catch((e: unknown) => e);
    expect(String((malformed as Error).message)).toMatch(/accountIds\.0/);
    expect(h.sim.count('UpdateAccount')).toBe(0);
  });
});

describe('deleting the Powens user (conn.actions.deleteUser)', () => {
  it('deletes the user and every connection it has', async () => {
    const conn = await linked();
    const ref = conn.ref as { connectionId: number; userId: number };
    await conn.actions.deleteUser(undefined);
    expect(h.sim.state.users.get(ref.userId)?.deleted).toBe(true);
    expect(h.sim.state.connections.size).toBe(0);
  });
});

describe('webauth connections (a connector that signs in on the bank page)', () => {
  it('a webauth-only connector: redirect to the bank, back with the new connection, active', async () => {
    const conn = h.bank({ powens: { redirectUri: REDIRECT } }).connect('powens', { connector: WEBAUTH_CONNECTOR_UUID });
    const iterator = conn.authenticate();
    const challenge = (await iterator.next()).value as Challenge;
    if (challenge.type !== 'redirect') throw new Error(`expected a redirect, got ${challenge.type}`);
    expect(h.sim.received('GetWebauthUrl')[0]?.query).toMatchObject({ connector_uuid: WEBAUTH_CONNECTOR_UUID, redirect_uri: REDIRECT, state: challenge.state });
    expect(h.sim.count('CreateConnection')).toBe(0);
    const callback = await browse(challenge.url);
    expect(callback).toMatch(new RegExp(`^${REDIRECT}\\?id_connection=\\d+&state=${challenge.state}$`));
    challenge.answer({ callback });
    expect((await iterator.next()).done).toBe(true);
    expect(conn.status.status).toBe('active');
    expect(conn.ref?.connectionId).toBe(Number(new URL(callback).searchParams.get('id_connection')));
    expect(await conn.accounts()).toHaveLength(9);
  });

  it('left at the redirect, bank.resume(checkpoint, { callback }) finishes it in another process', async () => {
    const options = { powens: { redirectUri: REDIRECT }, checkpoints: { signingKey: 'a-signing-key-for-powens-webauth-tests' } };
    const conn = h.bank(options).connect('powens', { connector: WEBAUTH_CONNECTOR_UUID });
    let url = '';
    for await (const c of conn.authenticate()) {
      if (c.type === 'redirect') url = c.url;
      break;
    }
    const checkpoint = JSON.parse(JSON.stringify(await conn.checkpoint()));
    expect(checkpoint.state).toMatchObject({ phase: 'webauth', connector: WEBAUTH_CONNECTOR_UUID, userCreated: true });
    for (const token of h.sim.state.issuedTokens) expect(JSON.stringify(checkpoint)).not.toContain(token);
    const resumed = await h.bank(options).resume(checkpoint, { callback: await browse(url) });
    expect(resumed.status.status).toBe('active');
    expect(await resumed.accounts()).toHaveLength(9);
    expect(h.sim.count('DeleteUser')).toBe(0);
  });

  it('authMechanism webauth on a connector that offers both; fields are refused for it', async () => {
    const conn = h.bank({ powens: { redirectUri: REDIRECT } }).connect('powens', { connector: POWENS_TEST_CONNECTOR, authMechanism: 'webauth' });
    const iterator = conn.authenticate();
    const challenge = (await iterator.next()).value as Challenge;
    if (challenge.type !== 'redirect') throw new Error(`expected a redirect, got ${challenge.type}`);
    expect(h.sim.received('GetWebauthUrl')[0]?.query).toMatchObject({ connector_uuid: POWENS_TEST_CONNECTOR });
    challenge.answer({ callback: await browse(challenge.url) });
    expect((await iterator.next()).done).toBe(true);
    expect(conn.status.status).toBe('active');
    expect(h.sim.count('CreateConnection')).toBe(0);
    const again = h.bank({ powens: { redirectUri: REDIRECT } }).connect('powens', { connector: POWENS_TEST_CONNECTOR, authMechanism: 'webauth', fields: fields('par') });
    const error = await failure(again);
    expect(isValidationError(error)).toBe(true);
    expect(String(error.message)).toMatch(/fields: a webauth connection takes no fields/);
  });

  it("a callback naming another of the user's connections is refused, and that connection is left alone", async () => {
    const mine = await linked();
    const ref = mine.ref as { connectionId: number; userId: number };
    const conn = h.bank({ powens: { redirectUri: REDIRECT } }).connect('powens', { connector: WEBAUTH_CONNECTOR_UUID, user: { id: ref.userId } });
    const iterator = conn.authenticate();
    const challenge = (await iterator.next()).value as Challenge;
    if (challenge.type !== 'redirect') throw new Error('expected a redirect');
    challenge.answer({ callback: `${REDIRECT}?id_connection=${ref.connectionId}&state=${challenge.state}` });
    await expect(iterator.next()).rejects.toMatchObject({ kind: 'ProviderResponseError', field: 'id_connection' });
    expect(h.sim.state.connections.has(ref.connectionId)).toBe(true);
    expect(h.sim.count('DeleteConnection') + h.sim.count('DeleteUser')).toBe(0);
  });

  it('the bank refuses: auth_rejected, and the user created for it is deleted', async () => {
    h.sim.state.options.webauthOutcome = 'access_denied';
    const conn = h.bank({ powens: { redirectUri: REDIRECT } }).connect('powens', { connector: WEBAUTH_CONNECTOR_UUID });
    const iterator = conn.authenticate();
    const challenge = (await iterator.next()).value as Challenge;
    if (challenge.type !== 'redirect') throw new Error('expected a redirect');
    challenge.answer({ callback: await browse(challenge.url) });
    await expect(iterator.next()).rejects.toMatchObject({ reason: 'auth_rejected', providerCode: 'access_denied' });
    expect(h.sim.count('DeleteUser')).toBe(1);
  });

  it('without a redirectUri: ConfigurationError before any user is created', async () => {
    const error = await failure(h.bank().connect('powens', { connector: WEBAUTH_CONNECTOR_UUID }));
    expect(error).toMatchObject({ kind: 'ConfigurationError' });
    expect(h.sim.state.received.map((r) => r.endpoint)).toEqual(['GetConnector']);
  });
});

describe('request ids', () => {
  it('error.requestId is the request_id of the Powens error body', async () => {
    const error = await failure(h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('wrongpass') }));
    expect(error).toMatchObject({ reason: 'invalid_credentials', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    h.sim.reset();
    h.sim.inject({ endpoint: 'CreateConnection', kind: 'status', status: 400, body: JSON.stringify({ code: 'actionNeeded', message: 'Accept the terms', request_id: 'req-8812' }) });
    expect(await failure(h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('par') }))).toMatchObject({ reason: 'action_needed', requestId: 'req-8812' });
    h.sim.reset();
    // A numeric id (the docs' type) is read too; an object is not an id.
    h.sim.inject({ endpoint: 'CreateConnection', kind: 'status', status: 400, body: JSON.stringify({ code: 'bug', request_id: 4411 }) });
    expect(await failure(h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('par') }))).toMatchObject({ requestId: '4411' });
    h.sim.reset();
    h.sim.inject({ endpoint: 'CreateConnection', kind: 'status', status: 400, body: JSON.stringify({ code: 'bug', request_id: { evil: true } }) });
    expect((await failure(h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('par') }))).requestId).toBeUndefined();
  });
});

describe('connector list values are advisory (Powens decides)', () => {
  it('a value Powens accepts but does not list (`ping`) is sent and links', async () => {
    const conn = h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('ping') });
    expect(await drive(conn)).toEqual([]);
    expect(conn.status.status).toBe('active');
    expect(h.sim.received('CreateConnection')[0]?.body).toMatchObject({ openapiwebsite: 'ping' });
  });

  it('a value Powens refuses comes back as its config error (invalid_credentials), its own list in the message', async () => {
    const error = await failure(h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('azpodkzaodk') }));
    expect(error).toMatchObject({ reason: 'invalid_credentials', providerCode: 'config', status: 400, userAction: 'update_credentials' });
    expect(String(error.message)).toMatch(/Value "azpodkzaodk" is not in list: par, pro, .*ping/);
    expect(h.sim.count('CreateConnection')).toBe(1);
  });

  it('through the challenge too: the advertised values are a suggestion', async () => {
    const conn = h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR });
    await drive(conn, (c) => {
      if (c.type === 'credentials') c.answer({ login: 'Identifiant', password: '1234', openapiwebsite: 'ping' });
    });
    expect(conn.status.status).toBe('active');
  });
});

describe('own-property lookups of provider-defined names', () => {
  it('fields named constructor / toString / hasOwnProperty are answered and posted as the user typed them', async () => {
    const ref = (await linked()).ref as { connectionId: number; userId: number };
    const names = ['constructor', 'toString', 'hasOwnProperty'];
    h.sim.setConnectionState(ref.connectionId, 'additionalInformationNeeded', {
      fields: names.map((name) => ({ name, label: `What is your ${name}?`, type: 'text' })),
      expectedAnswer: { constructor: 'c1', toString: 't2', hasOwnProperty: 'h3' },
    });
    await drive(h.bank().connection('powens', ref), (c) => {
      if (c.type === 'questions') c.answer({ constructor: 'c1', toString: 't2', hasOwnProperty: 'h3' });
    });
    expect(h.sim.received('UpdateConnection').at(-1)?.body).toEqual({ constructor: 'c1', toString: 't2', hasOwnProperty: 'h3' });
    expect(h.sim.connection(ref.connectionId).state).toBeNull();
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('a connection state %s is an unknown state, not an inherited row', async (state) => {
    const ref = (await linked()).ref as { connectionId: number; userId: number };
    h.sim.setConnectionState(ref.connectionId, state);
    await expect(h.bank().connection('powens', ref).accounts()).rejects.toMatchObject({ kind: 'ConnectionError', reason: 'unknown', providerCode: state });
  });

  it.each(['constructor', 'toString'])('a webauth callback error %s maps to unknown', async (outcome) => {
    h.sim.state.options.webauthOutcome = outcome as never;
    const conn = h.bank({ powens: { redirectUri: REDIRECT } }).connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('webauthRequired') });
    const iterator = conn.authenticate();
    const challenge = (await iterator.next()).value as Challenge;
    if (challenge.type !== 'redirect') throw new Error('expected a redirect');
    challenge.answer({ callback: await browse(challenge.url) });
    await expect(iterator.next()).rejects.toMatchObject({ kind: 'ConnectionError', reason: 'unknown', providerCode: outcome });
  });
});

describe('doubleotp: the second prompt quotes the first answer (as the sandbox does)', () => {
  it('the plain loop goes through both prompts; the second label never shows the first answer', async () => {
    const conn = h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('doubleotp') });
    const labels: string[] = [];
    await drive(conn, (c) => {
      if (c.type !== 'otp') return;
      labels.push(c.label ?? '');
      c.answer({ code: 'abcd' });
    });
    // The sandbox's first prompt names the code before anyone typed it; the second quotes what was typed: redacted.
    expect(labels).toEqual(['Dites abcd', 'Dites [REDACTED] (vous avez répondu « [REDACTED] »)']);
    expect(conn.status.status).toBe('active');
  });

  it('#14 item 4: conn.checkpoint() at each prompt and begin/continue work (the leak guard stays on)', async () => {
    const conn = h.bank().connect('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('doubleotp') });
    const checkpoints: string[] = [];
    await drive(conn, async (c) => {
      if (c.type !== 'otp') return;
      checkpoints.push(JSON.stringify(await conn.checkpoint()));
      c.answer({ code: 'abcd' });
    });
    expect(checkpoints).toHaveLength(2);
    expect(checkpoints[1]).not.toContain('« abcd »');
    expect(conn.status.status).toBe('active');

    const bank = h.bank();
    let progress = await bank.begin('powens', { connector: POWENS_TEST_CONNECTOR, fields: fields('doubleotp') });
    const seen: string[] = [];
    for (let i = 0; progress.status.status !== 'active' && i < 6; i++) {
      seen.push(progress.challenge?.type ?? progress.status.status);
      progress = await bank.continue(progress.id, progress.challenge?.type === 'otp' ? { code: 'abcd' } : undefined);
    }
    expect(seen).toEqual(['otp', 'otp']);
    expect(progress.status.status).toBe('active');
  });
});
