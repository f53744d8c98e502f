/**
 * /GenerateAuthorizeToken and /Authorize as Flinks plays them: single-use tokens,
 * live mode with credentials, live refresh and cached mode by LoginId, and the MFA
 * round trips on one RequestId with Flinks' strictness (answer keys matched exactly,
 * every prompt answered together, a wrong answer ends the session).
 */
import type { RouteContext } from '../simulator.js';
import { challengesOf, institutionOf, type SimChallenge } from './scenarios.js';
import { flinksTime, type FlinksSimState, type SimLogin, type SimSession } from './state.js';
import { AUTHORIZE_LINKS, DATA_LINKS, bool, derivedGuid, flinksError, header, json, lowerKeys, own, str } from './wire.js';

type Ctx = RouteContext<FlinksSimState>;

export function generateAuthorizeToken({ request, state }: Ctx): Response {
  if (state.authKey !== undefined && header(request, 'flinks-auth-key') !== state.authKey) {
    return flinksError(401, 'UNAUTHORIZED', 'You must provide a valid auth key');
  }
  const token = crypto.randomUUID();
  state.tokens.set(token, { issuedAt: state.now(), used: false });
  return json(200, { HttpStatusCode: 200, Token: token });
}

/** A token is required when an auth key is configured, and checked whenever one is sent: single-use, 30 minutes. */
function spendToken(request: Request, state: FlinksSimState): Response | undefined {
  const token = header(request, 'flinks-auth-key');
  if (token === undefined && state.authKey === undefined) return undefined;
  const entry = token === undefined ? undefined : state.tokens.get(token);
  if (!entry || entry.used || state.now() - entry.issuedAt > state.tokenTtlMs) {
    return flinksError(401, 'UNAUTHORIZED', 'You must provide a valid authorize token');
  }
  entry.used = true;
  return undefined;
}

/** The session of a RequestId, unless it lapsed (8 minutes idle; 30 while data is processing). */
export function liveSession(state: FlinksSimState, requestId: string | undefined): SimSession | undefined {
  if (!requestId) return undefined;
  const key = requestId.toLowerCase();
  const session = state.sessions.get(key);
  if (!session) return undefined;
  const processing = (session.operation?.pollsLeft ?? 0) > 0;
  if (state.now() - session.lastActivity > (processing ? 30 * 60_000 : state.sessionIdleMs)) {
    state.sessions.delete(key);
    return undefined;
  }
  return session;
}

export function sessionGone(requestId: string): Response {
  return flinksError(400, 'SESSION_NONEXISTENT', `RequestId ${requestId} is invalid or session has ended`);
}

export function authorize({ request, body: raw, state, params }: Ctx): Response {
  const denied = spendToken(request, state);
  if (denied) return denied;
  const body = lowerKeys(raw);
  if (!body) return flinksError(400, 'INVALID_REQUEST', 'The request body must be a JSON object');
  const requestId = str(body.requestid);
  if (requestId) return continueSession(state, requestId, body);
  const loginId = str(body.loginid);
  if (loginId) return openLogin(state, loginId, body);
  return newLink(state, body, params.customerId ?? '');
}

function knownInstitution(state: FlinksSimState, name: string): { name: string; id?: number } | undefined {
  const key = name.toLowerCase();
  const fromScenario = Object.values(state.scenarios).find((s) => s.institution.toLowerCase() === key);
  return institutionOf(key) ?? (fromScenario ? { name: fromScenario.institution } : undefined);
}

function newLink(state: FlinksSimState, body: Record<string, unknown>, customerId: string): Response {
  const institution = str(body.institution);
  const username = str(body.username);
  const password = typeof body.password === 'string' ? body.password : undefined;
  const missing: Record<string, string[]> = {};
  if (!institution) missing.Institution = ['The Institution field is required.'];
  if (!username) missing.Username = ['The Username field is required.'];
  if (!password) missing.Password = ['The Password field is required.'];
  if (!institution || !username || !password) return flinksError(400, 'INVALID_REQUEST', 'The request is invalid', { ValidationDetails: missing });
  const inst = knownInstitution(state, institution);
  if (!inst) return flinksError(405, 'DISABLED_INSTITUTION', `The institution ${institution} is not available`);
  const key = `${inst.name.toLowerCase()}/${username.toLowerCase()}`;
  const scenario = own(state.scenarios, key);
  // The sandbox takes Greatday/Everyday in any case (research notes §7).
  if (!scenario || password.toLowerCase() !== state.password.toLowerCase()) {
    return flinksError(state.invalidLoginStatus, 'INVALID_LOGIN', 'The card number (username) or password provided is invalid');
  }
  if (scenario.fail) return flinksError(scenario.fail.status, scenario.fail.code, scenario.fail.message);
  const session = newSession(state, {
    scenario: key,
    institution: inst.name,
    username,
    language: (str(body.language) ?? 'en').toLowerCase(),
    mode: 'live',
    steps: scenario.steps,
    customerId,
    tag: str(body.tag),
  });
  return advance(state, session);
}

