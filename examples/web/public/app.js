/**
 * The page: pick a provider and a case, then one step at a time, whatever the bank asks.
 * It talks only to this app's server (/api/…), which holds every secret; the page gets views.
 */
import { accountsTable, challengeForm, clockTime, h, showIssues } from './render.js';

const $ = (id) => document.getElementById(id);
let providers = [];
/** The decoupled challenge being waited for, and since when (for the elapsed time). */
let waiting = null;

async function api(method, path, body) {
  try {
    const response = await fetch(path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const view = await response.json();
    if (view && typeof view.state === 'string') return view;
    return { state: 'failed', error: { message: view?.error ?? `The server answered HTTP ${response.status}.` } };
  } catch {
    return { state: 'failed', error: { message: 'This page lost its connection to the server. Reload it to see where your link stands.' } };
  }
}

// ---------------------------------------------------------------- the provider picker

function selectedProvider() {
  return providers.find((p) => p.id === document.querySelector('input[name="provider"]:checked')?.value);
}

function renderStartFields() {
  const provider = selectedProvider();
  const box = $('start-fields');
  box.replaceChildren();
  const cases = $('case');
  if (!provider) return;
  const chosen = provider.cases.find((c) => c.name === cases.value) ?? provider.cases[0];
  if (!provider.startFields.length) return;
  const { body } = challengeForm({ type: 'credentials', fields: provider.startFields }, chosen?.start?.preset);
  box.append(...body);
  if (chosen?.start?.hint) box.append(h('p', { class: 'sandbox-line', text: `Sandbox: ${chosen.start.hint}` }));
}

function renderCases() {
  const provider = selectedProvider();
  const cases = $('case');
  cases.replaceChildren(...(provider?.cases ?? []).map((c) => h('option', { value: c.name, text: `${c.name} — ${c.description}` })));
  $('start').disabled = !provider;
  renderStartFields();
}

function renderPicker() {
  const list = $('providers');
  list.replaceChildren(
    ...providers.map((p) => h('label', { class: 'provider' }, h('input', { type: 'radio', name: 'provider', value: p.id }), h('strong', { text: p.id }), h('span', { text: p.label }))),
  );
  list.addEventListener('change', renderCases);
  $('case').addEventListener('change', renderStartFields);
  renderCases();
}

// ---------------------------------------------------------------- views

function renderSandbox(view) {
  const panel = $('sandbox');
  const hint = view.sandbox?.hint;
  panel.hidden = !hint;
  $('sandbox-text').textContent = hint ?? '';
}

function stepCard(title, ...content) {
  return h('section', { class: 'card', id: 'step-card' }, h('h2', { text: title }), ...content);
}

function cancelButton() {
  const button = h('button', { type: 'button', class: 'secondary', id: 'cancel', text: 'Cancel' });
  button.addEventListener('click', async () => show(await api('DELETE', '/api/link')));
  return button;
}

function answerForm(view) {
  const challenge = view.challenge;
  const form = challengeForm(challenge, view.sandbox?.preset);
  const element = h('form', { id: 'answer', novalidate: true, autocomplete: 'off' }, ...form.body, h('p', { class: 'issue form-issue', 'data-issue': '', role: 'alert' }));
  const actions = h('div', { class: 'actions' }, h('button', { type: 'submit', id: 'submit', text: 'Continue' }));
  if (form.resend) {
    const resend = h('button', { type: 'button', class: 'secondary', id: 'resend', text: 'Send a new code' });
    resend.addEventListener('click', async () => show(await api('POST', '/api/link/resend')));
    actions.append(resend);
  }
  actions.append(cancelButton());
  element.append(actions);
  element.addEventListener('submit', async (event) => {
    event.preventDefault();
    $('submit').disabled = true;
    show(await api('POST', '/api/link/answer', { answer: form.collect(element) }));
  });
  if (view.invalid) {
    const orphans = showIssues(element, view.invalid);
    if (orphans.length) showIssues(element, orphans.map((i) => ({ path: '', message: `${i.path}: ${i.message}` })));
  }
  return element;
}

const TITLES = { credentials: 'Sign in to your bank', otp: 'Enter your code', questions: 'Security questions', choice: 'Make a choice', consent: 'Your consent' };
const CHANNELS = { app: 'in your bank app', device: 'on your trusted device', sms: 'by SMS', email: 'by email' };

function seconds(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

function waitingCard(view) {
  const challenge = view.challenge;
  if (waiting?.id !== challenge.id) waiting = { id: challenge.id, since: Date.now(), timer: undefined };
  const clock = h('p', { class: 'clock', id: 'elapsed' });
  const tick = () => {
    const left = challenge.expiresAt ? Date.parse(challenge.expiresAt) - Date.now() : undefined;
    clock.textContent = `Waiting ${seconds(Date.now() - waiting.since)}${challenge.expiresAt ? ` · expires at ${clockTime(challenge.expiresAt)}${left > 0 ? ` (${seconds(left)} left)` : ''}` : ''}`;
  };
  tick();
  clearInterval(waiting.timer);
  waiting.timer = setInterval(tick, 1000);
  const where = CHANNELS[challenge.channel];
  const card = stepCard(
    'Approve the access',
    h('p', { class: 'message', text: challenge.message ?? 'Approve the access on your other device.' }),
    where ? h('p', { class: 'channel', text: `Waiting for your approval ${where}.` }) : null,
    challenge.appUrl ? h('p', {}, h('a', { href: challenge.appUrl, target: '_blank', rel: 'noopener noreferrer', id: 'open-app', text: 'Open the bank app' })) : null,
    h('div', { class: 'spinner', 'aria-hidden': 'true' }),
    clock,
    h('div', { class: 'actions' }, cancelButton()),
  );
  pollSoon(challenge.id);
  return card;
}

/** The live wait: one poll request at a time (each waits up to 2 s on the server), while this challenge is shown. */
async function pollSoon(id) {
  await new Promise((r) => setTimeout(r, 300));
  if (waiting?.id !== id || $('step').dataset.state !== 'waiting') return;
  const view = await api('POST', '/api/link/poll');
  if (waiting?.id !== id || $('step').dataset.state !== 'waiting') return;
  if (view.state === 'waiting' && view.challenge?.id === id) pollSoon(id);
  else show(view);
}

function redirectCard(view) {
  const challenge = view.challenge;
  const go = h('a', { class: 'button', href: challenge.url, id: 'go-to-bank', text: 'Continue to your bank' });
  return stepCard('Your bank asks you to sign in on its website', h('p', { class: 'message', text: challenge.message ?? 'You will come back here once done.' }), h('div', { class: 'actions' }, go, cancelButton()));
}

function endCard(view) {
  const again = h('button', { type: 'button', id: 'again', text: 'Link another bank' });
  again.addEventListener('click', () => {
    $('picker').hidden = false;
    $('step').replaceChildren();
  });
  if (view.state === 'active') {
    return stepCard('Your bank is linked', h('p', { class: 'success', text: `${view.accounts?.length ?? 0} account(s) from ${view.provider}` }), accountsTable(view.accounts ?? []), h('div', { class: 'actions' }, again));
  }
  const title = view.state === 'cancelled' ? 'Cancelled' : 'The link did not work';
  return stepCard(title, h('p', { class: 'error', id: 'error-message', role: 'alert', text: view.error?.message ?? 'The link was cancelled.' }), h('div', { class: 'actions' }, again));
}

function show(view) {
  const step = $('step');
  step.dataset.state = view.state;
  if (view.state !== 'waiting' && waiting) {
    clearInterval(waiting.timer);
    waiting = null;
  }
  $('picker').hidden = view.state !== 'idle';
  renderSandbox(view);
  const notice = view.notice ? h('p', { class: 'notice', id: 'notice', role: 'status', text: view.notice }) : null;
  switch (view.state) {
    case 'idle':
      step.replaceChildren(...(notice ? [notice] : []));
      if (view.invalid) showIssues($('start-fields'), view.invalid);
      return;
    case 'challenge': {
      const challenge = view.challenge;
      const message = challenge.message && challenge.message !== challenge.label && challenge.message !== challenge.prompt ? h('p', { class: 'message', id: 'challenge-message', text: challenge.message }) : null;
      step.replaceChildren(stepCard(TITLES[challenge.type] ?? 'Next step', notice, message, answerForm(view)));
      step.querySelector('input:not([type=hidden]), select')?.focus();
      return;
    }
    case 'waiting':
      step.replaceChildren(waitingCard(view));
      return;
    case 'redirect':
      step.replaceChildren(redirectCard(view));
      return;
    default:
      step.replaceChildren(endCard(view));
  }
}

$('start-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const provider = selectedProvider();
  if (!provider) return;
  const fields = Object.fromEntries(provider.startFields.map((f) => [f.name, event.target.elements.namedItem(f.name).value]));
  $('start').disabled = true;
  try {
    show(await api('POST', '/api/link', { provider: provider.id, case: $('case').value, fields }));
  } finally {
    $('start').disabled = false;
  }
});

providers = await (await fetch('/api/providers')).json();
renderPicker();
show(await api('GET', '/api/link'));
