/**
 * The CONSENT step: `consent/init` (is there a form?), `consent/create` (the form), then
 * the user's answer through `consent/validate` and `consent/save`. The bank's objections
 * come back as a new consent challenge. Option ids are the bank's: they are looked up as
 * own properties only (an id `constructor` or `toString` is never an inherited value).
 */
import { challenge, consentChallenge } from './challenges.js';
import { consentCreate, consentInit, consentSave, consentValidate, send, userOf } from './client.js';
import type { Env, PowerAuthStep } from './env.js';
import { NOT_SAVED_TEXT } from './mapping.js';
import { common, type State, type StateIn, type StoredConsentOption } from './model.js';
import { passed, type Outcome } from './outcome.js';

export async function beginConsent(env: Env, state: State): Promise<PowerAuthStep | undefined> {
  const user = userOf(state);
  const init = await send(env.ctx, consentInit(env.settings, state, user));
  if (init.shouldDisplayConsentForm !== true) return undefined;
  const form = await send(env.ctx, consentCreate(env.settings, state, user));
  const options = form.options.map(
    (o): StoredConsentOption => ({ id: o.id, descriptionHtml: o.descriptionHtml ?? null, required: o.required === true, defaultValue: o.defaultValue ?? 'NOT_CHECKED', value: o.value ?? null }),
  );
  const next: StateIn<'consent'> = { ...common(state), phase: 'consent', html: form.consentHtml ?? '', options };
  return challenge(next, consentChallenge(next));
}

/** Checked only when the answer itself says `true` for that id. */
function checked(answer: Readonly<Record<string, boolean>>, id: string): boolean {
  return Object.hasOwn(answer, id) && answer[id] === true;
}

export async function answerConsent(env: Env, state: StateIn<'consent'>, answer: Readonly<Record<string, boolean>>): Promise<Outcome> {
  const options: StoredConsentOption[] = state.options.map((o) => ({ ...o, value: checked(answer, o.id) ? 'CHECKED' : 'NOT_CHECKED' }));
  const next: StateIn<'consent'> = { ...state, options };
  const user = userOf(state);
  const validation = await send(env.ctx, consentValidate(env.settings, state, user, options));
  if (!validation.consentValidationPassed) {
    const errors = new Map<string, string>();
    for (const r of validation.optionValidationResults ?? []) if (r.validationPassed !== true && r.errorMessage) errors.set(r.id, r.errorMessage);
    return challenge(next, consentChallenge(next, { ...(validation.validationErrorMessage ? { message: validation.validationErrorMessage } : {}), options: errors }));
  }
  const saved = await send(env.ctx, consentSave(env.settings, state, user, options));
  // Web Flow: "processing OK but not saved now" → error.communication, the user may try again.
  if (!saved.saveSucceeded) return challenge(next, consentChallenge(next, { message: NOT_SAVED_TEXT }));
  return passed(next, []);
}
