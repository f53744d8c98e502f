/**
 * Provider JSON, read so that no number is silently rounded. `JSON.parse` turns
 * `12345678901234567.89` into 12345678901234568; where such a number may appear, the body
 * is parsed again with the number's source text (JSON.parse source text access, in V8
 * runtimes), and a number that its double cannot hold exactly is kept as its source text
 * (a decimal string: the amount readers take strings). A runtime without source access
 * rejects such a number instead of rounding it.
 */

/**
 * A number token that may not survive the double: 16+ significant digits, or an exponent.
 * Only where a value starts (the body's start, or after `:`, `,`, `[`): a digit run inside a
 * string (an IBAN, a card number) would otherwise send every account list down the slow path.
 * A string that holds `:` and then such digits still matches; that costs time, not exactness.
 */
const RISKY = /(?:^|[:,[])\s*-?\d(?:[\d.]{15,}|[\d.]*[eE])/;
/** The same tokens, whole (exponent included), to check each one. */
const RISKY_TOKENS = /(?:^|[:,[])\s*(-?\d(?:[\d.]{15,}(?:[eE][+-]?\d+)?|[\d.]*[eE][+-]?\d+))/g;

export class InexactNumberError extends Error {
  override name = 'InexactNumberError';
}

/** Sign, significant digits and the power of ten of the last digit: `-12.50` → ['-', '125', -1]. */
function decimalParts(text: string): [string, string, number] | undefined {
  const match = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!match) return undefined;
  const whole = match[2] ?? '';
  const fraction = match[3] ?? '';
  let digits = (whole + fraction).replace(/^0+/, '');
  let exponent = Number(match[4] ?? '0') - fraction.length;
  const trailing = /0+$/.exec(digits)?.[0].length ?? 0;
  digits = digits.slice(0, digits.length - trailing);
  exponent += trailing;
  if (digits === '') return ['', '0', 0];
  return [match[1] ?? '', digits, exponent];
}

/** True when the double `value` stands exactly for the decimal `source`. */
export function isExactNumber(source: string, value: number): boolean {
  if (!Number.isFinite(value)) return false;
  const a = decimalParts(source);
  const b = decimalParts(String(value));
  return a !== undefined && b !== undefined && a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
}

interface SourceContext {
  source?: string;
}

function reviver(_key: string, value: unknown, context?: SourceContext): unknown {
  if (typeof value !== 'number') return value;
  const source = context?.source;
  if (source === undefined) {
    // No source access (JavaScriptCore): what cannot be exact is refused, never rounded.
    if (!Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER) throw new InexactNumberError('a number in the body is beyond the exact range of this runtime');
    return value;
  }
  return isExactNumber(source, value) ? value : source;
}

/**
 * True when a risky-looking number token of `text` is one its double cannot hold: only then is
 * the source text needed. Most risky tokens are exact (`0.30000000000000004` from a float sum,
 * `1e-7`): checking them one by one is far cheaper than a reviver called for every value.
 */
function needsSourceText(text: string): boolean {
  for (const match of text.matchAll(RISKY_TOKENS)) {
    const token = match[1] ?? '';
    if (!isExactNumber(token, Number(token))) return true;
  }
  return false;
}

/** JSON.parse that keeps every number exact (as its source text when a double cannot hold it). */
export function parseJson(text: string): unknown {
  if (!RISKY.test(text) || !needsSourceText(text)) return JSON.parse(text);
  return JSON.parse(text, reviver as (this: unknown, key: string, value: unknown) => unknown);
}