function openLogin(state: FlinksSimState, loginId: string, body: Record<string, unknown>): Response {
  const login = state.logins.get(loginId.toLowerCase());
  if (!login) return flinksError(state.invalidLoginStatus, 'INVALID_LOGIN', 'The LoginId provided is either invalid or does not belong to the CustomerId');
  const cached = bool(body.mostrecentcached) === true;
  const scenario = own(state.scenarios, login.scenario);
  const session = newSession(state, {
    scenario: login.scenario,
    institution: login.institution,
    username: login.username,
    language: login.language,
    mode: cached ? 'cached' : 'refresh',
    steps: cached ? [] : (scenario?.refresh ?? []),
    customerId: '',
    tag: str(body.tag),
    loginId: login.loginId,
  });
  return advance(state, session);
}

function newSession(
  state: FlinksSimState,
  init: Pick<SimSession, 'scenario' | 'institution' | 'username' | 'language' | 'mode' | 'steps'> & { customerId: string; tag: string | undefined; loginId?: string },
): SimSession {
  const requestId = state.nextRequestIds.shift() ?? crypto.randomUUID();
  const session: SimSession = {
    requestId,
    scenario: init.scenario,
    institution: init.institution,
    username: init.username,
    language: init.language,
    mode: init.mode,
    steps: init.steps,
    step: 0,
    status: 'mfa',
    pending: [],
    lastActivity: state.now(),
    devicePolls: 0,
    codeSends: [],
    // No prototype: a chosen question named `__proto__` is a key like any other.
    newQuestions: Object.create(null) as Record<string, string>,
    customerId: init.customerId,
    ...(init.loginId ? { loginId: init.loginId } : {}),
    ...(init.tag !== undefined ? { tag: init.tag } : {}),
  };
  state.sessions.set(requestId.toLowerCase(), session);
  return session;
}

/** The LoginId of (institution, username, language): the same one every time. */
function upsertLogin(state: FlinksSimState, s: { institution: string; username: string; language: string; scenario: string; customerId: string }): SimLogin {
  const key = `${s.institution.toLowerCase()}/${s.username.toLowerCase()}/${s.language}`;
  const existing = [...state.logins.values()].find((l) => `${l.institution.toLowerCase()}/${l.username.toLowerCase()}/${l.language}` === key);
  if (existing) return existing;
  const loginId = state.nextLoginIds.shift() ?? derivedGuid(`${s.customerId}/${key}`);
  const login: SimLogin = { loginId, institution: s.institution, username: s.username, language: s.language, scenario: s.scenario, lastRefresh: '' };
  return login;
}

function advance(state: FlinksSimState, session: SimSession): Response {
  const step = session.steps[session.step];
  if (step !== undefined) {
    session.status = 'mfa';
    session.pending = challengesOf(step, state.flinksQuestion);
    return prompt(session);
  }
  return authorized(state, session);
}

function prompt(session: SimSession): Response {
  return json(203, {
    Links: AUTHORIZE_LINKS,
    HttpStatusCode: 203,
    SecurityChallenges: session.pending,
    Institution: session.institution,
    RequestId: session.requestId,
    ...(session.tag !== undefined ? { Tag: session.tag } : {}),
  });
}

/** `Login` as Flinks writes it. */
export function loginBody(state: FlinksSimState, login: SimLogin): Record<string, unknown> {
  const type = own(state.scenarios, login.scenario)?.loginType;
  return {
    Username: login.username,
    IsScheduledRefresh: login.scheduledRefresh ?? false,
    LastRefresh: login.lastRefresh,
    ...(type !== undefined ? { Type: type } : {}),
    Id: login.loginId,
  };
}

