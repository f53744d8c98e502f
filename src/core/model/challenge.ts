import * as z from 'zod/mini';

const IsoDate = z.iso.datetime({ offset: true });

/** Fields every challenge has. `id` is unique within a connection; `expiresAt` when the provider says. */
const base = {
  /** Unique within the connection: an answer names the challenge it answers. */
  id: z.string().check(z.minLength(1)),
  /** The provider id that asks. */
  provider: z.string().check(z.minLength(1)),
  /** When the provider stops accepting an answer (ISO date-time), when it says. */
  expiresAt: z.optional(IsoDate),
  /** Text to show the user, as the provider wrote it. */
  message: z.optional(z.string()),
};

/** One field of a `credentials` challenge: a user name, a password, a PIN, a birth date, a pick from a list. */
export const CredentialField = z.object({
  /** The key of its value in the answer: `{ [name]: value }`. */
  name: z.string().check(z.minLength(1)),
  /** What to show next to the input, as the provider wrote it. */
  label: z.string(),
  /** Which input to show: `password` masked, `list` a menu of `choices` (or `suggestions`). */
  kind: z._default(z.enum(['text', 'password', 'date', 'number', 'list']), 'text'),
  /** A secret value (password, PIN): never logged, never checkpointed. */
  secret: z._default(z.boolean(), false),
  /** Whether the answer must give a value (non-empty). */
  required: z._default(z.boolean(), true),
  /** Help text to show with the field, when the provider gives one. */
  description: z.optional(z.string()),
  /** A regular expression the value must match (when it compiles as a JavaScript RegExp). */
  pattern: z.optional(z.string()),
  /** For `list` fields: the only values accepted. */
  choices: z.optional(
    z.array(
      z.object({
        /** What the answer gives. */
        value: z.string(),
        /** What the user sees. */
        label: z.string(),
      }),
    ),
  ),
  /**
   * For `list` fields whose list is advisory: the values the provider suggests, though it
   * may accept others (its answer decides). Offer them as a menu with a free-text option.
   */
  suggestions: z.optional(
    z.array(
      z.object({
        /** What the answer gives. */
        value: z.string(),
        /** What the user sees. */
        label: z.string(),
      }),
    ),
  ),
});
export type CredentialField = z.infer<typeof CredentialField>;

/** The bank's login form: answer `{ [field.name]: value }` for every field. */
export const CredentialsChallengeData = z.object({
  ...base,
  /** Asks for the fields of a login form. */
  type: z.literal('credentials'),
  /** The fields to show, in order; at least one. */
  fields: z.array(CredentialField).check(z.minLength(1)),
  /** Attempts left before the bank blocks the user, when the provider says to show them. */
  remainingAttempts: z.optional(z.number().check(z.int(), z.nonnegative())),
});

/** Where a one-time code was sent: a text, an app, a hardware token, an email, a phone call. */
export const OtpChannel = z.enum(['sms', 'app', 'token', 'email', 'call', 'unknown']);
/** A one-time code to type in: answer `{ code }` (and `password` when `passwordRequired`). */
export const OtpChallengeData = z.object({
  ...base,
  /** Asks for a one-time code. */
  type: z.literal('otp'),
  /** Where the code was sent; `unknown` when the provider does not say. */
  channel: OtpChannel,
  /** What to show next to the input, as the provider wrote it. */
  label: z.optional(z.string()),
  /** The code's exact length, when the provider says: a code of another length is refused before sending. */
  length: z.optional(z.number().check(z.int(), z.positive())),
  /** A regular expression the whole code must match, when the provider gives one. */
  pattern: z.optional(z.string()),
  /** Attempts left before the bank blocks the user, when the provider says. */
  remainingAttempts: z.optional(z.number().check(z.int(), z.nonnegative())),
  /** True when `challenge.resend()` can ask the provider for a new code. */
  canResend: z._default(z.boolean(), false),
  /** True when the provider verifies the password together with the code (PowerAuth 2FA). */
  passwordRequired: z._default(z.boolean(), false),
});

