import * as z from 'zod/mini';

const IsoDate = z.iso.datetime({ offset: true });

/** Fields every challenge has. `id` is unique within a connection; `expiresAt` when the provider says. */
const base = {
  id: z.string().check(z.minLength(1)),
  provider: z.string().check(z.minLength(1)),
  expiresAt: z.optional(IsoDate),
  /** Text to show the user, as the provider wrote it. */
  message: z.optional(z.string()),
};

export const CredentialField = z.object({
  name: z.string().check(z.minLength(1)),
  label: z.string(),
  kind: z._default(z.enum(['text', 'password', 'date', 'number', 'list']), 'text'),
  /** A secret value (password, PIN): never logged, never checkpointed. */
  secret: z._default(z.boolean(), false),
  required: z._default(z.boolean(), true),
  description: z.optional(z.string()),
  /** A regular expression the value must match (when it compiles as a JavaScript RegExp). */
  pattern: z.optional(z.string()),
  /** For `list` fields: the only values accepted. */
  choices: z.optional(z.array(z.object({ value: z.string(), label: z.string() }))),
  /**
   * For `list` fields whose list is advisory: the values the provider suggests, though it
   * may accept others (its answer decides). Offer them as a menu with a free-text option.
   */
  suggestions: z.optional(z.array(z.object({ value: z.string(), label: z.string() }))),
});
export type CredentialField = z.infer<typeof CredentialField>;

export const CredentialsChallengeData = z.object({
  ...base,
  type: z.literal('credentials'),
  fields: z.array(CredentialField).check(z.minLength(1)),
  /** Attempts left before the bank blocks the user, when the provider says to show them. */
  remainingAttempts: z.optional(z.number().check(z.int(), z.nonnegative())),
});

export const OtpChannel = z.enum(['sms', 'app', 'token', 'email', 'call', 'unknown']);
export const OtpChallengeData = z.object({
  ...base,
  type: z.literal('otp'),
  channel: OtpChannel,
  label: z.optional(z.string()),
  length: z.optional(z.number().check(z.int(), z.positive())),
  pattern: z.optional(z.string()),
  remainingAttempts: z.optional(z.number().check(z.int(), z.nonnegative())),
  /** True when `challenge.resend()` can ask the provider for a new code. */
  canResend: z._default(z.boolean(), false),
  /** True when the provider verifies the password together with the code (PowerAuth 2FA). */
  passwordRequired: z._default(z.boolean(), false),
});

export const ChoiceOption = z.object({
  id: z.string().check(z.minLength(1)),
  label: z.string(),
  image: z.optional(z.object({ mediaType: z.string(), data: z.string() })),
});

export const QuestionPrompt = z.object({
  id: z.string().check(z.minLength(1)),
  text: z.string(),
  /** When present, the user first picks one of these questions, then answers it: `{ question, answer }`. */
  questions: z.optional(z.array(z.string()).check(z.minLength(1))),
  /** When present, the answer is one of these option ids (or several when `multiple`), not free text. */
  choices: z.optional(z.array(ChoiceOption).check(z.minLength(1))),
  multiple: z.optional(z.boolean()),
});
export type QuestionPrompt = z.infer<typeof QuestionPrompt>;
export const QuestionsChallengeData = z.object({
  ...base,
  type: z.literal('questions'),
  /** All prompts are answered together, in one answer. */
  prompts: z.array(QuestionPrompt).check(z.minLength(1)),
});

export const ChoiceChallengeData = z.object({
  ...base,
  type: z.literal('choice'),
  prompt: z.string(),
  /** What the options are: plain choices, images, or phone numbers to receive a code by text or call. */
  kind: z.enum(['single', 'multiple', 'image', 'text_or_call']),
  options: z.array(ChoiceOption).check(z.minLength(1)),
  multiple: z.boolean(),
  /** For `text_or_call`: how the code is delivered; the answer names one. */
  methods: z.optional(z.array(z.string()).check(z.minLength(1))),
});

export const DecoupledChallengeData = z.object({
  ...base,
  type: z.literal('decoupled'),
  channel: z._default(z.enum(['app', 'sms', 'email', 'device', 'unknown']), 'unknown'),
  /** Data to render as a QR code, when the provider offers one. */
  qrCode: z.optional(z.string()),
  /** An app-to-app link, when the provider offers one. */
  appUrl: z.optional(z.string()),
});

export const RedirectChallengeData = z.object({
  ...base,
  type: z.literal('redirect'),
  url: z.url(),
  /** The anti-forgery state the callback must carry back. */
  state: z.optional(z.string()),
  /** The callback parameter that carries it back, when the provider does not call it `state` (GoCardless: `ref`). */
  stateParam: z.optional(z.string().check(z.minLength(1))),
});

export const ConsentOption = z.object({
  id: z.string().check(z.minLength(1)),
  /** HTML as the provider sent it; sanitize before rendering. */
  label: z.string(),
  required: z.boolean(),
  defaultChecked: z._default(z.boolean(), false),
  /** The provider's complaint about this option after a failed validation. */
  error: z.optional(z.string()),
});
export const ConsentChallengeData = z.object({
  ...base,
  type: z.literal('consent'),
  /** HTML as the provider sent it; sanitize before rendering. */
  text: z.string(),
  options: z.array(ConsentOption),
  error: z.optional(z.string()),
});

