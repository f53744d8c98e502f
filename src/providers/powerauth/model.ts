/**
 * What a user passes (connect input, connection reference) and what the adapter
 * remembers between steps (checkpointable state, a union on `phase`), with the operation
 * every call carries: its context and its chain of authentication steps, as Next Step
 * defines them.
 */
import * as z from 'zod/mini';
import { uuid } from '../../provider.js';
import { atLeast, type Settings, type Version } from './config.js';
import { AccountStatus, ApplicationContext, ConsentOptionValue, FormData } from './schemas.js';

const bounded = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));

// ---------------------------------------------------------------- input and reference

/** The operation to authorize through (Next Step's operation); every field has a default. */
export const OperationInput = z.strictObject({
  /** The operation id (Next Step's UUID); generated when absent. */
  id: z.optional(bounded(256)),
  /** `login_sca` (default), `login`, `authorize_payment`, `authorize_payment_sca` or a bank's own name. */
  name: z.optional(bounded(32)),
  /** Operation data (`A2` for a login, `A1*A100CZK*…` for a payment). Default `A2`. */
  data: z.optional(bounded(1024)),
  /** Your own id of the transaction, passed through to the bank. */
  externalTransactionId: z.optional(bounded(256)),
  /** Form data shown to the user (title, summary, parameters). Default: the login form. */
  formData: z.optional(FormData),
  /** The application (OAuth client) the operation is for; used by the bank for the consent text. */
  applicationContext: z.optional(ApplicationContext),
});

export const Input = z
  .strictObject({
    /** The operation to authorize; default a `login_sca` operation. Not with `implicitLogin`. */
    operation: z.optional(OperationInput),
    /**
     * Let the bank create the operation (`operation/create`, ≥0.24: Web Flow's implicit
     * login operation) for the OAuth client it knows the app by, and the scopes asked.
     */
    implicitLogin: z.optional(
      z.strictObject({
        /** The OAuth client id the bank knows the app by. */
        clientId: bounded(256),
        /** Default `['aisp']`. The sample adapter accepts exactly one scope, `aisp` or `pisp`. */
        scopes: z.optional(z.array(bounded(64)).check(z.minLength(1), z.maxLength(8))),
      }),
    ),
    /** Language of the texts the bank sends (SMS, consent). Default `en`. */
    lang: z.optional(z.string().check(z.regex(/^[a-z]{2,3}$/, 'expected an ISO 639-1 language code such as "en"'))),
    /** The username when already known: the username step is skipped. */
    username: z.optional(bounded(256)),
    /**
     * The user's client TLS certificate (PEM, as your TLS terminator received it): when the
     * bank enables certificate login for the SCA login (`auth/method/init`, ≥0.24), it
     * replaces the username, password and SMS code (`auth/certificate/verify`).
     */
    clientCertificate: z.optional(bounded(16_384)),
    /** What the anti-fraud system sees of the end user (when `afs` is enabled). */
    afs: z.optional(
      z.strictObject({
        /** The end user's IP address. */
        clientIpAddress: z.optional(z.string().check(z.maxLength(64))),
        /** ThreatMark cookies (`tm_device_tag`, `tm_session_sid`): kept sealed, never in a checkpoint in clear. */
        extras: z.optional(z.record(z.string(), z.string())),
      }),
    ),
  })
  .check(z.refine((input) => !(input.operation && input.implicitLogin), { message: 'give either operation or implicitLogin, not both', path: ['implicitLogin'] }));
/** What `bank.connect('powerauth', input)` takes; all optional (`{}` starts a login). */
export type PowerAuthInput = z.input<typeof Input>;
/** The input as the adapter receives it, checked. */
export type ParsedInput = z.output<typeof Input>;

/** A completed link: the bank's user and the operation it was authorized through. */
export const Ref = z.strictObject({
  /** The bank's user id. */
  userId: z.string().check(z.minLength(1)),
  /** The user's organization. */
  organizationId: z.string().check(z.minLength(1)),
  /** The operation's id. */
  operationId: z.string().check(z.minLength(1)),
  /** The operation's name (`login_sca`, …). */
  operationName: z.string().check(z.minLength(1)),
  /** The operation's data. */
  operationData: z.string().check(z.minLength(1)),
});
/** What to store of a completed PowerAuth link: the user, and the operation it was authorized through. */
export type PowerAuthRef = z.output<typeof Ref>;

