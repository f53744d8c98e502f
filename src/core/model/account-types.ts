/**
 * One vocabulary of account types for every provider: the names providers send (Powens'
 * `AccountTypeName`, ISO 20022 cash-account codes, Flinks' types, free text such as
 * "Compte Courant") mapped to the normalized `AccountType`. A joint account is a checking
 * account whoever sends it.
 */
import type { AccountType } from './account.js';

/** Exact names (compared lower-cased, as own properties only). */
const EXACT: Readonly<Record<string, AccountType>> = {
  // ISO 20022 ExternalCashAccountType1Code
  cacc: 'checking', cash: 'checking', tran: 'checking', curr: 'checking', trad: 'checking', char: 'checking', nrex: 'checking',
  svgs: 'savings', onde: 'savings', lloa: 'savings',
  card: 'card', cacd: 'card',
  loan: 'loan', mort: 'loan',
  moma: 'investment', secu: 'investment',
  // Powens AccountTypeName
  checking: 'checking', joint: 'checking', deposit: 'savings', savings: 'savings', livret_a: 'savings', livret_b: 'savings',
  ldds: 'savings', cel: 'savings', pel: 'savings', csl: 'savings', cat: 'savings', lep: 'savings',
  mortgage: 'loan', consumercredit: 'loan', revolvingcredit: 'loan',
  market: 'investment', pea: 'investment', pee: 'investment', per: 'investment', perco: 'investment', perp: 'investment',
  lifeinsurance: 'investment', madelin: 'investment', capitalisation: 'investment', article83: 'investment', rsp: 'investment',
  crowdlending: 'investment', real_estate: 'investment',
  // Flinks / North American names
  chequing: 'checking', chequeing: 'checking', creditcard: 'card', 'credit card': 'card', lineofcredit: 'loan', 'line of credit': 'loan',
  tfsa: 'investment', rrsp: 'investment', resp: 'investment', rrif: 'investment', lira: 'investment', investment: 'investment',
};

/** Free text, when no exact name matched (French, English, Spanish labels). */
const WORDS: ReadonlyArray<readonly [RegExp, AccountType]> = [
  [/joint|conjoint/i, 'checking'],
  [/courant|current|checking|cheque|chèque|corriente|giro|dépôt|depot/i, 'checking'],
  [/épargne|epargne|saving|livret|\bldd|\bpel\b|\bcel\b|ahorro/i, 'savings'],
  [/carte|card|tarjeta/i, 'card'],
  [/prêt|pret|loan|crédit|credit|mortgage|hypoth/i, 'loan'],
  [/titre|\bpea\b|invest|securities|bourse|assurance.vie|life insurance/i, 'investment'],
];

/**
 * The normalized type of a provider's account-type name; `extra` are the provider's own
 * exact names, consulted first. Unknown names are `other`.
 */
export function accountTypeOf(raw: string | null | undefined, extra?: Readonly<Record<string, AccountType>>): AccountType {
  if (!raw) return 'other';
  const name = raw.trim();
  const key = name.toLowerCase();
  if (extra && Object.hasOwn(extra, key)) return extra[key] ?? 'other';
  if (Object.hasOwn(EXACT, key)) return EXACT[key] ?? 'other';
  for (const [pattern, type] of WORDS) if (pattern.test(name)) return type;
  return 'other';
}
