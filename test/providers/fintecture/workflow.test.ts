import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { operations, parseYaml, runWorkflow, type Operation, type Yaml } from './arazzo.js';
import { PSU_IP, drive, startFintecture, type Harness } from './support.js';

/**
 * The seed's Arazzo workflow (fixtures/fintecture-decoupled-auth-accounts-workflow.yml, the
 * seed file's YAML byte for byte) executed step by step as written: its operationIds resolved
 * through the catalog OpenAPI files it references, its paths, parameters, criteria and
 * outputs, against the simulator's alias routes. Then the same flow through the adapter.
 */
const read = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
let workflow: Yaml;
let ops: Record<string, Operation>;

let h: Harness;
beforeAll(async () => {
  workflow = parseYaml(read('fintecture-decoupled-auth-accounts-workflow.yml'));
  ops = { ...operations(parseYaml(read('openapi/fintecture-resources-api-openapi.yml'))), ...operations(parseYaml(read('openapi/fintecture-ais-api-openapi.yml'))) };
  h = await startFintecture();
});
afterAll(async () => {
  await h.server.close();
});
beforeEach(() => {
  h.sim.reset();
});

/** The workflow's inputs: an AIS token and the connection it belongs to, at the decoupled-only bank. */
function inputs(): Record<string, string> {
  const seeded = h.sim.state.seedConnection('handse');
  return { accessToken: seeded.accessToken, customerId: seeded.customerId, providerId: 'handse', psuType: 'retail' };
}

describe("the seed's workflow, verbatim, against the simulator", () => {
  it('getProvider → startAuthorization → pollDecoupled (PENDING loops) → listAccounts', async () => {
    const given = inputs();
    const { outputs, trace } = await runWorkflow(workflow, 'decoupled-auth-accounts', given, ops, h.sim.origin);
    expect(trace.map((t) => t.stepId)).toEqual(['getProvider', 'startAuthorization', 'pollDecoupled', 'pollDecoupled', 'listAccounts']);
    expect(trace.map((t) => new URL(t.url).pathname + new URL(t.url).search)).toEqual([
      '/res/v1/providers/handse',
      '/ais/v1/provider/handse/authorize?psu_type=retail',
      `/ais/v1/provider/handse/authorize/decoupled?session_id=${String(outputs.sessionId)}`,
      `/ais/v1/provider/handse/authorize/decoupled?session_id=${String(outputs.sessionId)}`,
      `/ais/v1/customer/${given.customerId}/accounts`,
    ]);
    // The catalog's routes and shapes: top-level auth_models, meta.session_id, ?session_id= polling.
    expect(h.sim.counts).toEqual({ GetProvider: 1, Authorize: 1, PollDecoupledBySession: 2, ListAccounts: 1 });
    const session = h.sim.state.sessions.get(String(outputs.sessionId));
    // Authorized with the connection's token, the approval renews that very connection.
    expect(session).toMatchObject({ status: 'COMPLETED', customerId: given.customerId });
    expect(outputs.failedStatus).toBeUndefined();
    expect(outputs.accounts).toEqual([expect.objectContaining({ type: 'accounts', attributes: expect.objectContaining({ iban: 'SE4550000000058398257466' }) })]);
  });

  it('the FAILED branch goes to reportFailure, which re-reads the status, and lists nothing', async () => {
    h.sim.state.defaultOutcome = 'FAILED';
    const { outputs, trace } = await runWorkflow(workflow, 'decoupled-auth-accounts', inputs(), ops, h.sim.origin);
    expect(trace.map((t) => t.stepId)).toEqual(['getProvider', 'startAuthorization', 'pollDecoupled', 'pollDecoupled', 'reportFailure']);
    expect(outputs).toMatchObject({ failedStatus: 'FAILED', sessionId: expect.any(String) });
    expect(outputs.accounts).toBeUndefined();
    expect(h.sim.count('ListAccounts')).toBe(0);
  });

  it('runs in the pure catalog shapes too (flat provider, flat accounts)', async () => {
    h.sim.state.shapes = 'catalog';
    const { outputs, trace } = await runWorkflow(workflow, 'decoupled-auth-accounts', inputs(), ops, h.sim.origin);
    expect(trace.at(-1)?.stepId).toBe('listAccounts');
    expect(outputs.accounts).toEqual([expect.objectContaining({ iban: 'SE4550000000058398257466', type: 'CACC', balances: expect.any(Array) })]);
  });

  it('a step whose success criterion fails stops the workflow (no token: 401)', async () => {
    await expect(runWorkflow(workflow, 'decoupled-auth-accounts', { ...inputs(), accessToken: 'expired' }, ops, h.sim.origin)).rejects.toThrow(/getProvider failed \$statusCode == 200 \(HTTP 401/);
  });
});

describe('the same flow through the adapter', () => {
  it('on the official routes: the same steps, one for one', async () => {
    h.sim.state.shapes = 'official';
    const conn = h.bank().connect('fintecture', { provider: 'handse', psuId: 'approve-1', psuIpAddress: PSU_IP, psuType: 'retail' });
    await drive(conn);
    const accounts = await conn.accounts();
    expect(h.sim.requests.map((r) => r.endpoint)).toEqual(['GetProvider', 'Authorize', 'PollDecoupled', 'PollDecoupled', 'AccessToken', 'ListAccounts', 'ListAccounts']);
    expect(accounts.map((a) => a.iban)).toEqual(['SE4550000000058398257466']);
  });

  it("on a server that answers in the workflow's shapes (meta.session_id, ?session_id= polling, flat bodies)", async () => {
    h.sim.state.shapes = 'catalog';
    const conn = h.bank().connect('fintecture', { provider: 'handse', psuId: 'approve-1', psuIpAddress: PSU_IP });
    const seen = await drive(conn);
    expect(seen.map((c) => c.type)).toEqual(['decoupled']);
    expect(conn.status.status).toBe('active');
    expect(h.sim.count('PollDecoupledBySession')).toBe(2);
    expect(h.sim.count('PollDecoupled')).toBe(0);

    const [account] = await conn.accounts();
    expect(account).toMatchObject({ iban: 'SE4550000000058398257466', type: 'checking', balances: { current: { amount: '25310.75', currency: 'SEK' }, available: { amount: '25310.75', currency: 'SEK' } } });
    const rows = [];
    for await (const t of conn.transactions(account?.id as string)) rows.push(t);
    // Unsigned amounts with `type: debit` come out negative.
    expect(rows.map((t) => t.amount.amount)).toEqual(['-129.90', '32000.00', '-8450.00']);
    expect((await conn.holders()).map((x) => x.name)).toEqual(['Astrid Lindqvist']);
    await conn.delete(); // 204, no body
    expect(conn.status).toMatchObject({ status: 'error', reason: 'cancelled' });
  });
});
