import * as z from 'zod/mini';

/** ISO 4217 code: three upper-case letters. */
export const CurrencyCode = z.string().check(z.regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code'));

/** A canonical decimal string: optional minus, digits, optional fraction; no exponent, no leading zeros. */
export const DecimalString = z.string().check(z.regex(/^-?(0|[1-9]\d*)(\.\d+)?$/, 'expected a canonical decimal string such as "158121.10"'));

/**
 * An exact amount of money. `amount` is a canonical decimal string with the
 * currency's minor units ("158121.10" EUR, "1500" JPY, "1.250" BHD): never a float.
 */
export const Money = z.object({
  /** A canonical decimal string at the currency's minor units; signed where the field says so. */
  amount: DecimalString,
  /** ISO 4217 code, upper case. */
  currency: CurrencyCode,
});
export type Money = z.infer<typeof Money>;

// ISO 4217 currencies whose minor unit is not 2 (the default).
const MINOR_UNITS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0,
  UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/** Number of decimal places ISO 4217 gives a currency (2 when the code is not in the table). */
export function minorUnits(currency: string): number {
  return MINOR_UNITS[currency.toUpperCase()] ?? 2;
}

/** Thrown (as a plain RangeError) when a value cannot be an amount; adapters turn it into a ProviderResponseError. */
export class InvalidAmountError extends RangeError {
  /** `InvalidAmountError`. */
  override name = 'InvalidAmountError';
}

// Far beyond any money (10^30 of anything), near enough that no text or exponent is a memory attack.
const MAX_INTEGER_DIGITS = 30;
const MAX_EXPONENT = 40;
const MAX_AMOUNT_TEXT = 80;

const PLAIN_DECIMAL = /^(-?)(0|[1-9]\d*)(?:\.(\d+))?$/;
const ZEROS = /^0*$/;

/**
 * Turns a provider amount (a JSON number or a decimal string) into the canonical
 * decimal string for `scale` places, without ever doing float arithmetic:
 * the number is read through its shortest round-trip decimal form (what
 * `String(n)` prints), then rounded half away from zero on the digits.
 * So 0.1 + 0.2 → "0.30", 158121.1 → "158121.10", 1e21 → "1000000000000000000000.00".
 */
export function toDecimalString(value: number | string, scale: number): string {
  if (!Number.isInteger(scale) || scale < 0 || scale > 18) throw new InvalidAmountError(`invalid scale ${scale}`);
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidAmountError(`amount is not a finite number: ${value}`);
    // A double this large has already lost digits: it cannot be an exact amount (send it as a string).
    if (Math.abs(value) > Number.MAX_SAFE_INTEGER) throw new InvalidAmountError('amount is beyond 2^53 as a JSON number and cannot be exact');
    text = String(value);
  } else {
    if (value.length > MAX_AMOUNT_TEXT) throw new InvalidAmountError('amount text is too long');
    text = value.trim();
  }
  // Fast path, the usual case: a plain decimal with no more places than the scale ("1284.32", "-42.1", "15000").
  const plain = PLAIN_DECIMAL.exec(text);
  if (plain && (plain[3] ?? '').length <= scale && (plain[2] ?? '').length <= MAX_INTEGER_DIGITS) {
    const whole = plain[2] as string;
    const fraction = (plain[3] ?? '').padEnd(scale, '0');
    const body = scale > 0 ? `${whole}.${fraction}` : whole;
    return plain[1] === '-' && !(whole === '0' && ZEROS.test(fraction)) ? `-${body}` : body;
  }
  const parsed = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!parsed || ((parsed[2] ?? '') === '' && (parsed[3] ?? '') === '')) {
    throw new InvalidAmountError(`not a decimal amount: ${JSON.stringify(text.slice(0, 40))}`);
  }
  const negative = parsed[1] === '-';
  let intPart = parsed[2] ?? '';
  let fracPart = parsed[3] ?? '';
  const exponent = parsed[4] ? Number(parsed[4]) : 0;
  if (Math.abs(exponent) > MAX_EXPONENT) throw new InvalidAmountError('amount exponent out of range');
  // Shift the decimal point by the exponent on the digit string.
  if (exponent > 0) {
    const moved = fracPart.padEnd(exponent, '0');
    intPart += moved.slice(0, exponent);
    fracPart = moved.slice(exponent);
  } else if (exponent < 0) {
    const moved = intPart.padStart(-exponent, '0');
    fracPart = moved.slice(moved.length + exponent) + fracPart;
    intPart = moved.slice(0, moved.length + exponent);
  }
  // Round half away from zero at `scale` digits.
  let digits = (intPart || '0') + fracPart.padEnd(scale, '0').slice(0, scale);
  const roundUp = (fracPart[scale] ?? '0') >= '5';
  if (roundUp) digits = incrementDigits(digits);
  digits = digits.replace(/^0+(?=\d)/, '');
  const whole = digits.length > scale ? digits.slice(0, digits.length - scale) : '0';
  const fraction = digits.length > scale ? digits.slice(digits.length - scale) : digits.padStart(scale, '0');
  if (whole.length > MAX_INTEGER_DIGITS) throw new InvalidAmountError(`amount has more than ${MAX_INTEGER_DIGITS} integer digits`);
  const body = scale > 0 ? `${whole}.${fraction}` : whole;
  const isZero = /^[0.]*$/.test(body);
  return negative && !isZero ? `-${body}` : body;
}

