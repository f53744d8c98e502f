/**
 * 2. Normalization throughput: a 10,000-account response and a 100,000-transaction
 * response per provider, in the provider's wire shape, through the SDK's whole data path
 * (body read, JSON.parse, the provider's zod schema, mapping to the model, the model's
 * validation), vs `JSON.parse` alone of the same bytes.
 *
 * The bodies are grown from what each simulator really answers: the accounts (or the
 * transactions page) a connection has are captured over the socket, then repeated with
 * unique ids and varied float amounts. The SDK gets them from memory through its `fetch`
 * option (no socket), so that only parsing and normalizing is measured.
 *
 * Production settings: built-in providers declare `typedOutput`, so the model's second
 * validation pass is off for them; the test-only global switch that turns it on for everyone
 * (test/support/setup.ts) must not be set here, and the section refuses to run if it is.
 */
import { PROVIDERS, activeConnection, recordCall } from '../lib/active.mjs';
import { args, emit, interleaved } from '../lib/stats.mjs';

const opts = args();
const quick = Boolean(opts.quick);
const pairs = Number(opts.pairs ?? (quick ? 5 : 15));
const ACCOUNTS = Number(opts.accounts ?? 10_000);
const TRANSACTIONS = Number(opts.transactions ?? 100_000);
const only = opts.providers ? String(opts.providers).split(',') : PROVIDERS;
const what = opts.what ? String(opts.what).split(',') : ['accounts', 'transactions'];

const clone = (value) => structuredClone(value);
/** Float amounts as providers send them (with cents, some with float artefacts once summed). */
const amount = (i) => Math.round(((i * 7919) % 2_000_000) - 1_000_000) / 100;
const pad = (i, n) => String(i).padStart(n, '0');
const repeat = (templates, n, make) => Array.from({ length: n }, (_, i) => make(clone(templates[i % templates.length]), i));

/** Per provider: how to grow a captured accounts body and a captured transactions body. */
const GROW = {
  fintecture: {
    accounts(body, n) {
      body.data = repeat(body.data, n, (item, i) => {
        item.id = `${pad(i, 8)}${item.id.slice(8)}`;
        item.attributes.internal_id = `${pad(i, 8)}-sim`;
        item.attributes.balance = amount(i);
        return item;
      });
      return body;
    },
    transactions(body, n) {
      body.data = repeat(body.data, n, (item, i) => {
        item.id = `tx-${i}`;
        item.attributes.amount = amount(i).toFixed(2);
        return item;
      });
      delete body.links.next;
      body.meta = { count: n };
      return body;
    },
  },
  powens: {
    accounts(body, n) {
      body.accounts = repeat(body.accounts, n, (item, i) => {
        item.id = 100_000 + i;
        item.number = pad(i, 10);
        item.webid = pad(i, 10);
        item.balance = amount(i);
        return item;
      });
      return body;
    },
    transactions(body, n) {
      body.transactions = repeat(body.transactions, n, (item, i) => {
        item.id = 1_000_000 + i;
        item.value = amount(i);
        if ('gross_value' in item) item.gross_value = item.value;
        return item;
      });
      body.total = n;
      if (body._links) body._links.next = null;
      return body;
    },
  },
  flinks: {
    accounts(body, n) {
      body.Accounts = repeat(body.Accounts, n, (item, i) => {
        item.Id = `${pad(i, 8)}${item.Id.slice(8)}`;
        item.Balance.Current = amount(i);
        return item;
      });
      return body;
    },
    transactions(body, n) {
      const account = body.Accounts[0];
      account.Transactions = repeat(account.Transactions, n, (item, i) => {
        item.Id = `${pad(i, 8)}${item.Id.slice(8)}`;
        const value = Math.abs(amount(i));
        item.Debit = i % 2 ? value : null;
        item.Credit = i % 2 ? null : value;
        return item;
      });
      return body;
    },
  },
  powerauth: {
    accounts(body, n) {
      const parameter = body.responseObject.formData.parameters.find((p) => p.type === 'BANK_ACCOUNT_CHOICE');
      parameter.bankAccounts = repeat(parameter.bankAccounts, n, (item, i) => {
        item.accountId = `CZ40${pad(i, 20)}`;
        item.number = `${pad(i, 8)}/1234`;
        item.balance = amount(i);
        return item;
      });
      return body;
    },
  },
};

/**
 * Records `call` once against the simulator, captures every body it received, grows the
 * main one (`main` = index of the request whose body is grown: the last), and returns the
 * replay map plus the grown bytes.
 */