/** Everything a challenge says, without the behaviour: what events and checkpoints carry. */
export const ChallengeData = z.discriminatedUnion('type', [
  CredentialsChallengeData,
  OtpChallengeData,
  QuestionsChallengeData,
  ChoiceChallengeData,
  DecoupledChallengeData,
  RedirectChallengeData,
  ConsentChallengeData,
]);
export type ChallengeData = z.infer<typeof ChallengeData>;
export type ChallengeType = ChallengeData['type'];
export type ChallengeDataOf<T extends ChallengeType> = Extract<ChallengeData, { type: T }>;
/** What an adapter writes: defaults (e.g. `canResend`) may be left out. */
export type ChallengeDataInput = z.input<typeof ChallengeData>;

// ---------------------------------------------------------------- answers

export const CredentialsAnswer = z.record(z.string(), z.string());
export const OtpAnswer = z.strictObject({ code: z.string(), password: z.optional(z.string()) });
export const QuestionsAnswer = z.record(
  z.string(),
  z.union([z.string(), z.array(z.string()), z.strictObject({ question: z.string(), answer: z.string() })]),
);
export const ChoiceAnswer = z.strictObject({ selected: z.union([z.string(), z.array(z.string())]), method: z.optional(z.string()) });
export const RedirectAnswer = z.strictObject({ callback: z.union([z.string(), z.instanceof(URL), z.instanceof(URLSearchParams), z.record(z.string(), z.string())]) });
export const ConsentAnswer = z.strictObject({ options: z.record(z.string(), z.boolean()) });

export type CredentialsAnswer = z.infer<typeof CredentialsAnswer>;
export type OtpAnswer = z.infer<typeof OtpAnswer>;
export type QuestionsAnswer = z.infer<typeof QuestionsAnswer>;
export type ChoiceAnswer = z.infer<typeof ChoiceAnswer>;
export type RedirectAnswer = z.infer<typeof RedirectAnswer>;
export type ConsentAnswer = z.infer<typeof ConsentAnswer>;

/** Answers after validation, in one shape per type: what adapters receive. */
export type NormalizedAnswer =
  | { type: 'credentials'; values: Record<string, string> }
  | { type: 'otp'; code: string; password?: string }
  /** `answer` is the free text, or the chosen option id; `selected` lists the ids of a `multiple` prompt. */
  | { type: 'questions'; responses: Record<string, { question?: string; answer: string; selected?: string[] }> }
  | { type: 'choice'; selected: string[]; method?: string }
  | { type: 'redirect'; params: Record<string, string> }
  | { type: 'consent'; options: Record<string, boolean> };
export type NormalizedAnswerOf<T extends ChallengeType> = Extract<NormalizedAnswer, { type: T }>;

/** The raw answer a user passes to `challenge.answer()`, per challenge type. */
export interface AnswerByType {
  credentials: CredentialsAnswer;
  otp: OtpAnswer;
  questions: QuestionsAnswer;
  choice: ChoiceAnswer;
  redirect: RedirectAnswer;
  consent: ConsentAnswer;
}

// ---------------------------------------------------------------- runtime challenges

type WithAnswer<D, A> = Readonly<D> & {
  /** Validates the answer at once (throws `InvalidAnswerError`, nothing sent); the loop sends it on its next step. */
  answer(answer: A): void;
};

/**
 * A list the provider always sends at least one item of (the schema checks it): typed as
 * such, so that `challenge.prompts[0]` is defined under `noUncheckedIndexedAccess`.
 */
type AtLeastOne<D, K extends keyof D> = Omit<D, K> & { readonly [P in K]: D[P] extends ReadonlyArray<infer T> ? readonly [T, ...T[]] : D[P] };

export type CredentialsChallenge = WithAnswer<AtLeastOne<ChallengeDataOf<'credentials'>, 'fields'>, CredentialsAnswer>;
export type OtpChallenge = WithAnswer<ChallengeDataOf<'otp'>, OtpAnswer> & {
  /** Asks the provider for a new code (present only when `canResend`). Never called by the SDK on its own. */
  resend?: () => Promise<void>;
};
export type QuestionsChallenge = WithAnswer<AtLeastOne<ChallengeDataOf<'questions'>, 'prompts'>, QuestionsAnswer>;
export type ChoiceChallenge = WithAnswer<AtLeastOne<ChallengeDataOf<'choice'>, 'options'>, ChoiceAnswer>;
/** Needs no answer: the loop polls the provider until approved, refused or expired. */
export type DecoupledChallenge = Readonly<ChallengeDataOf<'decoupled'>>;
export type RedirectChallenge = WithAnswer<ChallengeDataOf<'redirect'>, RedirectAnswer>;
export type ConsentChallenge = WithAnswer<ChallengeDataOf<'consent'>, ConsentAnswer>;

/** What `conn.authenticate()` yields: a discriminated union on `type`. */
export type Challenge =
  | CredentialsChallenge
  | OtpChallenge
  | QuestionsChallenge
  | ChoiceChallenge
  | DecoupledChallenge
  | RedirectChallenge
  | ConsentChallenge;
