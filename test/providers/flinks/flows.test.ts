import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LAURENTIENNE_IMAGES } from '../../../src/testing/index.js';
import {
  SEED_AUTHORIZED,
  SEED_CASE_REQUEST_ID,
  SEED_DEVICE_STEP1_REQUEST,
  SEED_DEVICE_STEP1_RESPONSE,
  SEED_DEVICE_STEP2_REQUEST,
  SEED_DEVICE_STEP2_RESPONSE,
  SEED_IMAGE_PROMPT,
  SEED_MFA_ANSWER,
  SEED_MFA_PROMPT,
  SEED_PICK_CHALLENGES,
  SEED_SCOTIA_ANSWER,
  SEED_SCOTIA_CHALLENGES,
  SEED_SECURID_CHALLENGES,
  SEED_TD_STEP1_CHALLENGES,
  SEED_TD_STEP2_CHALLENGES,
  SEED_TD_STEP2_REQUEST,
  SEED_TD_STEP3_REQUEST,
  SEED_TD_STEP3_RESPONSE,
  SEED_TRIPLE_ANSWER,
  SEED_TRIPLE_CHALLENGES,
} from './fixtures/seed.js';
import { AUTH_KEY, API_KEY, PASSWORD, bodies, expectNothingSentTwice, failure, link, responses, startFlinks, type FlinksRig } from './support.js';

let rig: FlinksRig;
beforeAll(async () => {
  rig = await startFlinks();
});
afterAll(async () => {
  await rig.server.close();
});
beforeEach(() => {
  rig.sim.reset();
});

const envelope203 = (challenges: unknown[], institution: string, requestId = SEED_CASE_REQUEST_ID): unknown => ({
  Links: [{ rel: 'Authorization', href: '/Authorize', example: null }],
  HttpStatusCode: 203,
  SecurityChallenges: challenges,
  Institution: institution,
  RequestId: requestId,
});

describe('FlinksCapital (seed: the simple MFA flow)', () => {
  it('serves the seed examples verbatim and sends exactly the seed requests', async () => {
    const { sim } = rig;
    // Reproduce the seed's identifiers: a new Greatday login with its LoginId and LastRefresh.
    sim.state.logins.clear();
    sim.state.nextRequestIds.push(SEED_MFA_PROMPT.RequestId);
    sim.state.nextLoginIds.push(SEED_AUTHORIZED.Login.Id);
    sim.state.lastRefresh = SEED_AUTHORIZED.Login.LastRefresh;

    const conn = rig.bank().connect('flinks', { institution: 'FlinksCapital', username: 'Greatday', password: PASSWORD });
    for await (const c of conn.authenticate()) {
      expect(c).toMatchObject({ type: 'questions', prompts: [{ id: 'q1', text: 'What shape do people like most?' }] });
      if (c.type === 'questions') c.answer({ q1: 'Triangle' });
    }
    expect(conn.status).toEqual({ status: 'active', lastSyncedAt: '2020-04-15T22:46:03.169Z' });
    expect(conn.ref).toEqual({ loginId: 'b0debb48-f9f1-46c6-80a4-08d7dd88d478' });

    expect(bodies(sim)).toEqual([
      { Institution: 'FlinksCapital', Username: 'Greatday', Password: 'Everyday', MostRecentCached: false, Save: true },
      // The seed's answer, on the prompt's RequestId (Flinks keeps it; the seed's second GUID is a doc artefact).
      { ...SEED_MFA_ANSWER, RequestId: SEED_MFA_PROMPT.RequestId },
    ]);
    expect(responses(sim)).toEqual([SEED_MFA_PROMPT, { ...SEED_AUTHORIZED, RequestId: SEED_MFA_PROMPT.RequestId }]);
    // A fresh single-use token before each /Authorize, got with the secret key.
    const tokens = sim.state.exchanges.filter((e) => e.endpoint === 'GenerateAuthorizeToken');
    expect(tokens.map((e) => e.headers['flinks-auth-key'])).toEqual([AUTH_KEY, AUTH_KEY]);
    const issued = tokens.map((e) => (e.response as { Token: string }).Token);
    expect(sim.state.exchanges.filter((e) => e.endpoint === 'Authorize').map((e) => e.headers['flinks-auth-key'])).toEqual(issued);
    expectNothingSentTwice(sim);

    const accounts = await conn.accounts();
    expect(accounts.map((a) => a.connectionId)).toEqual(Array(5).fill('b0debb48-f9f1-46c6-80a4-08d7dd88d478'));
    // One request per RequestId, with everything the session needs (issue #14, item 3).
    expect(bodies(sim, 'GetAccountsDetail')).toEqual([
      { RequestId: SEED_MFA_PROMPT.RequestId, WithAccountIdentity: true, WithKYC: true, WithTransactions: true, WithBalance: true, DaysOfTransactions: 'Days90' },
    ]);
    expect(sim.state.exchanges.find((e) => e.endpoint === 'GetAccountsDetail')?.headers['x-api-key']).toBe(API_KEY);
  });

  it('greatday_nomfa links without MFA; language and tag are sent as Flinks names them', async () => {
    const conn = rig.bank().connect('flinks', { institution: 'FlinksCapital', username: 'greatday_nomfa', password: PASSWORD, language: 'fr', save: false, tag: 'userId=42' });
    const seen: string[] = [];
    for await (const c of conn.authenticate()) seen.push(c.type);
    expect(seen).toEqual([]);
    expect(conn.status.status).toBe('active');
    expect(bodies(rig.sim)).toEqual([
      { Institution: 'FlinksCapital', Username: 'greatday_nomfa', Password: 'Everyday', MostRecentCached: false, Save: false, Language: 'fr', Tag: 'userId=42' },
    ]);
    expect(responses(rig.sim)[0]).toMatchObject({ HttpStatusCode: 200, Tag: 'userId=42' });
  });
});

