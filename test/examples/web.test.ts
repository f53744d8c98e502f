/**
 * examples/web in a real headless Chromium (Debian's chromium, driven by playwright-core): a
 * person links a bank with each provider's main scenario and, together, every challenge type
 * — credentials (masked), OTP with resend, grouped questions, pick-a-question, single and
 * multiple choice, images, consent with a required option (hostile HTML sanitized),
 * decoupled approval with a live wait and a cancel button, redirect out to the simulated bank
 * and back through the callback — and sees the accounts, or the error's userMessage.
 *
 * The example runs with canary secrets (app secrets, API keys, passwords, checkpoint keys):
 * none of them, nor any token the simulators issued, nor a stored connection reference or
 * authentication id, may appear in anything the browser received. Screenshots of each step
 * go to .tmp/artifacts/web/.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebExample, type WebExample } from '../../examples/web/app.js';
import { MemoryStore, type SaveOptions, type StoreEntry } from '../../src/index.js';
import type { FintectureSimState, FlinksSimState, PowensSimState, PowerAuthSimState, Simulator } from '../../src/testing/index.js';
import { leaked } from '../reliability/support/canaries.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ARTIFACTS = '.tmp/artifacts/web';

const canary = (what: string): string => `${what}-CANARY-${randomBytes(4).toString('hex')}`;
const SECRETS = {
  fintecture: { appSecret: canary('app-secret') },
  powens: { clientSecret: canary('client-secret'), password: canary('pw-powens') },
  flinks: { authKey: canary('auth-key'), apiKey: canary('api-key'), password: canary('pw-flinks') },
  powerauth: { password: canary('pw-powerauth') },
};
const KEYS = { signingKey: canary('checkpoint-signing-key'), encryptionKey: randomBytes(32).toString('base64') };

/** A store that remembers what it was given: every authentication id, connection reference and sealed blob is a canary too. */
class RecordingStore extends MemoryStore {
  readonly stored: string[] = [];
  override async save(id: string, entry: StoreEntry, options: SaveOptions): Promise<number> {
    const { ref, sealed, mac } = entry.checkpoint;
    this.stored.push(id, mac.value, ...(sealed ? [sealed.data] : []), ...strings(ref));
    return super.save(id, entry, options);
  }
}

/** Identifier-like strings of a reference (shorter ones, like a PowerAuth user id, also occur inside IBANs by chance). */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return value.length >= 16 ? [value] : [];
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

let app: WebExample;
let browser: Browser;
const store = new RecordingStore();

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: npm test installs Debian's chromium (scripts/ensure-test-tools.mjs), or apt-get install chromium`);
  mkdirSync(ARTIFACTS, { recursive: true });
  [app, browser] = await Promise.all([
    startWebExample({ sandbox: SECRETS, store, checkpoints: KEYS }),
    // launch() gives the browser a fresh temporary user-data-dir of its own.
    chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true }),
  ]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const sim = <S>(id: 'fintecture' | 'powens' | 'flinks' | 'powerauth'): Simulator<S> => app.sandbox.sims[id] as Simulator<S>;

/** Everything secret the app or the simulators hold by now. */
function canaries(): string[] {
  const fin = sim<FintectureSimState>('fintecture').state;
  return [
    SECRETS.fintecture.appSecret,
    SECRETS.powens.clientSecret,
    SECRETS.powens.password,
    SECRETS.flinks.authKey,
    SECRETS.flinks.apiKey,
    SECRETS.flinks.password,
    SECRETS.powerauth.password,
    KEYS.signingKey,
    KEYS.encryptionKey,
    // Tokens the providers issued to the server (not the single-use codes a redirect carries through the browser by design).
    ...fin.tokens.keys(),
    ...fin.refreshTokens.keys(),
    ...sim<PowensSimState>('powens').state.issuedTokens,
    ...sim<FlinksSimState>('flinks').state.tokens.keys(),
    ...store.stored,
  ];
}

interface Visit {
  page: Page;
  /** Every response body from this app the browser received, with its URL and headers. */
  received: Array<Promise<string>>;
  /** Every URL the browser requested (this app's, the simulated bank's). */
  requested: string[];
}