// ---------------------------------------------------------------- state

/** Next Step's authentication methods, as far as the Data Adapter takes part in them. */
export const AuthMethod = z.enum(['USERNAME_PASSWORD_AUTH', 'LOGIN_SCA', 'SMS_KEY', 'APPROVAL_SCA', 'CONSENT']);
export type AuthMethod = z.output<typeof AuthMethod>;

/** A consent option as Web Flow's model class holds it (and sends it back with the user's value). */
export const StoredConsentOption = z.object({
  /** The option's id. */
  id: z.string(),
  /** Its text, HTML as the bank sent it. */
  descriptionHtml: z.nullable(z.string()),
  /** Consent is refused unless it is checked. */
  required: z.boolean(),
  /** Checked or not at first. */
  defaultValue: ConsentOptionValue,
  /** The user's value, once answered. */
  value: z.nullable(ConsentOptionValue),
});
export type StoredConsentOption = z.output<typeof StoredConsentOption>;

/** What every phase carries: the operation, the user as far as known, the step's tries. */
const shared = {
  /** The state format's version. */
  v: z.literal(2),
  /** The operation context exactly as it is sent with every call. */
  operation: z.record(z.string(), z.json()),
  /** The language of the bank's texts. */
  lang: z.string(),
  /** The users' organization. */
  organizationId: z.string(),
  /** Remaining steps of the operation; the first is the current one. */
  steps: z.array(AuthMethod),
  /** The username, once given. */
  username: z.optional(z.string()),
  /** The username came with the connect input: only the password is asked. */
  usernameGiven: z.optional(z.boolean()),
  /** Only for a user the lookup found active: an unknown or blocked user has none (nothing is sent for them). */
  userId: z.optional(z.string()),
  /** The user's account status, from the lookup. */
  accountStatus: z.optional(AccountStatus),
  /**
   * False when the lookup found no usable user (unknown or not active): the flow then goes
   * on exactly as for a real user, with the same requests (carrying no user), and every
   * answer fails, so that nobody can tell which usernames exist (Web Flow's fake path).
   */
  known: z.optional(z.boolean()),
  /** Failed tries of the current step (Next Step's counter). */
  fails: z.int().check(z.nonnegative()),
  /** The anti-fraud system's bookkeeping, when `afs` is on. */
  afs: z.optional(
    z.object({
      /** AFS calls made so far, per action: the next call's `stepIndex`. */
      counts: z.record(z.string(), z.int()),
      /** A `LOGIN_AUTH` was sent: the operation's end sends a `LOGOUT`. */
      loginAuth: z.boolean(),
      /** The end user's IP address. */
      clientIpAddress: z.string(),
    }),
  ),
};

export const State = z.discriminatedUnion('phase', [
  /** Before the first step, and between steps that need nobody. */
  z.object({
    ...shared,
    /** Nothing asked yet. */
    phase: z.literal('start'),
  }),
  /** Username (and password for a non-SCA login). */
  z.object({
    ...shared,
    /** Asking who the user is. */
    phase: z.literal('identify'),
  }),
  /** The password alone (AFS step-down that skips the SMS). */
  z.object({
    ...shared,
    /** Asking for the password. */
    phase: z.literal('password'),
  }),
  z.object({
    ...shared,
    /** Asking for the SMS code. */
    phase: z.literal('otp'),
    /** The Data Adapter's message id (polybank's own with `otpGeneration: 'polybank'`). */
    messageId: z.string(),
    /** The password is asked together with the code. */
    withPassword: z.boolean(),
    /** polybank's own deadline for the code: the expiry message comes from it, for every user alike. */
    expiresAt: z.string(),
    /** Whether the bank reported the SMS as sent. */
    delivered: z.boolean(),
  }),
  z.object({
    ...shared,
    /** Asking for consent. */
    phase: z.literal('consent'),
    /** The consent text, HTML as the bank sent it. */
    html: z.string(),
    /** Its options. */
    options: z.array(StoredConsentOption),
  }),
  /** Linked: what accounts() and holders() need. */
  z.object({
    ...shared,
    /** Linked. */
    phase: z.literal('active'),
    /** The bank's user id. */
    userId: z.string(),
  }),
]);
/** The PowerAuth adapter's state, a union on `phase` (what a checkpoint carries). */
export type State = z.output<typeof State>;
export type Phase = State['phase'];
export type StateIn<P extends Phase> = Extract<State, { phase: P }>;
export type OperationContext = State['operation'];

