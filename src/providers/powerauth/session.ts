/**
 * What a user passes (connect input, connection reference), what the adapter remembers
 * between steps (checkpointable state), and the operation every call carries: the
 * operation context and its chain of authentication steps, as Next Step defines them.
 */
import { z } from 'zod';
import { uuid } from '../../core/kit.js';
import { atLeast, type Settings, type Version } from './options.js';
import { AccountStatus, ApplicationContext, ConsentOptionValue, FormData } from './schemas.js';

// ---------------------------------------------------------------- input and reference

export const OperationInput = z.strictObject({
  /** The operation id (Next Step's UUID); generated when absent. */
  id: z.string().min(1).max(256).optional(),
  /** `login_sca` (default), `login`, `authorize_payment`, `authorize_payment_sca` or a bank's own name. */
  name: z.string().min(1).max(32).optional(),
  /** Operation data (`A2` for a login, `A1*A100CZK*…` for a payment). Default `A2`. */
  data: z.string().min(1).max(1024).optional(),
  externalTransactionId: z.string().min(1).max(256).optional(),
  /** Form data shown to the user (title, summary, parameters). Default: the login form. */
  formData: FormData.optional(),
  /** The application (OAuth client) the operation is for; used by the bank for the consent text. */
  applicationContext: ApplicationContext.optional(),
});

export const Input = z.strictObject({
  operation: OperationInput.optional(),
  /** Language of the texts the bank sends (SMS, consent). Default `en`. */
  lang: z.string().regex(/^[a-z]{2,3}$/, 'expected an ISO 639-1 language code such as "en"').optional(),
  /** The username when already known: the username step is skipped. */
  username: z.string().min(1).max(256).optional(),
  /** What the anti-fraud system sees of the end user (when `afs` is enabled). */
  afs: z
    .strictObject({
      clientIpAddress: z.string().max(64).optional(),
      /** ThreatMark cookies (`tm_device_tag`, `tm_session_sid`): kept sealed, never in a checkpoint in clear. */
      extras: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
});
export type PowerAuthInput = z.infer<typeof Input>;

/** A completed link: the bank's user and the operation it was authorized through. */
export const Ref = z.strictObject({
  userId: z.string().min(1),
  organizationId: z.string().min(1),
  operationId: z.string().min(1),
  operationName: z.string().min(1),
  operationData: z.string().min(1),
});
export type PowerAuthRef = z.infer<typeof Ref>;

// ---------------------------------------------------------------- state

/** Next Step's authentication methods, as far as the Data Adapter takes part in them. */
export const AuthMethod = z.enum(['USERNAME_PASSWORD_AUTH', 'LOGIN_SCA', 'SMS_KEY', 'APPROVAL_SCA', 'CONSENT']);
export type AuthMethod = z.infer<typeof AuthMethod>;

/** A consent option as Web Flow's model class holds it (and sends it back with the user's value). */
export const StoredConsentOption = z.object({
  id: z.string(),
  descriptionHtml: z.string().nullable(),
  required: z.boolean(),
  defaultValue: ConsentOptionValue,
  value: ConsentOptionValue.nullable(),
});
export type StoredConsentOption = z.infer<typeof StoredConsentOption>;

/** What the pending challenge is waiting for. */
export const Phase = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  /** Username (and password for a non-SCA login). */
  z.object({ kind: z.literal('identify') }),
  /** The password alone (AFS step-down that skips the SMS). */
  z.object({ kind: z.literal('password') }),
  z.object({
    kind: z.literal('otp'),
    /** The Data Adapter's message id; null on Web Flow's fake path (no SMS is sent for an unknown user). */
    messageId: z.string().nullable(),
    withPassword: z.boolean(),
    expiresAt: z.string(),
    delivered: z.boolean(),
  }),
  z.object({ kind: z.literal('consent'), html: z.string(), options: z.array(StoredConsentOption) }),
]);
export type Phase = z.infer<typeof Phase>;

export const State = z.object({
  v: z.literal(1),
  /** The operation context exactly as it is sent with every call. */
  operation: z.record(z.string(), z.json()),
  lang: z.string(),
  organizationId: z.string(),
  /** Remaining steps of the operation; the first is the current one. */
  steps: z.array(AuthMethod),
  username: z.string().optional(),
  /** The username came with the connect input: only the password is asked. */
  usernameGiven: z.boolean().optional(),
  userId: z.string().optional(),
  accountStatus: AccountStatus.optional(),
  /**
   * False when the lookup found no usable user (unknown or not active): the flow then
   * goes on exactly as for a real user but nothing is sent and every answer fails, so
   * the caller cannot tell which usernames exist (Web Flow's "fake SMS" path).
   */
  known: z.boolean().optional(),
  at: Phase,
  /** Failed tries of the current step (Next Step's counter). */
  fails: z.number().int().nonnegative(),
  afs: z.object({ counts: z.record(z.string(), z.number().int()), loginAuth: z.boolean(), clientIpAddress: z.string() }).optional(),
  done: z.boolean().optional(),
});
export type State = z.infer<typeof State>;
export type OperationContext = State['operation'];