async function prepare(active, call, grow, n) {
  const rec = await recordCall(active, call);
  const replay = new Map();
  let grown;
  for (const [index, request] of rec.requests.entries()) {
    const res = await fetch(request.url, { method: request.method, headers: request.headers, ...(request.body !== undefined ? { body: request.body } : {}) });
    const text = await res.text();
    const path = new URL(request.url).pathname;
    if (index === rec.requests.length - 1) {
      grown = Buffer.from(JSON.stringify(grow(JSON.parse(text), n)));
      replay.set(path, grown);
    } else {
      replay.set(path, Buffer.from(text));
    }
  }
  return { replay, bytes: grown, requests: rec.requests.length };
}

/**
 * A setup call to the simulator, once more after a network error: after a long loop served
 * from memory the pool's keep-alive sockets may have been closed by the server, and a
 * non-idempotent POST (Flinks' Authorize) is never retried by the SDK. Timed calls never go here.
 */
async function settingUp(fn) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const network = error?.code === 'network' || (error instanceof TypeError && error.message === 'fetch failed');
      if (attempt >= 3 || !network) throw error;
    }
  }
}

/**
 * The call to time, on `conn` (the active connection). Where the provider serves a repeat
 * from memory (Flinks keeps a session's answer for its idle minutes) it would not parse
 * anything the second time: each call then reads a stored connection instead,
 * `bank.connection(id, ref)` (a cached-mode Authorize, replayed from memory too, then the data).
 */
async function steady(active, callOn) {
  const onActive = () => callOn(active.conn);
  await settingUp(() => recordCall(active, onActive));
  const again = await settingUp(() => recordCall(active, onActive));
  if (again.requests.length > 0) return { call: onActive, mode: 'active' };
  return { call: () => callOn(active.bank.connection(active.id, active.conn.ref)), mode: 'stored' };
}

const VALIDATE_MODEL = Symbol.for('polybank.validateModel');
if (Reflect.get(globalThis, VALIDATE_MODEL) === true) throw new Error('the test-only switch polybank.validateModel is on: the figures would not be production');

const rows = [];
for (const id of only) {
  // The grown bodies are one page each, larger than the default body cap (Powens' 100,000 transactions: 81 MiB).
  const active = await activeConnection(id, { bankOptions: { maxResponseBytes: 512 * 2 ** 20 } });
  if (active.driver.provider(active.sim).typedOutput !== true) throw new Error(`${id}: not a typedOutput provider: the model would be validated twice`);
  const { conn, control } = active;
  const grow = GROW[id];
  const decoder = new TextDecoder();

  // Accounts
  if (what.includes('accounts')) {
    const { call, mode } = await steady(active, (c) => c.accounts());
    const { replay, bytes } = await settingUp(() => prepare(active, call, grow.accounts, ACCOUNTS));
    control.replay = replay;
    const check = await call();
    if (check.length !== ACCOUNTS) throw new Error(`${id}: ${check.length} accounts normalized, expected ${ACCOUNTS}`);
    const parse = () => JSON.parse(decoder.decode(bytes));
    // speed ratio = time(JSON.parse) / time(SDK): interleaved gives SDK/parse, inverted below.
    const s = await interleaved(call, parse, { pairs, warmup: 2 });
    rows.push({ provider: id, what: 'accounts', mode, count: ACCOUNTS, bytes: bytes.length, speed: 1 / s.ratio, p25: 1 / s.p75, p75: 1 / s.p25, pairs: s.pairs });
    control.replay = new Map();
  }

  // Transactions
  if (!what.includes('transactions')) {
    // not asked for
  } else if (grow.transactions) {
    const accounts = await conn.accounts();
    const accountId = accounts[0].id;
    const { call: list, mode } = await steady(active, async (c) => {
      let n = 0;
      for await (const _t of c.transactions(accountId)) n++;
      return n;
    });
    const { replay, bytes } = await settingUp(() => prepare(active, list, grow.transactions, TRANSACTIONS));
    control.replay = replay;
    const count = await list();
    if (count !== TRANSACTIONS) throw new Error(`${id}: ${count} transactions normalized, expected ${TRANSACTIONS}`);
    const parse = () => JSON.parse(decoder.decode(bytes));
    const s = await interleaved(list, parse, { pairs, warmup: 2 });
    rows.push({ provider: id, what: 'transactions', mode, count: TRANSACTIONS, bytes: bytes.length, speed: 1 / s.ratio, p25: 1 / s.p75, p75: 1 / s.p25, pairs: s.pairs });
    control.replay = new Map();
  } else {
    rows.push({ provider: id, what: 'transactions', count: 0, unsupported: true });
  }
  await active.server.close();
}

emit({ section: 'throughput', pairs, validateModel: Reflect.get(globalThis, VALIDATE_MODEL) === true, typedOutput: true, rows });
