import type { z } from 'zod';
import { ValidationError, type Issue } from './errors.js';

/** `['Accounts', 0, 'Balance']` → `Accounts.0.Balance`. */
export function issuePath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((part) => String(part)).join('.');
}

/** Zod issues as plain `{ path, message }`, without ever echoing the input value. */
export function toIssues(error: z.ZodError): Issue[] {
  return error.issues.map((issue) => ({ path: issuePath(issue.path), message: issue.message }));
}

/** Parses user input (connect input, ref, options); a mismatch is a ValidationError before anything is sent. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string, provider?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ValidationError(what, toIssues(result.error), provider === undefined ? {} : { provider });
  }
  return result.data;
}