describe('the seed bank cases', () => {
  it('case 1, RBC: the triple MFA is one questions challenge answered in one call, exactly as the seed shows', async () => {
    rig.sim.state.nextRequestIds.push(SEED_CASE_REQUEST_ID);
    const conn = rig.bank().connect('flinks', { institution: 'RBC', username: 'rbc_triple', password: PASSWORD });
    for await (const c of conn.authenticate()) {
      if (c.type !== 'questions') throw new Error(c.type);
      expect(c.prompts.map((p) => p.text)).toEqual(SEED_TRIPLE_CHALLENGES.map((s) => s.Prompt));
      c.answer({ q1: 'Louise', q2: 'Paul', q3: 'Wouf' });
    }
    expect(conn.status.status).toBe('active');
    expect(responses(rig.sim)[0]).toEqual(envelope203(SEED_TRIPLE_CHALLENGES, 'RBC'));
    expect(bodies(rig.sim)[1]).toEqual(SEED_TRIPLE_ANSWER);
    expect(bodies(rig.sim)).toHaveLength(2);
  });

  it('cases 1 + 2, RBC: then pick a new question from each list and answer it; the chosen question is the key', async () => {
    rig.sim.state.nextRequestIds.push(SEED_CASE_REQUEST_ID);
    const conn = rig.bank().connect('flinks', { institution: 'RBC', username: 'rbc_reset', password: PASSWORD });
    const seen: string[] = [];
    for await (const c of conn.authenticate()) {
      if (c.type !== 'questions') throw new Error(c.type);
      seen.push(c.prompts.map((p) => p.text).join(' | '));
      if (c.prompts[0]?.questions) {
        expect(c.prompts.map((p) => p.questions)).toEqual(SEED_PICK_CHALLENGES.map((s) => s.Iterables));
        c.answer({
          q1: { question: 'What is the name of my dog', answer: 'Wouf' },
          q2: { question: 'What is the name of my mother', answer: 'Louise' },
          q3: { question: '...', answer: 'Something' },
        });
      } else c.answer({ q1: 'Louise', q2: 'Paul', q3: 'Wouf' });
    }
    expect(seen).toHaveLength(2);
    expect(responses(rig.sim)[1]).toEqual(envelope203(SEED_PICK_CHALLENGES, 'RBC'));
    expect(bodies(rig.sim)[2]).toEqual({
      RequestId: SEED_CASE_REQUEST_ID,
      SecurityResponses: { 'What is the name of my dog': ['Wouf'], 'What is the name of my mother': ['Louise'], '...': ['Something'] },
    });
    expect(rig.sim.state.sessions.get(SEED_CASE_REQUEST_ID)?.newQuestions).toEqual({ 'What is the name of my dog': 'Wouf', 'What is the name of my mother': 'Louise', '...': 'Something' });
    expectNothingSentTwice(rig.sim);
  });

  it('case 3, Laurentienne: a question, then an image choice answered with the chosen base64 string', async () => {
    const conn = rig.bank().connect('flinks', { institution: 'Laurentienne', username: 'laurentienne_image', password: PASSWORD });
    const seen: string[] = [];
    for await (const c of conn.authenticate()) {
      seen.push(c.type);
      if (c.type === 'questions') c.answer({ q1: 'Montreal' });
      if (c.type === 'choice') {
        expect(c).toMatchObject({ kind: 'image', prompt: SEED_IMAGE_PROMPT, multiple: false });
        expect(c.options).toHaveLength(16);
        expect(c.options[5]).toEqual({ id: 'o6', label: 'Image 6', image: { mediaType: 'image/gif', data: LAURENTIENNE_IMAGES[5] } });
        c.answer({ selected: 'o6' });
      }
    }
    expect(seen).toEqual(['questions', 'choice']);
    const requestId = (responses(rig.sim)[0] as { RequestId: string }).RequestId;
    expect(bodies(rig.sim).slice(1)).toEqual([
      { RequestId: requestId, SecurityResponses: { 'What city were you born in?': ['Montreal'] } },
      { RequestId: requestId, SecurityResponses: { 'Select an image': [LAURENTIENNE_IMAGES[5]] } },
    ]);
    expect(conn.status.status).toBe('active');
  });

  it('case 4, National: SecurID is a 6-digit token OTP, then a regular question, on one RequestId', async () => {
    rig.sim.state.nextRequestIds.push(SEED_CASE_REQUEST_ID);
    rig.sim.state.securId = '042517';
    const conn = rig.bank().connect('flinks', { institution: 'National', username: 'national_securid', password: PASSWORD });
    for await (const c of conn.authenticate()) {
      if (c.type === 'otp') {
        expect(c).toMatchObject({ channel: 'token', length: 6, label: 'Enter your SecurID', canResend: false });
        expect(() => c.answer({ code: '4251' })).toThrow(/6 characters/);
        expect(() => c.answer({ code: 'abcdef' })).toThrow(/expected format/);
        c.answer({ code: '042517' });
      } else if (c.type === 'questions') c.answer({ q1: 'Canada' });
      else throw new Error(c.type);
    }
    expect(responses(rig.sim)[0]).toEqual(envelope203(SEED_SECURID_CHALLENGES, 'National'));
    expect(bodies(rig.sim).slice(1)).toEqual([
      { RequestId: SEED_CASE_REQUEST_ID, SecurityResponses: { 'Enter your SecurID': ['042517'] } },
      { RequestId: SEED_CASE_REQUEST_ID, SecurityResponses: { 'What is the best country on earth?': ['Canada'] } },
    ]);
    expect(conn.status.status).toBe('active');
  });

  it('case 5, Scotia: mixed multiple-choice prompts are one challenge, answered with the seed request; then new questions', async () => {
    rig.sim.state.nextRequestIds.push(SEED_CASE_REQUEST_ID);
    const conn = rig.bank().connect('flinks', { institution: 'Scotia', username: 'scotia_reset', password: PASSWORD });
    let step = 0;
    for await (const c of conn.authenticate()) {
      if (c.type !== 'questions') throw new Error(c.type);
      if (step++ === 0) {
        expect(c.prompts.map((p) => ({ text: p.text, multiple: p.multiple, labels: p.choices?.map((o) => o.label) }))).toEqual(
          SEED_SCOTIA_CHALLENGES.map((s) => ({ text: s.Prompt, multiple: s.Type === 'MultipleChoiceMultipleAnswers', labels: s.Iterables })),
        );
        c.answer({ q1: 'o4', q2: ['o1', 'o3'] });
      } else {
        c.answer({
          q1: { question: 'What is the name of my mother', answer: 'Louise' },
          q2: { question: 'What is the name of my dog', answer: 'Wouf' },
          q3: { question: '...', answer: 'Paul' },
        });
      }
    }
    expect(responses(rig.sim)[0]).toEqual(envelope203(SEED_SCOTIA_CHALLENGES, 'Scotia'));
    expect(bodies(rig.sim)[1]).toEqual(SEED_SCOTIA_ANSWER);
    expect(responses(rig.sim)[1]).toEqual(envelope203(SEED_PICK_CHALLENGES, 'Scotia'));
    expect(conn.status.status).toBe('active');
  });

  it('case 5, one prompt per 203: MultipleChoice is a single choice, MultipleChoiceMultipleAnswers a multiple one', async () => {
    const { conn, seen } = await link(rig.bank(), 'Scotia', 'scotia_choice');
    expect(seen).toEqual(['choice:single', 'choice:multiple']);
    expect(conn.status.status).toBe('active');
    const sent = bodies(rig.sim) as Array<{ SecurityResponses?: unknown }>;
    expect(sent.slice(1).map((b) => b.SecurityResponses)).toEqual([
      { 'Choose one of the following:': ['None of the above'] },
      { 'What purchases did you make over the last 10 days?': ['Purchase 1: $10.35', 'Purchase 3: $143.86'] },
    ]);
  });

  it('case 6, TD: phone number and Text, then the code as an SMS OTP; every seed request and response verbatim', async () => {
    const { sim } = rig;
    sim.state.nextRequestIds.push(SEED_CASE_REQUEST_ID);
    sim.state.nextLoginIds.push(SEED_TD_STEP3_RESPONSE.Login.Id);
    sim.state.lastRefresh = SEED_TD_STEP3_RESPONSE.Login.LastRefresh;
    const conn = rig.bank().connect('flinks', { institution: 'TD', username: 'td_2step', password: PASSWORD });
    const seen: string[] = [];
    for await (const c of conn.authenticate()) {
      seen.push(c.type);
      if (c.type === 'choice') {
        expect(c).toMatchObject({ kind: 'text_or_call', prompt: 'Choose a phone number', methods: ['Text', 'Call'], multiple: false });
        expect(c.options.map((o) => o.label)).toEqual(SEED_TD_STEP1_CHALLENGES[0]?.Iterables);
        expect(() => c.answer({ selected: 'o2' })).toThrow(/choose a method/);
        expect(() => c.answer({ selected: 'o2', method: 'Email' })).toThrow(/must be one of: Text, Call/);
        c.answer({ selected: 'o2', method: 'Text' });
      } else if (c.type === 'otp') {
        expect(c).toMatchObject({ channel: 'sms', label: 'Enter the security code' });
        expect(sim.state.codeSends).toEqual([{ requestId: SEED_CASE_REQUEST_ID, phone: 'PhoneNumber #2', method: 'Text' }]);
        c.answer({ code: '123456' });
      }
    }
    expect(seen).toEqual(['choice', 'otp']);
    expect(bodies(sim)).toEqual([
      { Institution: 'TD', Username: 'td_2step', Password: 'Everyday', MostRecentCached: false, Save: true },
      SEED_TD_STEP2_REQUEST,
      SEED_TD_STEP3_REQUEST,
    ]);
    expect(responses(sim)).toEqual([
      envelope203(SEED_TD_STEP1_CHALLENGES, 'TD'),
      envelope203(SEED_TD_STEP2_CHALLENGES, 'TD'),
      { ...SEED_TD_STEP3_RESPONSE, Login: { ...SEED_TD_STEP3_RESPONSE.Login, Username: 'td_2step' } },
    ]);
    expect(conn.ref).toEqual({ loginId: 'f51a811f-6e01-a901-bf33-352abf17bbe1' });
    expectNothingSentTwice(sim);
  });

  it('case 6 with Call: the code challenge says it comes by call', async () => {
    const conn = rig.bank().connect('flinks', { institution: 'TD', username: 'td_2step', password: PASSWORD });
    for await (const c of conn.authenticate()) {
      if (c.type === 'choice') c.answer({ selected: 'o3', method: 'Call' });
      else if (c.type === 'otp') {
        expect(c.channel).toBe('call');
        c.answer({ code: '123456' });
      }
    }
    expect(rig.sim.state.codeSends).toMatchObject([{ phone: 'PhoneNumber #3', method: 'Call' }]);
    expect(conn.status.status).toBe('active');
  });

  it('case 7, RBC: a trusted-device approval is a decoupled challenge; the loop confirms with VERIFIED until approved', async () => {
    rig.sim.state.deviceApprovalAfterPolls = 2;
    const conn = rig.bank().connect('flinks', { institution: 'RBC', username: 'rbc_device', password: PASSWORD });
    const seen: string[] = [];
    for await (const c of conn.authenticate()) {
      seen.push(c.type);
      expect(c).toMatchObject({ type: 'decoupled', channel: 'device', message: 'Please verify your identity on your trusted device' });
    }
    expect(seen).toEqual(['decoupled']);
    expect(conn.status.status).toBe('active');
    const sent = bodies(rig.sim);
    const requestId = (responses(rig.sim)[0] as { RequestId: string }).RequestId;
    const confirmation = { ...SEED_DEVICE_STEP2_REQUEST, RequestId: requestId };
    // Two "still waiting" answers (203 WaitUntilEUAccept again), then the 200.
    expect(sent.slice(1)).toEqual([confirmation, confirmation, confirmation]);
    expect((responses(rig.sim) as Array<{ HttpStatusCode: number }>).map((r) => r.HttpStatusCode)).toEqual([203, 203, 203, 200]);
    expect(responses(rig.sim)[0]).toMatchObject(SEED_DEVICE_STEP1_RESPONSE);
  });

  it('case 7 as the seed shows it: a live refresh of a stored LoginId, answered as the seed does', async () => {
    const { sim } = rig;
    sim.state.nextLoginIds.push(SEED_DEVICE_STEP2_RESPONSE.Login.Id);
    sim.state.deviceApprovalAfterPolls = 0;
    const first = await link(rig.bank(), 'RBC', 'rbc_device');
    expect(first.conn.ref).toEqual({ loginId: 'f51a811f-6e01-a901-bf33-352abf17bbe1' });
    sim.resetCounts();
    sim.state.exchanges.length = 0;
    sim.state.lastRefresh = SEED_DEVICE_STEP2_RESPONSE.Login.LastRefresh;
    sim.state.nextRequestIds.push(SEED_CASE_REQUEST_ID);

    // Another day: the user is present (authenticate()), so the stored link is refreshed live.
    const conn = rig.bank().connection('flinks', { loginId: 'f51a811f-6e01-a901-bf33-352abf17bbe1' });
    const seen: string[] = [];
    for await (const c of conn.authenticate()) seen.push(c.type);
    expect(seen).toEqual(['decoupled']);
    expect(bodies(sim)).toEqual([
      { ...SEED_DEVICE_STEP1_REQUEST, LoginId: 'f51a811f-6e01-a901-bf33-352abf17bbe1' },
      { ...SEED_DEVICE_STEP2_REQUEST, RequestId: SEED_CASE_REQUEST_ID },
    ]);
    expect(responses(sim)[0]).toMatchObject(SEED_DEVICE_STEP1_RESPONSE);
    expect(responses(sim)[1]).toEqual({
      ...SEED_DEVICE_STEP2_RESPONSE,
      Login: { ...SEED_DEVICE_STEP2_RESPONSE.Login, Username: 'rbc_device' },
      RequestId: SEED_CASE_REQUEST_ID,
    });
    expect(conn.status).toEqual({ status: 'active', lastSyncedAt: '2018-05-23T15:10:51.656Z' });
  });
});