/** One option of a `choice` challenge or of a question prompt. */
export const ChoiceOption = z.object({
  /** What the answer names to pick it. */
  id: z.string().check(z.minLength(1)),
  /** What the user sees (for an image option, a caption such as "Image 1"). */
  label: z.string(),
  /** The picture to show, for image options. */
  image: z.optional(
    z.object({
      /** Its media type, e.g. `image/png`. */
      mediaType: z.string(),
      /** The image bytes, base64: a `data:` URL is `data:${mediaType};base64,${data}`. */
      data: z.string(),
    }),
  ),
});

/** One prompt of a `questions` challenge: a free-text question, a question to pick first, or a pick among options. */
export const QuestionPrompt = z.object({
  /** The key of its answer: `{ [prompt.id]: answer }`. */
  id: z.string().check(z.minLength(1)),
  /** The question as the provider wrote it. */
  text: z.string(),
  /** When present, the user first picks one of these questions, then answers it: `{ question, answer }`. */
  questions: z.optional(z.array(z.string()).check(z.minLength(1))),
  /** When present, the answer is one of these option ids (or several when `multiple`), not free text. */
  choices: z.optional(z.array(ChoiceOption).check(z.minLength(1))),
  /** With `choices`: several options may be picked (answer with an array of ids). */
  multiple: z.optional(z.boolean()),
});
export type QuestionPrompt = z.infer<typeof QuestionPrompt>;
/** Security questions: answer every prompt in one answer, `{ [prompt.id]: answer }`. */
export const QuestionsChallengeData = z.object({
  ...base,
  /** Asks security questions. */
  type: z.literal('questions'),
  /** All prompts are answered together, in one answer. */
  prompts: z.array(QuestionPrompt).check(z.minLength(1)),
});

/** A pick among options (an account, an image, where to send a code): answer `{ selected }`. */
export const ChoiceChallengeData = z.object({
  ...base,
  /** Asks the user to pick. */
  type: z.literal('choice'),
  /** The question, as the provider wrote it. */
  prompt: z.string(),
  /** What the options are: plain choices, images, or phone numbers to receive a code by text or call. */
  kind: z.enum(['single', 'multiple', 'image', 'text_or_call']),
  /** What to pick from; at least one. */
  options: z.array(ChoiceOption).check(z.minLength(1)),
  /** Whether several options may be picked (`selected` an array of ids) or exactly one. */
  multiple: z.boolean(),
  /** For `text_or_call`: how the code is delivered; the answer names one. */
  methods: z.optional(z.array(z.string()).check(z.minLength(1))),
});

/** An approval outside the page (the bank's app, a device): no answer; the loop polls until it is approved, refused or expired. */
export const DecoupledChallengeData = z.object({
  ...base,
  /** Waits for an approval elsewhere. */
  type: z.literal('decoupled'),
  /** Where the user approves (`app`: the bank's app), when the provider says. */
  channel: z._default(z.enum(['app', 'sms', 'email', 'device', 'unknown']), 'unknown'),
  /** Data to render as a QR code, when the provider offers one. */
  qrCode: z.optional(z.string()),
  /** An app-to-app link, when the provider offers one. */
  appUrl: z.optional(z.string()),
});

/** A visit to the bank's (or provider's) page: send the user to `url`, answer with the callback URL it comes back to. */
export const RedirectChallengeData = z.object({
  ...base,
  /** Sends the user away and back. */
  type: z.literal('redirect'),
  /** Where to send the user. */
  url: z.url(),
  /** The anti-forgery state the callback must carry back. */
  state: z.optional(z.string()),
  /** The callback parameter that carries it back, when the provider does not call it `state` (GoCardless: `ref`). */
  stateParam: z.optional(z.string().check(z.minLength(1))),
});