function authorized(state: FlinksSimState, session: SimSession): Response {
  session.status = 'authorized';
  session.pending = [];
  const login = (session.loginId ? state.logins.get(session.loginId.toLowerCase()) : undefined) ?? upsertLogin(state, session);
  if (session.mode !== 'cached') login.lastRefresh = state.lastRefresh ?? flinksTime(state.now());
  state.logins.set(login.loginId.toLowerCase(), login);
  session.loginId = login.loginId;
  const tag = session.tag !== undefined ? { Tag: session.tag } : {};
  if (session.mode === 'cached') {
    const institutionId = institutionOf(session.institution)?.id;
    return json(200, {
      HttpStatusCode: 200,
      Links: DATA_LINKS,
      InstitutionName: session.institution,
      Login: loginBody(state, login),
      ...(institutionId !== undefined ? { InstitutionId: institutionId } : {}),
      Institution: session.institution,
      RequestId: session.requestId,
      ...tag,
    });
  }
  // Live mode: the seed's shape (no InstitutionName / InstitutionId).
  return json(200, { Links: DATA_LINKS, HttpStatusCode: 200, Login: loginBody(state, login), Institution: session.institution, RequestId: session.requestId, ...tag });
}

// ---------------------------------------------------------------- MFA answers

function continueSession(state: FlinksSimState, requestId: string, body: Record<string, unknown>): Response {
  const session = liveSession(state, requestId);
  if (!session || session.status === 'ended') return sessionGone(requestId);
  if (session.status === 'authorized') return flinksError(401, 'ALREADY_AUTHORIZED', `RequestId ${requestId} is already authorized`, { RequestId: session.requestId });
  session.lastActivity = state.now();
  const raw = body.securityresponses;
  // No answers (or an empty object): Flinks prompts again (sdk-csharp, 2019 sandbox); also how an AuthorizeAsync is polled.
  if (raw === undefined || raw === null || (isRecord(raw) && Object.keys(raw).length === 0)) return prompt(session);
  if (!isRecord(raw) || Object.values(raw).some((v) => !Array.isArray(v) || v.some((item) => typeof item !== 'string'))) {
    return flinksError(400, 'INVALID_REQUEST', 'SecurityResponses must map each prompt to an array of answers', {
      ValidationDetails: { SecurityResponses: ['Expected { "<prompt>": ["<answer>"] }'] },
    });
  }
  const verdict = judge(state, session, raw as Record<string, string[]>);
  const rid = { RequestId: session.requestId };
  switch (verdict.kind) {
    case 'unknown_key':
      return flinksError(401, 'UNKNOWN_CHALLENGE_KEY', `No pending security challenge is keyed "${verdict.key}"`, rid);
    case 'incomplete':
      return flinksError(401, 'SECURITYRESPONSES_INCOMPLETE', 'All the security challenges must be answered', rid);
    case 'wrong':
      // "incorrect or incomplete MFA answers and cannot retry": the session ends.
      session.status = 'ended';
      return flinksError(401, 'INVALID_SECURITY_RESPONSE', 'The answer to the security challenge is invalid', rid);
    case 'waiting':
      return prompt(session);
    case 'ok':
      verdict.apply();
      session.step++;
      return advance(state, session);
  }
}

type Kind = 'text' | 'pick' | 'single' | 'multiple' | 'image' | 'text_or_call' | 'device';

function kindOf(c: SimChallenge): Kind {
  const iterables = c.Iterables ?? [];
  switch (c.Type) {
    case 'QuestionAndAnswer':
      return iterables.length ? 'pick' : 'text';
    case 'MultipleChoice':
      return 'single';
    case 'MultipleChoiceMultipleAnswers':
      return 'multiple';
    case 'ImageSelection':
      return 'image';
    case 'TextOrCall':
      return 'text_or_call';
    case 'WaitUntilEUAccept':
      return 'device';
    default:
      return iterables.length ? 'single' : 'text';
  }
}

type Verdict =
  | { kind: 'unknown_key'; key: string }
  | { kind: 'incomplete' }
  | { kind: 'wrong' }
  | { kind: 'waiting' }
  | { kind: 'ok'; apply: () => void };

