/**
 * Each challenge type as a form: the elements to show and how to read the answer back in the
 * shape `challenge.answer()` takes. Everything from the server is set as text; provider HTML
 * (consent) goes through sanitizeHtml first.
 */
import { sanitizeHtml } from './sanitize.js';

let ids = 0;

/** document.createElement with text children and a few attributes; never innerHTML. */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') element.className = value;
    else if (name === 'text') element.textContent = value;
    else if (name === 'checked' || name === 'selected') element[name] = Boolean(value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return element;
}

/** Where the SDK's complaint about `path` is shown (InvalidAnswerError issues, e.g. `code`, `q1.answer`). */
function issueSlot(path) {
  return h('p', { class: 'issue', 'data-issue': path, role: 'alert' });
}

function field(label, input, path, help) {
  const id = `f${++ids}`;
  input.id = id;
  return h('div', { class: 'field' }, h('label', { for: id, text: label }), input, help ? h('small', { class: 'help', text: help }) : null, issueSlot(path));
}

export function clockTime(iso) {
  return new Date(iso).toLocaleTimeString('en-GB', { hour12: false });
}

const IMAGE_TYPES = /^image\/(png|gif|jpeg|webp)$/;

function optionList(name, options, multiple, path) {
  const type = multiple ? 'checkbox' : 'radio';
  const list = h('div', { class: options.some((o) => o.image) ? 'options images' : 'options' });
  for (const option of options) {
    const id = `f${++ids}`;
    const image = option.image && IMAGE_TYPES.test(option.image.mediaType) ? h('img', { src: `data:${option.image.mediaType};base64,${option.image.data}`, alt: option.label }) : null;
    // An image option is its image (alt: its label); a text option its label.
    list.append(h('label', { class: 'option', for: id }, h('input', { type, id, name, value: option.id }), image ?? h('span', { text: option.label })));
  }
  return [list, issueSlot(path)];
}

function picked(form, name, multiple) {
  const values = [...form.querySelectorAll(`input[name="${CSS.escape(name)}"]:checked`)].map((i) => i.value);
  return multiple ? values : (values[0] ?? '');
}

// ---------------------------------------------------------------- the challenge types

function credentials(challenge, preset) {
  const body = [];
  for (const f of challenge.fields) {
    let input;
    if (f.choices) {
      input = h('select', { name: f.name }, f.required ? null : h('option', { value: '', text: '(none)' }), f.choices.map((c) => h('option', { value: c.value, text: c.label, selected: preset?.[f.name] === c.value })));
    } else if (f.suggestions) {
      // An advisory list: suggestions to pick from, any other value typed in.
      const list = `${f.name}-suggestions`;
      input = h('input', { name: f.name, type: 'text', list, autocomplete: 'off', value: preset?.[f.name] });
      body.push(h('datalist', { id: list }, f.suggestions.map((c) => h('option', { value: c.value, text: c.label }))));
    } else {
      const secret = f.secret || f.kind === 'password';
      const autocomplete = secret ? 'current-password' : /user|login|ident/i.test(f.name) ? 'username' : 'off';
      input = h('input', { name: f.name, type: secret ? 'password' : f.kind === 'date' ? 'date' : 'text', autocomplete, inputmode: f.kind === 'number' ? 'numeric' : undefined, value: preset?.[f.name] });
    }
    body.push(field(`${f.label}${f.required ? '' : ' (optional)'}`, input, f.name, f.description));
  }
  if (challenge.remainingAttempts !== undefined) body.push(h('p', { class: 'attempts', text: `${challenge.remainingAttempts} attempt(s) left` }));
  return {
    body,
    collect: (form) => Object.fromEntries(challenge.fields.map((f) => [f.name, form.elements.namedItem(f.name).value]).filter(([, v]) => v !== '')),
  };
}

function otp(challenge) {
  const where = challenge.channel === 'unknown' ? '' : ` (sent by ${challenge.channel})`;
  const digits = /^\[0-9\]\{\d+\}$/.test(challenge.pattern ?? '');
  const body = [
    field(`${challenge.label ?? 'Security code'}${where}`, h('input', { name: 'code', autocomplete: 'one-time-code', inputmode: digits ? 'numeric' : undefined }), 'code', challenge.length ? `${challenge.length} characters` : undefined),
  ];
  if (challenge.passwordRequired) body.push(field('Password', h('input', { name: 'password', type: 'password', autocomplete: 'current-password' }), 'password'));
  if (challenge.remainingAttempts !== undefined) body.push(h('p', { class: 'attempts', text: `${challenge.remainingAttempts} attempt(s) left` }));
  return {
    body,
    resend: challenge.canResend,
    collect: (form) => ({ code: form.elements.namedItem('code').value, ...(challenge.passwordRequired ? { password: form.elements.namedItem('password').value } : {}) }),
  };
}