/** One checkbox of a `consent` challenge. */
export const ConsentOption = z.object({
  /** The key of its value in the answer: `{ options: { [id]: boolean } }`. */
  id: z.string().check(z.minLength(1)),
  /** HTML as the provider sent it; sanitize before rendering. */
  label: z.string(),
  /** Consent is refused unless this one is checked. */
  required: z.boolean(),
  /** Whether to show it checked at first. */
  defaultChecked: z._default(z.boolean(), false),
  /** The provider's complaint about this option after a failed validation. */
  error: z.optional(z.string()),
});
/** A consent to give (what the bank may share): answer `{ options: { [id]: boolean } }`. */
export const ConsentChallengeData = z.object({
  ...base,
  /** Asks for consent. */
  type: z.literal('consent'),
  /** HTML as the provider sent it; sanitize before rendering. */
  text: z.string(),
  /** The checkboxes, in order. */
  options: z.array(ConsentOption),
  /** The provider's complaint about the last answer, when it refused one. */
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
/** The kinds of challenge: `credentials`, `otp`, `questions`, `choice`, `decoupled`, `redirect`, `consent`. */
export type ChallengeType = ChallengeData['type'];
/** The data of one kind of challenge: `ChallengeDataOf<'otp'>`. */
export type ChallengeDataOf<T extends ChallengeType> = Extract<
  ChallengeData,
  {
    /** The kind picked. */
    type: T;
  }
>;
/** What an adapter writes: defaults (e.g. `canResend`) may be left out. */
export type ChallengeDataInput = z.input<typeof ChallengeData>;

// ---------------------------------------------------------------- answers

/** The answer to a `credentials` challenge: each field's value by its `name`. */
export const CredentialsAnswer = z.record(z.string(), z.string());
/** The answer to an `otp` challenge. */
export const OtpAnswer = z.strictObject({
  /** The code the user received (surrounding spaces ignored). */
  code: z.string(),
  /** The user's password, only when the challenge has `passwordRequired`. */
  password: z.optional(z.string()),
});
/**
 * The answer to a `questions` challenge, by prompt id: the text for a free-text prompt, an
 * option id (or ids, when `multiple`) for a prompt with `choices`, `{ question, answer }` for
 * a prompt with `questions`.
 */
export const QuestionsAnswer = z.record(
  z.string(),
  z.union([
    z.string(),
    z.array(z.string()),
    z.strictObject({
      /** The question picked, one of the prompt's `questions`. */
      question: z.string(),
      /** The answer to it. */
      answer: z.string(),
    }),
  ]),
);
/** The answer to a `choice` challenge. */
export const ChoiceAnswer = z.strictObject({
  /** The id of the option picked, or the ids when the challenge is `multiple`. */
  selected: z.union([z.string(), z.array(z.string())]),
  /** For `text_or_call`: one of the challenge's `methods`. */
  method: z.optional(z.string()),
});
/** The answer to a `redirect` challenge. */
export const RedirectAnswer = z.strictObject({
  /** Where the user came back: the callback URL, its query string, its URLSearchParams or its parameters. */
  callback: z.union([z.string(), z.instanceof(URL), z.instanceof(URLSearchParams), z.record(z.string(), z.string())]),
});
/** The answer to a `consent` challenge. */
export const ConsentAnswer = z.strictObject({
  /** Checked or not, by option id; an option left out is unchecked. */
  options: z.record(z.string(), z.boolean()),
});

export type CredentialsAnswer = z.infer<typeof CredentialsAnswer>;
export type OtpAnswer = z.infer<typeof OtpAnswer>;
export type QuestionsAnswer = z.infer<typeof QuestionsAnswer>;
export type ChoiceAnswer = z.infer<typeof ChoiceAnswer>;
export type RedirectAnswer = z.infer<typeof RedirectAnswer>;
export type ConsentAnswer = z.infer<typeof ConsentAnswer>;

/** Answers after validation, in one shape per type: what adapters receive. */
export type NormalizedAnswer =
  | {
      /** Answers a `credentials` challenge. */
      type: 'credentials';
      /** Each field's value by its name; empty optional fields left out. */
      values: Record<string, string>;
    }
  | {
      /** Answers an `otp` challenge. */
      type: 'otp';
      /** The code, trimmed. */
      code: string;
      /** The password, when the challenge asked for it with the code. */
      password?: string;
    }
  /** `answer` is the free text, or the chosen option id; `selected` lists the ids of a `multiple` prompt. */
  | {
      /** Answers a `questions` challenge. */
      type: 'questions';
      /** One response per prompt id. */
      responses: Record<
        string,
        {
          /** The question picked, for a prompt with `questions`. */
          question?: string;
          /** The free text, the answer to the picked question, or the first option id picked. */
          answer: string;
          /** Every option id picked, for a prompt with `choices`. */
          selected?: string[];
        }
      >;
    }
  | {
      /** Answers a `choice` challenge. */
      type: 'choice';
      /** The option ids picked (one unless `multiple`). */
      selected: string[];
      /** For `text_or_call`: how the code is to be delivered. */
      method?: string;
    }
  | {
      /** Answers a `redirect` challenge. */
      type: 'redirect';
      /** The callback's parameters (the `state` already checked by the core). */
      params: Record<string, string>;
    }
  | {
      /** Answers a `consent` challenge. */
      type: 'consent';
      /** Every option by id: checked or not. */
      options: Record<string, boolean>;
    };
/** The normalized answer to one kind of challenge: `NormalizedAnswerOf<'otp'>`. */
export type NormalizedAnswerOf<T extends ChallengeType> = Extract<
  NormalizedAnswer,
  {
    /** The kind picked. */
    type: T;
  }
>;

/** The raw answer a user passes to `challenge.answer()`, per challenge type. */
export interface AnswerByType {
  /** Each field's value by its `name`. */
  credentials: CredentialsAnswer;
  /** `{ code }`, and `password` when asked. */
  otp: OtpAnswer;
  /** One answer per prompt id. */
  questions: QuestionsAnswer;
  /** `{ selected }`: the option id or ids. */
  choice: ChoiceAnswer;
  /** `{ callback }`: where the user came back. */
  redirect: RedirectAnswer;
  /** `{ options }`: each checkbox by id. */
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

/** The bank's login form, as `conn.authenticate()` yields it: show `fields`, then `answer({ [name]: value })`. */
export type CredentialsChallenge = WithAnswer<AtLeastOne<ChallengeDataOf<'credentials'>, 'fields'>, CredentialsAnswer>;
/** A one-time code to type in, as `conn.authenticate()` yields it: `answer({ code })`. */
export type OtpChallenge = WithAnswer<ChallengeDataOf<'otp'>, OtpAnswer> & {
  /** Asks the provider for a new code (present only when `canResend`). Never called by the SDK on its own. */
  resend?: () => Promise<void>;
};
/** Security questions, as `conn.authenticate()` yields them: answer every prompt at once. */
export type QuestionsChallenge = WithAnswer<AtLeastOne<ChallengeDataOf<'questions'>, 'prompts'>, QuestionsAnswer>;
/** A pick among options, as `conn.authenticate()` yields it: `answer({ selected })`. */
export type ChoiceChallenge = WithAnswer<AtLeastOne<ChallengeDataOf<'choice'>, 'options'>, ChoiceAnswer>;
/** Needs no answer: the loop polls the provider until approved, refused or expired. */
export type DecoupledChallenge = Readonly<ChallengeDataOf<'decoupled'>>;
/** A visit to the bank's page, as `conn.authenticate()` yields it: send the user to `url`, `answer({ callback })` when they come back. */
export type RedirectChallenge = WithAnswer<ChallengeDataOf<'redirect'>, RedirectAnswer>;
/** A consent to give, as `conn.authenticate()` yields it: `answer({ options })`. */
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