/** The fields every phase shares. */
export type Common = Omit<StateIn<'start'>, 'phase'>;

/** The state moved to another phase, keeping what every phase shares. */
export function common(state: State): Common {
  const { v, operation, lang, organizationId, steps, username, usernameGiven, userId, accountStatus, known, fails, afs } = state;
  return {
    v,
    operation,
    lang,
    organizationId,
    steps,
    fails,
    ...(username !== undefined ? { username } : {}),
    ...(usernameGiven !== undefined ? { usernameGiven } : {}),
    ...(userId !== undefined ? { userId } : {}),
    ...(accountStatus !== undefined ? { accountStatus } : {}),
    ...(known !== undefined ? { known } : {}),
    ...(afs !== undefined ? { afs } : {}),
  };
}

// ---------------------------------------------------------------- operations

/** Next Step's default step chains (Configuring-Next-Step.md). */
const CHAINS = new Map<string, readonly AuthMethod[]>([
  ['login', ['USERNAME_PASSWORD_AUTH', 'CONSENT']],
  ['authorize_payment', ['USERNAME_PASSWORD_AUTH', 'SMS_KEY', 'CONSENT']],
  ['login_sca', ['LOGIN_SCA', 'CONSENT']],
  ['authorize_payment_sca', ['LOGIN_SCA', 'APPROVAL_SCA', 'CONSENT']],
]);

/**
 * The steps of an operation. A name outside the documented four follows `login_sca`
 * when it ends in `_sca`, `login` otherwise. Before 0.22 there is no SCA login, no
 * combined SMS + password and no consent: SCA steps become password then SMS.
 */
export function stepsFor(name: string, version: Version): AuthMethod[] {
  const chain = [...(CHAINS.get(name) ?? CHAINS.get(name.endsWith('_sca') ? 'login_sca' : 'login') ?? [])];
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
export function loginFormData(): FormData {
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

export interface OperationFields {
  id: string;
  name: string;
  data: string;
  externalTransactionId?: string | undefined;
  formData?: unknown;
  applicationContext?: unknown;
}

/** The operation context sent with every call, with only the fields the version knows. */
export function operationContext(fields: OperationFields, version: Version): OperationContext {
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
  // JSON in, JSON out: what the checkpoint stores is exactly what is sent.
  return JSON.parse(JSON.stringify(context)) as OperationContext;
}

/** The state a new link starts from (its operation given, or created by the bank). */
export function initialState(input: ParsedInput, settings: Settings, operation: OperationFields): StateIn<'start'> {
  return {
    v: 2,
    phase: 'start',
    operation: operationContext(operation, settings.version),
    lang: input.lang ?? 'en',
    organizationId: settings.organizationId,
    steps: stepsFor(operation.name, settings.version),
    ...(input.username !== undefined ? { username: input.username, usernameGiven: true } : {}),
    fails: 0,
    ...(settings.afs ? { afs: { counts: {}, loginAuth: false, clientIpAddress: input.afs?.clientIpAddress ?? '' } } : {}),
  };
}

/** The operation a connect input names (the default: a `login_sca` with the login form). */
export function operationOf(input: ParsedInput): OperationFields {
  const op = input.operation ?? {};
  return {
    id: op.id ?? uuid(),
    name: op.name ?? 'login_sca',
    data: op.data ?? 'A2',
    externalTransactionId: op.externalTransactionId,
    formData: op.formData,
    applicationContext: op.applicationContext,
  };
}

/** The state of a stored link: enough to call the Data Adapter for its accounts. */
export function stateFromRef(ref: PowerAuthRef, settings: Settings): StateIn<'active'> {
  return {
    v: 2,
    phase: 'active',
    operation: operationContext({ id: ref.operationId, name: ref.operationName, data: ref.operationData }, settings.version),
    lang: 'en',
    organizationId: ref.organizationId,
    steps: [],
    userId: ref.userId,
    known: true,
    fails: 0,
  };
}

export function refFrom(state: StateIn<'active'>): PowerAuthRef {
  return {
    userId: state.userId,
    organizationId: state.organizationId,
    operationId: String(state.operation.id),
    operationName: String(state.operation.name),
    operationData: String(state.operation.data),
  };
}
