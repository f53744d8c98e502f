import { afterEach, describe, expect, it, vi } from 'vitest';
import { Polybank, isProviderResponseError } from 'polybank';
import { toMoney } from 'polybank/provider';
import { isExactNumber, parseJson } from '../../src/core/json.js';
import { hostileServer } from '../support/hostile-server.js';
import { plain } from '../support/plain-provider.js';

describe('numbers are read exactly (#13 item 9)', () => {
  it('keeps a number its double cannot hold as its source text, and the others as numbers', () => {
    const body = parseJson('{"big":12345678901234567.89,"plain":158121.10,"int":42,"float":0.30000000000000004,"huge":1e400,"small":1e-7}') as Record<string, unknown>;
    expect(body.big).toBe('12345678901234567.89');
    expect(body.plain).toBe(158121.1);
    expect(body.int).toBe(42);
    expect(body.float).toBe(0.30000000000000004);
    expect(body.huge).toBe('1e400');
    expect(body.small).toBe(1e-7);
  });

  it('finds a risky number wherever a value can start: after a colon, a comma, a bracket, whitespace, or alone', () => {
    expect(parseJson('{ "a" :\n\t12345678901234567.89 }')).toEqual({ a: '12345678901234567.89' });
    expect(parseJson('[1, -12345678901234567.89]')).toEqual([1, '-12345678901234567.89']);
    expect(parseJson('[12345678901234567.89]')).toEqual(['12345678901234567.89']);
    expect(parseJson('{"a":[{"b":2.5E400}]}')).toEqual({ a: [{ b: '2.5E400' }] });
    expect(parseJson(' 9007199254740993')).toBe('9007199254740993');
  });

  it('reads a body whose long digit runs are all inside strings (IBANs, card numbers) with plain JSON.parse', () => {
    const parse = vi.spyOn(JSON, 'parse');
    try {
      const body = '{"iban":"FR7630006000011234567890189","pan":"4970 1012 3456 7890 123","ref":"1e5-x","n":12.5}';
      expect(parseJson(body)).toEqual({ iban: 'FR7630006000011234567890189', pan: '4970 1012 3456 7890 123', ref: '1e5-x', n: 12.5 });
      // The reviver (per value, 7-14x slower on an account list) was not used.
      expect(parse.mock.calls.at(-1)).toEqual([body]);
    } finally {
      parse.mockRestore();
    }
  });

  it('reads a body whose risky-looking numbers are all exact (a float sum, an exponent) with plain JSON.parse', () => {
    const parse = vi.spyOn(JSON, 'parse');
    try {
      const body = '{"balance":0.30000000000000004,"rate":1e-7,"big":1.5E+10,"list":[2.220446049250313e-16, 5]}';
      expect(parseJson(body)).toEqual({ balance: 0.30000000000000004, rate: 1e-7, big: 1.5e10, list: [2.220446049250313e-16, 5] });
      expect(parse.mock.calls.at(-1)).toEqual([body]);
      // One inexact token among them sends the body down the exact path, and it is kept to the cent.
      const mixed = body.replace('"rate":1e-7', '"rate":12345678901234567.89');
      expect(parseJson(mixed)).toMatchObject({ balance: 0.30000000000000004, rate: '12345678901234567.89' });
      expect(parse.mock.calls.at(-1)?.length).toBe(2);
    } finally {
      parse.mockRestore();
    }
  });

  it('decides exactness on the digits, whatever the notation', () => {
    expect(isExactNumber('1.50', 1.5)).toBe(true);
    expect(isExactNumber('1E3', 1000)).toBe(true);
    expect(isExactNumber('-0.0', -0)).toBe(true);
    expect(isExactNumber('9007199254740993', 9007199254740992)).toBe(false);
    expect(isExactNumber('0.1000000000000000055511151231257827', 0.1)).toBe(false);
  });

  it('refuses amounts that cannot be exact, and absurd exponents', () => {
    expect(() => toMoney(12345678901234568, 'EUR')).toThrow(/beyond 2\^53/);
    expect(() => toMoney('1e400', 'EUR')).toThrow(/exponent out of range/);
    expect(() => toMoney('1e35', 'EUR')).toThrow(/more than 30 integer digits/);
    expect(toMoney('12345678901234567.89', 'EUR').amount).toBe('12345678901234567.89');
    expect(toMoney('1e21', 'EUR').amount).toBe('1000000000000000000000.00');
  });

  describe('end to end, from a provider answering such numbers', () => {
    let close: (() => Promise<void>) | undefined;
    afterEach(async () => close?.());

    async function accountsFor(text: string) {
      const s = await hostileServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(text);
      });
      close = s.close;
      const bank = new Polybank({ providers: [plain({ baseUrl: s.url })] });
      return bank.connection('plain', { id: 'c' }).accounts();
    }

    it('a balance of 12345678901234567.89 arrives to the cent', async () => {
      const accounts = await accountsFor('{"accounts":[{"id":"a","balance":12345678901234567.89,"currency":"EUR"}]}');
      expect(accounts[0]?.balances.current).toEqual({ amount: '12345678901234567.89', currency: 'EUR' });
    });

    it('a balance of 1e400 is a typed error, not Infinity or a 400-digit string', async () => {
      await expect(accountsFor('{"accounts":[{"id":"a","balance":1e400,"currency":"EUR"}]}')).rejects.toSatisfy(isProviderResponseError);
    });
  });
});
