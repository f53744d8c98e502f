/**
 * The model check of what an adapter returns (accounts, transactions, holders): each item
 * against its zod schema, with the failing field named. Balances in another currency than
 * their account are a provider error, not data.
 */
import { ProviderResponseError } from '../errors.js';
import { check, type SchemaOutput, type StandardSchemaV1 } from '../schema.js';
import type { Account } from './account.js';

export function validateList<S extends StandardSchemaV1>(
  provider: string,
  what: string,
  items: unknown,
  schema: S,
  each?: (item: SchemaOutput<S>, index: number) => void,
): Array<SchemaOutput<S>> {
  if (!Array.isArray(items)) throw new ProviderResponseError(provider, what, '', 'adapter did not return a list');
  return items.map((item: unknown, index) => {
    const parsed = check(schema, item);
    if (!parsed.ok) {
      const issue = parsed.issues[0];
      throw new ProviderResponseError(provider, what, `${index}${issue?.path ? `.${issue.path}` : ''}`, issue?.message ?? `invalid ${what}`);
    }
    each?.(parsed.value, index);
    return parsed.value;
  });
}

export function checkAccount(account: Account, index: number): void {
  for (const [kind, money] of Object.entries(account.balances)) {
    if (money && money.currency !== account.currency) {
      throw new ProviderResponseError(account.provider, 'accounts', `${index}.balances.${kind}.currency`, `${money.currency} differs from the account currency ${account.currency}`);
    }
  }
}