function incrementDigits(digits: string): string {
  const chars = digits.split('');
  for (let i = chars.length - 1; i >= 0; i--) {
    if (chars[i] === '9') {
      chars[i] = '0';
    } else {
      chars[i] = String(Number(chars[i]) + 1);
      return chars.join('');
    }
  }
  return `1${chars.join('')}`;
}

/**
 * Builds exact `Money` from a provider amount. `minorUnitsOverride` lets a provider
 * that states the precision (Powens `currency.precision`) take precedence over ISO 4217.
 */
export function toMoney(value: number | string, currency: string, minorUnitsOverride?: number): Money {
  const code = currency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) throw new InvalidAmountError(`not an ISO 4217 currency: ${JSON.stringify(currency.slice(0, 10))}`);
  const scale = minorUnitsOverride ?? minorUnits(code);
  return { amount: toDecimalString(value, scale), currency: code };
}

function toUnits(value: string, scale: number): bigint {
  const negative = value.startsWith('-');
  const [whole = '0', fraction = ''] = value.replace(/^-/, '').split('.');
  const units = BigInt(whole + fraction.padEnd(scale, '0'));
  return negative ? -units : units;
}

function fromUnits(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const body = scale > 0 ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return negative ? `-${body}` : body;
}

/** The exact sum of canonical decimal strings (BigInt on the digits), at the largest scale among them. */
export function addDecimals(...values: string[]): string {
  const scale = Math.max(0, ...values.map((v) => v.split('.')[1]?.length ?? 0));
  return fromUnits(values.reduce((sum, v) => sum + toUnits(v, scale), 0n), scale);
}

/** `a - b`, exactly. */
export function subtractDecimals(a: string, b: string): string {
  return addDecimals(a, b.startsWith('-') ? b.slice(1) : b === '0' || /^0(\.0+)?$/.test(b) ? b : `-${b}`);
}

/** Adds amounts of one currency exactly; mixing currencies is a RangeError. */
export function addMoney(...amounts: Money[]): Money {
  const currency = amounts[0]?.currency;
  if (!currency) throw new InvalidAmountError('nothing to add');
  if (amounts.some((m) => m.currency !== currency)) throw new InvalidAmountError('cannot add amounts in different currencies');
  return { amount: addDecimals(...amounts.map((m) => m.amount)), currency };
}

/** `-a`, exactly, on a canonical decimal string ("0" stays "0"). */
export function negateDecimal(value: string): string {
  if (/^-?0(\.0+)?$/.test(value)) return value.replace(/^-/, '');
  return value.startsWith('-') ? value.slice(1) : `-${value}`;
}

/**
 * The sign rule of every balance: from the holder's side. What the holder owes (a card's
 * spending, a loan's outstanding principal) is negative. Providers that report the debt
 * as a positive number hand it here.
 */
export function owedBalance(money: Money): Money {
  return { amount: negateDecimal(money.amount), currency: money.currency };
}
