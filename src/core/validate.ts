import type { z } from 'zod';
import { ValidationError, type Issue } from './errors.js';
import { check, issuePath, type SchemaOutput, type StandardSchemaV1 } from './schema.js';

export { issuePath };

/** Zod issues as plain `{ path, message }`, without ever echoing the input value. */
export function toIssues(error: z.core.$ZodError): Issue[] {
  return error.issues.map((issue) => ({ path: issuePath(issue.path), message: issue.message }));
}

/** Parses user input (connect input, ref, options); a mismatch is a ValidationError before anything is sent. */
export function parseInput<S extends StandardSchemaV1>(schema: S, value: unknown, what: string, provider?: string): SchemaOutput<S> {
  const result = check(schema, value);
  if (!result.ok) throw new ValidationError(what, result.issues, provider === undefined ? {} : { provider });
  return result.value;
}