async function visit(): Promise<Visit> {
  const context = await browser.newContext({ viewport: { width: 900, height: 1000 } });
  const page = await context.newPage();
  const received: Array<Promise<string>> = [];
  const requested: string[] = [];
  page.on('request', (request) => void requested.push(request.url()));
  page.on('response', (response) => {
    received.push(
      (async () => `${response.url()}\n${JSON.stringify(await response.allHeaders())}\n${await response.text().catch(() => '')}`)(),
    );
  });
  page.on('pageerror', (error) => received.push(Promise.resolve(`pageerror ${error.message}`)));
  await page.goto(app.url);
  await page.getByRole('radio', { name: /fintecture/ }).waitFor();
  return { page, received, requested };
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
}

/** Nothing the browser got holds a secret: responses, the final DOM, cookies and storage. */
async function expectNoSecrets(v: Visit): Promise<void> {
  const texts = await Promise.all(v.received);
  const dom = await v.page.content();
  const storage = await v.page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie }));
  const cookies = JSON.stringify(await v.page.context().cookies());
  const everything = [...texts, dom, storage, cookies, ...v.requested].join('\n');
  expect(texts.filter((t) => t.startsWith('pageerror'))).toEqual([]);
  // What the bank itself sent through the browser to the callback (OAuth's single-use code, Fintecture's customer_id) is the browser's by protocol.
  const viaBrowser = new Set(v.requested.filter((u) => u.startsWith(`${app.url}/callback?`)).flatMap((u) => [...new URL(u).searchParams.values()]));
  expect(leaked(everything, canaries().filter((c) => !viaBrowser.has(c)))).toEqual([]);
  // The session cookie is the browser's only handle: HttpOnly, so page scripts cannot read it.
  expect(JSON.parse(cookies)).toEqual([expect.objectContaining({ name: 'sid', httpOnly: true, sameSite: 'Lax' })]);
  await v.page.context().close();
}

async function start(v: Visit, provider: string, caseName: string): Promise<void> {
  await v.page.getByRole('radio', { name: new RegExp(provider) }).check();
  await v.page.getByLabel('Simulated bank case').selectOption(caseName);
}

const linkButton = (page: Page) => page.getByRole('button', { name: 'Link this bank' });
const continueButton = (page: Page) => page.getByRole('button', { name: 'Continue' });

async function expectAccounts(page: Page, row: RegExp, name: string): Promise<void> {
  await page.getByRole('heading', { name: 'Your bank is linked' }).waitFor({ timeout: 15_000 });
  await expect.poll(() => page.locator('table.accounts tbody tr').count()).toBeGreaterThan(0);
  expect(await page.locator('table.accounts').innerText()).toMatch(row);
  await shot(page, name);
}