function questions(challenge) {
  const body = challenge.prompts.map((prompt) => {
    if (prompt.questions) {
      const select = h('select', { name: `${prompt.id}.question` }, h('option', { value: '', text: 'Pick a question' }), prompt.questions.map((q) => h('option', { value: q, text: q })));
      return h('fieldset', {}, h('legend', { text: prompt.text }), field('Question', select, `${prompt.id}.question`), field('Your answer', h('input', { name: `${prompt.id}.answer`, autocomplete: 'off' }), `${prompt.id}.answer`), issueSlot(prompt.id));
    }
    if (prompt.choices) return h('fieldset', {}, h('legend', { text: prompt.text }), optionList(prompt.id, prompt.choices, prompt.multiple === true, prompt.id));
    return field(prompt.text, h('input', { name: prompt.id, autocomplete: 'off' }), prompt.id);
  });
  return {
    body,
    collect: (form) =>
      Object.fromEntries(
        challenge.prompts.map((prompt) => {
          if (prompt.questions) return [prompt.id, { question: form.elements.namedItem(`${prompt.id}.question`).value, answer: form.elements.namedItem(`${prompt.id}.answer`).value }];
          if (prompt.choices) return [prompt.id, picked(form, prompt.id, prompt.multiple === true)];
          return [prompt.id, form.elements.namedItem(prompt.id).value];
        }),
      ),
  };
}

function choice(challenge) {
  const body = [h('fieldset', {}, h('legend', { text: challenge.prompt }), optionList('selected', challenge.options, challenge.multiple, 'selected'))];
  if (challenge.methods) {
    body.push(h('fieldset', {}, h('legend', { text: 'How should the code reach you?' }), optionList('method', challenge.methods.map((m) => ({ id: m, label: m })), false, 'method')));
  }
  return {
    body,
    collect: (form) => ({ selected: picked(form, 'selected', challenge.multiple), ...(challenge.methods ? { method: picked(form, 'method', false) } : {}) }),
  };
}

function consent(challenge) {
  const body = [h('div', { class: 'consent-text' }, sanitizeHtml(challenge.text))];
  if (challenge.error) body.push(h('p', { class: 'issue shown', text: challenge.error }));
  for (const option of challenge.options) {
    const id = `f${++ids}`;
    body.push(
      h('div', { class: 'field consent-option' },
        h('input', { type: 'checkbox', id, name: option.id, checked: option.defaultChecked }),
        h('label', { for: id }, sanitizeHtml(option.label), option.required ? h('span', { class: 'required', text: ' (required)' }) : null),
        option.error ? h('p', { class: 'issue shown', text: option.error }) : null,
        issueSlot(`options.${option.id}`)),
    );
  }
  return {
    body,
    collect: (form) => ({ options: Object.fromEntries(challenge.options.map((o) => [o.id, form.elements.namedItem(o.id).checked])) }),
  };
}

const FORMS = { credentials, otp, questions, choice, consent };

/** The form of an answerable challenge: its fields, whether it offers a resend, and its answer. */
export function challengeForm(challenge, preset) {
  const make = FORMS[challenge.type];
  if (!make) throw new Error(`no form for ${challenge.type}`);
  return make(challenge, preset);
}

/** Shows each refused field's message next to it; returns those that found no field. */
export function showIssues(root, issues) {
  const orphans = [];
  for (const issue of issues) {
    let path = issue.path;
    let slot = null;
    while (path !== undefined) {
      slot = root.querySelector(`[data-issue="${CSS.escape(path)}"]`);
      if (slot || !path.includes('.')) break;
      path = path.slice(0, path.lastIndexOf('.'));
    }
    if (slot) {
      slot.textContent = issue.message;
      slot.classList.add('shown');
    } else orphans.push(issue);
  }
  return orphans;
}

export function accountsTable(accounts) {
  return h('table', { class: 'accounts' },
    h('thead', {}, h('tr', {}, ['Account', 'Type', 'Balance', 'IBAN'].map((t) => h('th', { text: t })))),
    h('tbody', {}, accounts.map((a) => h('tr', {}, h('td', { text: a.name }), h('td', { text: a.type }), h('td', { class: 'amount', text: a.balance === null ? '—' : `${a.balance} ${a.currency}` }), h('td', { text: a.iban ?? '' })))));
}