const norm = (text: string): string => text.trim().toLowerCase();

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Flinks' judgement of one set of SecurityResponses against the pending challenges; side effects only when accepted. */
function judge(state: FlinksSimState, session: SimSession, responses: Record<string, string[]>): Verdict {
  const pending = session.pending;
  const assigned = new Map<number, { key: string; values: string[] }>();
  for (const [key, values] of Object.entries(responses)) {
    // Keys are matched exactly, as sent: prompt text, or the chosen question / phone number.
    const byPrompt = pending.findIndex((c, i) => !assigned.has(i) && !['pick', 'text_or_call'].includes(kindOf(c)) && c.Prompt === key);
    const index = byPrompt >= 0 ? byPrompt : pending.findIndex((c, i) => !assigned.has(i) && ['pick', 'text_or_call'].includes(kindOf(c)) && (c.Iterables ?? []).includes(key));
    if (index < 0) return { kind: 'unknown_key', key };
    assigned.set(index, { key, values });
  }
  if (assigned.size < pending.length) return { kind: 'incomplete' };

  const effects: Array<() => void> = [];
  let waiting = false;
  for (const [index, { key, values }] of assigned) {
    const c = pending[index] as SimChallenge;
    const iterables = c.Iterables ?? [];
    const one = values.length === 1 ? (values[0] as string) : undefined;
    switch (kindOf(c)) {
      case 'text': {
        if (one === undefined || one.trim() === '') return { kind: 'wrong' };
        const expected = expectedAnswer(state, session, c.Prompt);
        if (expected === null || (expected !== undefined && norm(one) !== norm(expected))) return { kind: 'wrong' };
        break;
      }
      case 'pick':
        // Choosing new questions: any non-empty answer becomes the new one.
        if (one === undefined || one.trim() === '') return { kind: 'wrong' };
        effects.push(() => {
          session.newQuestions[key] = one;
        });
        break;
      case 'single':
      case 'multiple': {
        const multiple = kindOf(c) === 'multiple';
        if (values.length === 0 || (!multiple && values.length !== 1)) return { kind: 'wrong' };
        if (values.some((v) => !iterables.includes(v)) || new Set(values).size !== values.length) return { kind: 'wrong' };
        const expected = own(state.choices, c.Prompt);
        if (expected && (expected.length !== values.length || expected.some((v) => !values.includes(v)))) return { kind: 'wrong' };
        break;
      }
      case 'image':
        if (one === undefined || one !== iterables[state.imageIndex]) return { kind: 'wrong' };
        break;
      case 'text_or_call':
        if (one !== 'Text' && one !== 'Call') return { kind: 'wrong' };
        effects.push(() => {
          session.codeSends.push({ phone: key, method: one });
          state.codeSends.push({ requestId: session.requestId, phone: key, method: one });
        });
        break;
      case 'device':
        if (one !== 'VERIFIED') return { kind: 'wrong' };
        session.devicePolls++;
        if (state.deviceDecision === 'refuse') return { kind: 'wrong' };
        if (session.devicePolls <= state.deviceApprovalAfterPolls) waiting = true;
        break;
    }
  }
  if (waiting) return { kind: 'waiting' };
  return { kind: 'ok', apply: () => effects.forEach((effect) => effect()) };
}

/** The expected answer of a question; undefined: any non-empty answer; null: none can be right. */
function expectedAnswer(state: FlinksSimState, session: SimSession, prompt: string): string | undefined | null {
  if (/securid/i.test(prompt)) return state.securId;
  if (/security code/i.test(prompt)) return session.codeSends.length > 0 ? state.securityCode : null;
  return own(state.answers, prompt);
}

// ---------------------------------------------------------------- /AuthorizeAsync

/**
 * /AuthorizeAsync (help article 43000735707, enabled per instance): each step (credentials,
 * an MFA answer) answers `202 OPERATION_PENDING` with its RequestId; the outcome — a 203,
 * the 200, or the step's error — is answered to a later poll with the RequestId alone.
 */
export async function authorizeAsync(ctx: Ctx): Promise<Response> {
  const { request, state } = ctx;
  const body = lowerKeys(ctx.body);
  const requestId = body ? str(body.requestid) : undefined;
  const session = requestId ? liveSession(state, requestId) : undefined;
  if (session?.deferred && body?.securityresponses === undefined) {
    const denied = spendToken(request, state);
    if (denied) return denied;
    session.lastActivity = state.now();
    if ((session.asyncPollsLeft ?? 0) > 0) {
      session.asyncPollsLeft = (session.asyncPollsLeft ?? 1) - 1;
      return stillProcessing(session.requestId);
    }
    const { status, body: outcome } = session.deferred;
    delete session.deferred;
    return json(status, outcome);
  }
  const response = authorize(ctx);
  const outcome: unknown = await response.clone().json();
  const id = outcome !== null && typeof outcome === 'object' && 'RequestId' in outcome && typeof outcome.RequestId === 'string' ? outcome.RequestId : undefined;
  const stepped = id ? liveSession(state, id) : undefined;
  // Only a step of a session is deferred; a refused token or malformed request is answered at once.
  if (!stepped || response.status === 202) return response;
  stepped.deferred = { status: response.status, body: outcome };
  stepped.asyncPollsLeft = Math.max(0, state.asyncPollsUntilReady - 1);
  return stillProcessing(stepped.requestId);
}

function stillProcessing(requestId: string): Response {
  return json(202, { FlinksCode: 'OPERATION_PENDING', Links: AUTHORIZE_LINKS, HttpStatusCode: 202, Message: 'Your operation is still processing', RequestId: requestId });
}