describe('stored links (LoginId)', () => {
  it('accounts() without the user uses cached mode: no MFA, no bank login', async () => {
    const conn = rig.bank().connection('flinks', { loginId: '5e115eac-1209-4f19-641c-08d6d484e2fe' });
    const accounts = await conn.accounts();
    expect(accounts).toHaveLength(5);
    expect(bodies(rig.sim)).toEqual([{ LoginId: '5e115eac-1209-4f19-641c-08d6d484e2fe', MostRecentCached: true }]);
    // The current docs' cached shape.
    expect(responses(rig.sim)[0]).toMatchObject({ HttpStatusCode: 200, InstitutionName: 'FlinksCapital', InstitutionId: 14, Login: { Username: 'Greatday', Type: 'Personal' } });
    expect(conn.status.status).toBe('active');
  });

  it('authenticate() on a stored link refreshes live, and asks for MFA where the bank does (TD, SecurID)', async () => {
    const { conn: first } = await link(rig.bank(), 'National', 'national_securid');
    const loginId = first.ref?.loginId as string;
    rig.sim.state.exchanges.length = 0;
    rig.sim.state.securId = '777111';
    const conn = rig.bank().connection('flinks', { loginId });
    const seen: string[] = [];
    for await (const c of conn.authenticate()) {
      seen.push(c.type);
      if (c.type === 'otp') c.answer({ code: '777111' });
    }
    expect(seen).toEqual(['otp']);
    expect(bodies(rig.sim)[0]).toEqual({ LoginId: loginId, MostRecentCached: false, Save: true });
    expect(conn.ref).toEqual({ loginId });
    expect((await conn.accounts()).length).toBe(5);
    // The refreshed session serves the data: no second /Authorize.
    expect(bodies(rig.sim)).toHaveLength(2);
  });

  it('cached mode that asks for MFA in the background is sca_required; authenticate() then refreshes with the user', async () => {
    const loginId = '5e115eac-1209-4f19-641c-08d6d484e2fe';
    rig.sim.inject({
      endpoint: 'Authorize',
      kind: 'status',
      status: 203,
      body: JSON.stringify({ HttpStatusCode: 203, SecurityChallenges: [{ Type: 'QuestionAndAnswer', Prompt: 'What shape do people like most?' }], RequestId: SEED_CASE_REQUEST_ID }),
    });
    const conn = rig.bank().connection('flinks', { loginId });
    const error = await failure(() => conn.accounts());
    expect(error).toMatchObject({ reason: 'sca_required', userAction: 'authenticate' });
    expect(rig.sim.count('GetAccountsDetail')).toBe(0);
    for await (const c of conn.authenticate()) throw new Error(`unexpected ${c.type}`);
    expect(conn.status.status).toBe('active');
    // The injected 203 answered the cached call before the simulator saw it; the refresh reached it.
    expect(rig.sim.count('Authorize')).toBe(2);
    expect(bodies(rig.sim)).toEqual([{ LoginId: loginId, MostRecentCached: false, Save: true }]);
  });

  it('a 202 from /Authorize is polled with the RequestId alone until Flinks answers (AuthorizeAsync style)', async () => {
    rig.sim.state.nextRequestIds.push(SEED_CASE_REQUEST_ID);
    // Flinks takes the credentials, but answers "still processing".
    rig.sim.inject({
      endpoint: 'Authorize',
      kind: 'status',
      status: 202,
      when: 'after',
      body: JSON.stringify({ HttpStatusCode: 202, FlinksCode: 'OPERATION_PENDING', Message: 'Your operation is still processing', RequestId: SEED_CASE_REQUEST_ID }),
    });
    const { conn, seen } = await link(rig.bank(), 'FlinksCapital', 'Greatday');
    expect(seen).toEqual(['questions']);
    expect(conn.status.status).toBe('active');
    expect(bodies(rig.sim)).toEqual([
      { Institution: 'FlinksCapital', Username: 'Greatday', Password: 'Everyday', MostRecentCached: false, Save: true },
      { RequestId: SEED_CASE_REQUEST_ID },
      { RequestId: SEED_CASE_REQUEST_ID, SecurityResponses: { 'What shape do people like most?': ['Triangle'] } },
    ]);
  });

  it('a greatday live refresh needs no MFA (answers saved by Save: true)', async () => {
    const conn = rig.bank().connection('flinks', { loginId: '5e115eac-1209-4f19-641c-08d6d484e2fe' });
    for await (const c of conn.authenticate()) throw new Error(`unexpected ${c.type}`);
    expect(conn.status.status).toBe('active');
    expect(responses(rig.sim)[0]).toMatchObject({ HttpStatusCode: 200, Institution: 'FlinksCapital' });
  });
});