describe('examples/web in headless Chromium', { timeout: 40_000 }, () => {
  it('fintecture: a decoupled approval with a live wait (which app, elapsed time, deadline), then the accounts', async () => {
    const v = await visit();
    await shot(v.page, 'start');
    await start(v, 'fintecture', 'agfbfr-decoupled');
    await linkButton(v.page).click();
    const clock = v.page.locator('#elapsed');
    await expect.poll(() => clock.innerText()).toMatch(/^Waiting \d+ s · expires at \d\d:\d\d:\d\d \(\d+ min \d\d s left\)$/);
    expect(await v.page.getByText('Approve the access to your accounts in your Crédit Agricole app').count()).toBe(1);
    expect(await v.page.getByText('Waiting for your approval in your bank app.').count()).toBe(1);
    await shot(v.page, 'fintecture-decoupled-waiting');
    await expectAccounts(v.page, /Livret A\s+savings\s+15000\.50 EUR\s+FR76/, 'fintecture-decoupled-accounts');
    await expectNoSecrets(v);
  });

  it('fintecture: redirect out to the simulated bank page and back through the callback', async () => {
    const v = await visit();
    await start(v, 'fintecture', 'agfbfr-redirect');
    await linkButton(v.page).click();
    const go = v.page.getByRole('link', { name: 'Continue to your bank' });
    await go.waitFor();
    const bankUrl = new URL((await go.getAttribute('href')) as string);
    expect(bankUrl.origin).toBe(app.sandbox.server.origin);
    await shot(v.page, 'fintecture-redirect');
    await go.click();
    await expectAccounts(v.page, /Compte de dépôt\s+checking\s+1284\.32 EUR/, 'fintecture-redirect-accounts');
    // The browser went to the bank, then to this app's callback, then back to the page.
    expect(v.requested.some((u) => u.startsWith(bankUrl.origin))).toBe(true);
    expect(v.requested.some((u) => u.startsWith(`${app.url}/callback?`))).toBe(true);
    expect(v.page.url()).toBe(`${app.url}/`);
    await expectNoSecrets(v);
  });

  it('powens: credentials (masked password, the case preselected), an empty field refused inline, an OTP, the accounts', async () => {
    const v = await visit();
    await start(v, 'powens', 'additionalInformationNeeded');
    await linkButton(v.page).click();
    const password = v.page.getByLabel('Code (1234)');
    await password.waitFor();
    expect(await password.getAttribute('type')).toBe('password');
    expect(await v.page.getByLabel("Cas d'usage (openapi) (optional)").inputValue()).toBe('additionalInformationNeeded');
    await password.fill(SECRETS.powens.password);
    await continueButton(v.page).click(); // the login is empty: refused by challenge.answer() before anything is sent
    await expect.poll(() => v.page.locator('[data-issue="login"]').innerText()).toBe('required');
    expect(sim('powens').count('CreateConnection')).toBe(0);
    await shot(v.page, 'powens-credentials-refused');
    await v.page.getByLabel('Identifiant').fill('web-user');
    await v.page.getByLabel('Code (1234)').fill(SECRETS.powens.password);
    await continueButton(v.page).click();
    const code = v.page.getByLabel('Dites abcd (sent by sms)');
    await code.waitFor();
    expect(await v.page.locator('#challenge-message').innerText()).toBe('openapisms: Dites abcd');
    await shot(v.page, 'powens-otp');
    await code.fill('abcd');
    await continueButton(v.page).click();
    await expectAccounts(v.page, /Compte chèque\s+checking\s+7764\.38 EUR/, 'powens-accounts');
    await expectNoSecrets(v);
  });

  it('powens: the bank\'s webauth page and back through the callback', async () => {
    const v = await visit();
    await start(v, 'powens', 'webauthRequired');
    await linkButton(v.page).click();
    await v.page.getByLabel('Identifiant').fill('web-user');
    await v.page.getByLabel('Code (1234)').fill(SECRETS.powens.password);
    await continueButton(v.page).click();
    const go = v.page.getByRole('link', { name: 'Continue to your bank' });
    await go.waitFor();
    expect(new URL((await go.getAttribute('href')) as string).origin).toBe(app.sandbox.server.origin);
    await go.click();
    await expectAccounts(v.page, /Compte chèque\s+checking\s+7764\.38 EUR/, 'powens-webauth-accounts');
    expect(v.requested.some((u) => u.startsWith(`${app.url}/callback?`))).toBe(true);
    await expectNoSecrets(v);
  });

  it('powens: an approval that never comes, cancelled with the button (deleted at Powens)', async () => {
    const v = await visit();
    await start(v, 'powens', 'longDecoupled');
    await linkButton(v.page).click();
    await v.page.getByLabel('Identifiant').fill('web-user');
    await v.page.getByLabel('Code (1234)').fill(SECRETS.powens.password);
    // The flow created a Powens user for this link: cancelling deletes it (and its connection).
    const deleted = (): number => sim('powens').count('DeleteUser') + sim('powens').count('DeleteConnection');
    const deletedBefore = deleted();
    await continueButton(v.page).click();
    const clock = v.page.locator('#elapsed');
    // Live: the elapsed time moves while the page polls.
    await expect.poll(() => clock.innerText(), { timeout: 10_000 }).toMatch(/^Waiting [2-9] s/);
    await shot(v.page, 'powens-decoupled-waiting');
    await v.page.getByRole('button', { name: 'Cancel' }).click();
    await v.page.getByRole('heading', { name: 'Cancelled' }).waitFor();
    await expect.poll(deleted).toBeGreaterThan(deletedBefore);
    await shot(v.page, 'powens-cancelled');
    // No poll goes on after the cancel.
    const polls = v.requested.filter((u) => u.endsWith('/api/link/poll')).length;
    await v.page.waitForTimeout(800);
    expect(v.requested.filter((u) => u.endsWith('/api/link/poll')).length).toBe(polls);
    await expectNoSecrets(v);
  });

  it('powens: an error is shown with its userMessage', async () => {
    const v = await visit();
    await start(v, 'powens', 'wrongpass');
    await linkButton(v.page).click();
    await v.page.getByLabel('Identifiant').fill('web-user');
    await v.page.getByLabel('Code (1234)').fill(SECRETS.powens.password);
    await continueButton(v.page).click();
    await v.page.getByRole('heading', { name: 'The link did not work' }).waitFor();
    expect(await v.page.locator('#error-message').innerText()).toBe('Incorrect password');
    await shot(v.page, 'powens-error');
    await expectNoSecrets(v);
  });

  it('flinks: the sign-in form (masked password), a security question, the accounts', async () => {
    const v = await visit();
    await start(v, 'flinks', 'Greatday');
    expect(await v.page.getByLabel('Username').inputValue()).toBe('Greatday');
    expect(await v.page.getByLabel('Password').getAttribute('type')).toBe('password');
    await v.page.getByLabel('Password').fill(SECRETS.flinks.password);
    await shot(v.page, 'flinks-sign-in');
    await linkButton(v.page).click();
    const question = v.page.getByLabel('What shape do people like most?');
    await question.waitFor();
    await question.fill('Triangle');
    await continueButton(v.page).click();
    await expectAccounts(v.page, /High Interest Savings USD\s+savings\s+158121\.10 USD/, 'flinks-accounts');
    await expectNoSecrets(v);
  });

  it('flinks: three questions together, then pick three new questions and answer them', async () => {
    const v = await visit();
    await start(v, 'flinks', 'rbc_reset');
    await v.page.getByLabel('Password').fill(SECRETS.flinks.password);
    await linkButton(v.page).click();
    const answers = sim<FlinksSimState>('flinks').state.answers;
    for (const prompt of ['What is the name of your mother', 'What is the name of your father', 'What is the name of your dog']) {
      await v.page.getByLabel(prompt).fill(answers[prompt] as string);
    }
    await shot(v.page, 'flinks-grouped-questions');
    await continueButton(v.page).click();
    const pickers = v.page.getByLabel('Question');
    await pickers.first().waitFor();
    expect(await pickers.count()).toBe(3);
    const offered = await pickers.first().locator('option').allInnerTexts();
    for (let i = 0; i < 3; i++) {
      await pickers.nth(i).selectOption(offered[i + 1] as string);
      await v.page.getByLabel('Your answer').nth(i).fill(`answer ${i + 1}`);
    }
    await shot(v.page, 'flinks-pick-questions');
    await continueButton(v.page).click();
    await expectAccounts(v.page, /savings/, 'flinks-reset-accounts');
    await expectNoSecrets(v);
  });

  it('flinks: a single choice, then a multiple choice', async () => {
    const v = await visit();
    await start(v, 'flinks', 'scotia_choice');
    await v.page.getByLabel('Password').fill(SECRETS.flinks.password);
    await linkButton(v.page).click();
    const choices = sim<FlinksSimState>('flinks').state.choices;
    await v.page.getByRole('group', { name: 'Choose one of the following:' }).waitFor();
    expect(await v.page.getByRole('radio').count()).toBe(4);
    for (const label of choices['Choose one of the following:'] ?? []) await v.page.getByRole('radio', { name: label }).check();
    await shot(v.page, 'flinks-single-choice');
    await continueButton(v.page).click();
    await v.page.getByRole('group', { name: 'What purchases did you make over the last 10 days?' }).waitFor();
    expect(await v.page.getByRole('checkbox').count()).toBe(5);
    for (const label of choices['What purchases did you make over the last 10 days?'] ?? []) await v.page.getByRole('checkbox', { name: label }).check();
    await shot(v.page, 'flinks-multiple-choice');
    await continueButton(v.page).click();
    await expectAccounts(v.page, /savings/, 'flinks-choice-accounts');
    await expectNoSecrets(v);
  });

  it('flinks: a phone number and Text or Call, then the code', async () => {
    const v = await visit();
    await start(v, 'flinks', 'td_2step');
    await v.page.getByLabel('Password').fill(SECRETS.flinks.password);
    await linkButton(v.page).click();
    await v.page.getByRole('group', { name: 'Choose a phone number' }).waitFor();
    await v.page.getByRole('radio', { name: 'PhoneNumber #2' }).check();
    await v.page.getByRole('group', { name: 'How should the code reach you?' }).getByRole('radio', { name: 'Text' }).check();
    await shot(v.page, 'flinks-text-or-call');
    await continueButton(v.page).click();
    const code = v.page.getByLabel('Enter the security code (sent by sms)');
    await code.waitFor();
    await expect.poll(() => v.page.locator('#sandbox-text').innerText()).toContain(sim<FlinksSimState>('flinks').state.securityCode);
    await code.fill(sim<FlinksSimState>('flinks').state.securityCode);
    await continueButton(v.page).click();
    await expectAccounts(v.page, /savings/, 'flinks-text-or-call-accounts');
    await expectNoSecrets(v);
  });

  it('flinks: image selection shows the images, and the chosen one is sent', async () => {
    const v = await visit();
    await start(v, 'flinks', 'laurentienne_image');
    await v.page.getByLabel('Password').fill(SECRETS.flinks.password);
    await linkButton(v.page).click();
    await v.page.getByLabel('What city were you born in?').fill('Montreal');
    await continueButton(v.page).click();
    await v.page.getByRole('group', { name: 'Select an image' }).waitFor();
    const images = v.page.locator('.options.images img');
    expect(await images.count()).toBe(16);
    // Decoded and shown, not broken: every image has pixels.
    expect(await images.evaluateAll((list) => list.every((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0))).toBe(true);
    await shot(v.page, 'flinks-images');
    await v.page.getByRole('radio', { name: `Image ${sim<FlinksSimState>('flinks').state.imageIndex + 1}`, exact: true }).check();
    await continueButton(v.page).click();
    await expectAccounts(v.page, /savings/, 'flinks-image-accounts');
    await expectNoSecrets(v);
  });

  it('powerauth: username, an SMS code with the password and a resend, a wrong code, consent with a required option (provider HTML sanitized), the accounts', async () => {
    const pa = sim<PowerAuthSimState>('powerauth');
    // The consent text as a hostile Data Adapter could send it: only the formatting survives.
    pa.inject({
      endpoint: 'consent/create',
      kind: 'mutate',
      mutate: (body) => {
        const b = body as { responseObject: { consentHtml: string; options: Array<{ descriptionHtml: string }> } };
        b.responseObject.consentHtml = `I consent to share my <b>account list</b>.<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><a href="javascript:window.__pwned=3">terms</a><iframe src="about:blank"></iframe>`;
        for (const o of b.responseObject.options) o.descriptionHtml = `<i onclick="window.__pwned=4">${o.descriptionHtml}</i>`;
        return b;
      },
    });
    const v = await visit();
    await start(v, 'powerauth', 'login_sca');
    await linkButton(v.page).click();
    await v.page.getByLabel('Username').fill('user1234');
    await continueButton(v.page).click();
    const code = v.page.getByLabel('SMS authorization code (sent by sms)');
    await code.waitFor();
    const sandbox = v.page.locator('#sandbox-text');
    await expect.poll(() => sandbox.innerText()).toMatch(/Your phone received: "Authorization code for login is \d{8}\."/);
    const first = pa.state.outbox.at(-1)?.code as string;
    expect(await v.page.getByLabel('Password').getAttribute('type')).toBe('password');
    // A code of the wrong length: refused inline, nothing sent.
    await code.fill('123');
    await v.page.getByLabel('Password').fill(SECRETS.powerauth.password);
    const verifies = pa.count('sms/password/verify');
    await continueButton(v.page).click();
    await expect.poll(() => v.page.locator('[data-issue="code"]').innerText()).toBe('must be 8 characters');
    expect(pa.count('sms/password/verify')).toBe(verifies);
    // A new code, shown on the simulated phone.
    await v.page.getByRole('button', { name: 'Send a new code' }).click();
    await expect.poll(() => v.page.locator('#notice').innerText()).toBe('A new code was sent. The previous one no longer works.');
    const fresh = pa.state.outbox.at(-1)?.code as string;
    expect(fresh).not.toBe(first);
    await expect.poll(() => sandbox.innerText()).toContain(fresh);
    await shot(v.page, 'powerauth-otp-resent');
    // The old code: sent, refused by the bank; the challenge comes back with its message.
    await v.page.getByLabel('SMS authorization code (sent by sms)').fill(first);
    await v.page.getByLabel('Password').fill(SECRETS.powerauth.password);
    await continueButton(v.page).click();
    await expect.poll(() => v.page.locator('#challenge-message').innerText().catch(() => '')).toBe('Authentication failed.');
    await shot(v.page, 'powerauth-wrong-code');
    await v.page.getByLabel('SMS authorization code (sent by sms)').fill(fresh);
    await v.page.getByLabel('Password').fill(SECRETS.powerauth.password);
    await continueButton(v.page).click();
    // Consent: sanitized provider HTML; the required option refused unchecked, inline.
    const text = v.page.locator('.consent-text');
    await text.waitFor();
    expect(await text.innerHTML()).toBe('I consent to share my <b>account list</b>.<a>terms</a>');
    expect(await v.page.locator('#step img, #step script, #step iframe, #step [onclick], #step [onerror]').count()).toBe(0);
    await continueButton(v.page).click();
    await expect.poll(() => v.page.locator('[data-issue="options.CONSENT_LOGIN"]').innerText()).toBe('required to give consent');
    await shot(v.page, 'powerauth-consent');
    await v.page.getByRole('checkbox', { name: /I give consent to complete this login operation/ }).check();
    await continueButton(v.page).click();
    await expectAccounts(v.page, /Spořící účet v EUR\s+savings\s+1\.90 EUR/, 'powerauth-accounts');
    expect(await v.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await expectNoSecrets(v);
  });

  it('the API refuses a cross-site request and keeps the authentication id and reference out of every view', async () => {
    const crossSite = await fetch(`${app.url}/api/link`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body: '{}' });
    expect(crossSite.status).toBe(403);
    const notJson = await fetch(`${app.url}/api/link/answer`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(notJson.status).toBe(415);
    // A whole link over the API, as the page does it: no id, no ref, no raw provider object in any view.
    const cookie = { cookie: '' };
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${app.url}${path}`, { method, headers: { 'content-type': 'application/json', ...(cookie.cookie ? { cookie: cookie.cookie } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
      cookie.cookie ||= (response.headers.get('set-cookie') ?? '').split(';')[0] as string;
      return (await response.json()) as Record<string, unknown>;
    };
    await call('POST', '/api/link', { provider: 'flinks', case: 'greatday_nomfa', fields: { institution: 'FlinksCapital', username: 'greatday_nomfa', password: SECRETS.flinks.password } });
    const active = await call('GET', '/api/link');
    expect(active.state).toBe('active');
    expect(Object.keys(active).sort()).toEqual(['accounts', 'case', 'provider', 'state']);
    expect(Object.keys((active.accounts as object[])[0] as object).sort()).toEqual(['balance', 'currency', 'iban', 'name', 'type']);
    expect(leaked(JSON.stringify(active), canaries())).toEqual([]);
  });
});

describe('npm run example:web', () => {
  it('serves the page with one command on the bundled simulators, and stops on SIGTERM', async () => {
    const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(scripts['example:web']).toBe('tsx examples/web/main.ts');
    // The script's command, in its own process group so that the test stops exactly what it started.
    const child = spawn(`${process.cwd()}/node_modules/.bin/tsx`, ['examples/web/main.ts'], { env: { ...process.env, PORT: '0' }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      let output = '';
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed: ${output}`)), 20_000);
        child.stdout.on('data', (chunk: Buffer) => {
          output += String(chunk);
          const found = /polybank web example: (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
          if (found) {
            clearTimeout(timer);
            resolve(found);
          }
        });
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await page.text()).toContain('<script type="module" src="/app.js"></script>');
      const providers = (await (await fetch(`${url}/api/providers`)).json()) as Array<{ id: string }>;
      expect(providers.map((p) => p.id)).toEqual(['fintecture', 'powens', 'flinks', 'powerauth']);
    } finally {
      process.kill(-(child.pid as number), 'SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 30_000);
});
