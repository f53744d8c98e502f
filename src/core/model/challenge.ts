import { z } from 'zod';

const IsoDate = z.iso.datetime({ offset: true });

/** Fields every challenge has. `id` is unique within a connection; `expiresAt` when the provider says. */
const base = {
  id: z.string().min(1),
  provider: z.string().min(1),
  expiresAt: IsoDate.optional(),
  /** Text to show the user, as the provider wrote it. */
  message: z.string().optional(),
};

export const CredentialField = z.object({
  name: z.string().min(1),
  label: z.string(),
  kind: z.enum(['text', 'password', 'date', 'number', 'list']).default('text'),
  /** A secret value (password, PIN): never logged, never checkpointed. */
  secret: z.boolean().default(false),
  required: z.boolean().default(true),
  description: z.string().optional(),
  /** A regular expression the value must match (when it compiles as a JavaScript RegExp). */
  pattern: z.string().optional(),
  /** For `list` fields: the only values accepted. */
  choices: z.array(z.object({ value: z.string(), label: z.string() })).optional(),
});
export type CredentialField = z.infer<typeof CredentialField>;

export const CredentialsChallengeData = z.object({
  ...base,
  type: z.literal('credentials'),
  fields: z.array(CredentialField).min(1),
  /** Attempts left before the bank blocks the user, when the provider says to show them. */
  remainingAttempts: z.number().int().nonnegative().optional(),
});

export const OtpChannel = z.enum(['sms', 'app', 'token', 'email', 'call', 'unknown']);
export const OtpChallengeData = z.object({
  ...base,
  type: z.literal('otp'),
  channel: OtpChannel,
  label: z.string().optional(),
  length: z.number().int().positive().optional(),
  pattern: z.string().optional(),
  remainingAttempts: z.number().int().nonnegative().optional(),
  /** True when `challenge.resend()` can ask the provider for a new code. */
  canResend: z.boolean().default(false),
  /** True when the provider verifies the password together with the code (PowerAuth 2FA). */
  passwordRequired: z.boolean().default(false),
});

export const ChoiceOption = z.object({
  id: z.string().min(1),
  label: z.string(),
  image: z.object({ mediaType: z.string(), data: z.string() }).optional(),
});

export const QuestionPrompt = z.object({
  id: z.string().min(1),
  text: z.string(),
  /** When present, the user first picks one of these questions, then answers it: `{ question, answer }`. */
  questions: z.array(z.string()).min(1).optional(),
  /** When present, the answer is one of these option ids (or several when `multiple`), not free text. */
  choices: z.array(ChoiceOption).min(1).optional(),
  multiple: z.boolean().optional(),
});
export type QuestionPrompt = z.infer<typeof QuestionPrompt>;
export const QuestionsChallengeData = z.object({
  ...base,
  type: z.literal('questions'),
  /** All prompts are answered together, in one answer. */
  prompts: z.array(QuestionPrompt).min(1),
});

export const ChoiceChallengeData = z.object({
  ...base,
  type: z.literal('choice'),
  prompt: z.string(),
  /** What the options are: plain choices, images, or phone numbers to receive a code by text or call. */
  kind: z.enum(['single', 'multiple', 'image', 'text_or_call']),
  options: z.array(ChoiceOption).min(1),
  multiple: z.boolean(),
  /** For `text_or_call`: how the code is delivered; the answer names one. */
  methods: z.array(z.string()).min(1).optional(),
});

export const DecoupledChallengeData = z.object({
  ...base,
  type: z.literal('decoupled'),
  channel: z.enum(['app', 'sms', 'email', 'device', 'unknown']).default('unknown'),
  /** Data to render as a QR code, when the provider offers one. */
  qrCode: z.string().optional(),
  /** An app-to-app link, when the provider offers one. */
  appUrl: z.string().optional(),
});

export const RedirectChallengeData = z.object({
  ...base,
  type: z.literal('redirect'),
  url: z.url(),
  /** The anti-forgery state the callback must carry back. */
  state: z.string().optional(),
  /** The callback parameter that carries it back, when the provider does not call it `state` (GoCardless: `ref`). */
  stateParam: z.string().min(1).optional(),
});

export const ConsentOption = z.object({
  id: z.string().min(1),
  /** HTML as the provider sent it; sanitize before rendering. */
  label: z.string(),
  required: z.boolean(),
  defaultChecked: z.boolean().default(false),
  /** The provider's complaint about this option after a failed validation. */
  error: z.string().optional(),
});
export const ConsentChallengeData = z.object({
  ...base,
  type: z.literal('consent'),
  /** HTML as the provider sent it; sanitize before rendering. */
  text: z.string(),
  options: z.array(ConsentOption),
  error: z.string().optional(),
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
export const OtpAnswer = z.object({ code: z.string(), password: z.string().optional() }).strict();
export const QuestionsAnswer = z.record(
  z.string(),
  z.union([z.string(), z.array(z.string()), z.object({ question: z.string(), answer: z.string() }).strict()]),
);
export const ChoiceAnswer = z
  .object({ selected: z.union([z.string(), z.array(z.string())]), method: z.string().optional() })
  .strict();
export const RedirectAnswer = z
  .object({ callback: z.union([z.string(), z.instanceof(URL), z.instanceof(URLSearchParams), z.record(z.string(), z.string())]) })
  .strict();
export const ConsentAnswer = z.object({ options: z.record(z.string(), z.boolean()) }).strict();

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

export type CredentialsChallenge = WithAnswer<ChallengeDataOf<'credentials'>, CredentialsAnswer>;
export type OtpChallenge = WithAnswer<ChallengeDataOf<'otp'>, OtpAnswer> & {
  /** Asks the provider for a new code (present only when `canResend`). Never called by the SDK on its own. */
  resend?: () => Promise<void>;
};
export type QuestionsChallenge = WithAnswer<ChallengeDataOf<'questions'>, QuestionsAnswer>;
export type ChoiceChallenge = WithAnswer<ChallengeDataOf<'choice'>, ChoiceAnswer>;
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