// ---------------------------------------------------------------- operations

/** Next Step's default step chains (Configuring-Next-Step.md). */
const CHAINS: Readonly<Record<string, readonly AuthMethod[]>> = {
  login: ['USERNAME_PASSWORD_AUTH', 'CONSENT'],
  authorize_payment: ['USERNAME_PASSWORD_AUTH', 'SMS_KEY', 'CONSENT'],
  login_sca: ['LOGIN_SCA', 'CONSENT'],
  authorize_payment_sca: ['LOGIN_SCA', 'APPROVAL_SCA', 'CONSENT'],
};

/**
 * The steps of an operation. A name outside the documented four follows `login_sca`
 * when it ends in `_sca`, `login` otherwise. Before 0.22 there is no SCA login, no
 * combined SMS + password and no consent: SCA steps become password then SMS.
 */
export function stepsFor(name: string, version: Version): AuthMethod[] {
  const chain = [...(CHAINS[name] ?? (name.endsWith('_sca') ? CHAINS.login_sca! : CHAINS.login!))];
  if (atLeast(version, 0, 22)) return chain;
  const legacy: AuthMethod[] = [];
  for (const method of chain) {
    if (method === 'CONSENT') continue;
    const mapped: AuthMethod[] = method === 'LOGIN_SCA' ? ['USERNAME_PASSWORD_AUTH', 'SMS_KEY'] : method === 'APPROVAL_SCA' ? ['SMS_KEY'] : [method];
    for (const m of mapped) if (legacy[legacy.length - 1] !== m) legacy.push(m);
  }
  return legacy;
}

/** Operation data template: `A1…` is a payment (approval), anything else a login. */
export function isApproval(operation: OperationContext): boolean {
  return typeof operation.data === 'string' && /^A1(\*|$)/.test(operation.data);
}

/** The login form Web Flow shows for an implicit login operation (the sample's `operation/create`). */
export function loginFormData(): z.infer<typeof FormData> {
  return {
    title: { id: 'login.title', message: null },
    greeting: { id: 'login.greeting', message: null },
    summary: { id: 'login.summary', message: null },
    config: [],
    banners: [],
    parameters: [],
    userInput: {},
  };
}

/** The operation context sent with every call, with only the fields the version knows. */
export function operationContext(
  fields: { id: string; name: string; data: string; externalTransactionId?: string | undefined; formData?: unknown; applicationContext?: unknown },
  version: Version,
): OperationContext {
  const scope = /payment/.test(fields.name) ? 'pisp' : 'aisp';
  const context: Record<string, unknown> = {
    id: fields.id,
    name: fields.name,
    data: fields.data,
    ...(fields.externalTransactionId !== undefined && atLeast(version, 0, 24) ? { externalTransactionId: fields.externalTransactionId } : {}),
    formData: fields.formData ?? loginFormData(),
  };
  if (atLeast(version, 0, 22)) {
    context.applicationContext = fields.applicationContext ?? {
      id: 'polybank',
      name: 'polybank',
      description: 'Linked through polybank',
      ...(atLeast(version, 0, 23) ? { originalScopes: [scope] } : {}),
      extras: {},
    };
  }
  return JSON.parse(JSON.stringify(context)) as OperationContext;
}

/** The state a new link starts from. */
export function initialState(input: PowerAuthInput, settings: Settings): State {
  const op = input.operation ?? {};
  const name = op.name ?? 'login_sca';
  const operation = operationContext(
    {
      id: op.id ?? uuid(),
      name,
      data: op.data ?? 'A2',
      externalTransactionId: op.externalTransactionId,
      formData: op.formData,
      applicationContext: op.applicationContext,
    },
    settings.version,
  );
  return {
    v: 1,
    operation,
    lang: input.lang ?? 'en',
    organizationId: settings.organizationId,
    steps: stepsFor(name, settings.version),
    ...(input.username !== undefined ? { username: input.username, usernameGiven: true } : {}),
    at: { kind: 'none' },
    fails: 0,
    ...(settings.afs ? { afs: { counts: {}, loginAuth: false, clientIpAddress: input.afs?.clientIpAddress ?? '' } } : {}),
  };
}

/** The state of a stored link: enough to call the Data Adapter for its accounts. */
export function stateFromRef(ref: PowerAuthRef, settings: Settings): State {
  return {
    v: 1,
    operation: operationContext({ id: ref.operationId, name: ref.operationName, data: ref.operationData }, settings.version),
    lang: 'en',
    organizationId: ref.organizationId,
    steps: [],
    userId: ref.userId,
    known: true,
    at: { kind: 'none' },
    fails: 0,
    done: true,
  };
}

export function refFrom(state: State): PowerAuthRef {
  return {
    userId: state.userId ?? '',
    organizationId: state.organizationId,
    operationId: String(state.operation.id),
    operationName: String(state.operation.name),
    operationData: String(state.operation.data),
  };
}
