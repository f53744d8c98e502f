/** Checks on what a call is given: the caller's values (before anything is sent) and the session's phase. */
import * as z from 'zod/mini';
import { ProviderResponseError, ValidationError, type Session } from '../../provider.js';
import { PROVIDER } from './mapping.js';
import type { ActiveState, FintectureState } from './schemas/model.js';

/** A schema's verdict on a caller's value, as a ValidationError naming every wrong field. */
export function checked<S extends z.ZodMiniType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = z.safeParse(schema, value);
  if (result.success) return result.data;
  throw new ValidationError(
    what,
    result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
    { provider: PROVIDER },
  );
}

export function activeState(session: Session<FintectureState>): ActiveState {
  if (session.state.phase !== 'active') throw new ProviderResponseError(PROVIDER, 'session', 'phase', `expected an active connection, got ${session.state.phase}`);
  return session.state;
}
