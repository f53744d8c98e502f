import { WireAmount } from '../../provider.js';
/**
 * The Data Adapter wire format (zod/mini): the single source of its types. Responses are
 * read leniently, the way Web Flow's Jackson client does (unknown properties ignored,
 * nulls where the docs show them), and accept every documented variant: the 0.22
 * `VERIFIED_*` and the ≥0.23 `SUCCEEDED/FAILED/SKIPPED` results, the ≤0.21 legacy
 * bodies, REMOTE_ERROR as 400 (docs) or 500 (sample adapter).
 */
import * as z from 'zod/mini';

const text = z.nullish(z.string());
const int = z.nullish(z.int());
const flag = z.nullish(z.boolean());

/** A provider amount as it comes on the wire: a JSON number or a decimal string. */

// ---------------------------------------------------------------- form data (sent verbatim, read leniently)

/** A text of the operation's form (its title, greeting, summary). */
export const MessageAttribute = z.looseObject({
  /** The text's id. */
  id: z.string(),
  /** The text, in the operation's language. */
  message: text,
});

export const BankAccount = z.looseObject({
  number: text,
  accountId: text,
  name: text,
  balance: z.nullish(WireAmount),
  currency: text,
  usableForPayment: flag,
  unusableForPaymentReason: text,
});
export type BankAccount = z.output<typeof BankAccount>;

/** One `formData.parameters` item; `type` is Jackson's @JsonTypeInfo discriminator. */
export const Attribute = z.looseObject({
  /** The attribute's kind (`AMOUNT`, `KEY_VALUE`, `BANK_ACCOUNT_CHOICE`, …). */
  type: z.string(),
  /** The attribute's id. */
  id: z.string(),
  /** What to show with it. */
  label: text,
});

export const BankAccountChoiceAttribute = z.looseObject({
  type: z.literal('BANK_ACCOUNT_CHOICE'),
  id: z.string(),
  bankAccounts: z.nullish(z.array(BankAccount)),
  enabled: flag,
  defaultValue: text,
});

/** The operation's form data (Web Flow's `formData`): what the bank shows and the user chose. */
export const FormData = z.looseObject({
  /** The form's title. */
  title: z.nullish(MessageAttribute),
  /** Its greeting. */
  greeting: z.nullish(MessageAttribute),
  /** Its summary (what is being authorized). */
  summary: z.nullish(MessageAttribute),
  /** Form settings by id. */
  config: z.nullish(
    z.array(
      z.looseObject({
        /** The setting's id. */
        id: z.string(),
        /** Whether it is on. */
        enabled: flag,
        /** Its default value. */
        defaultValue: text,
      }),
    ),
  ),
  /** Banners to show. */
  banners: z.nullish(
    z.array(
      z.looseObject({
        /** The banner's id. */
        id: z.string(),
      }),
    ),
  ),
  /** The operation's parameters (amount, account, …). */
  parameters: z.nullish(z.array(Attribute)),
  /** What the user entered or chose (a chosen bank account), by key. */
  userInput: z.nullish(z.record(z.string(), z.string())),
});
export type FormData = z.output<typeof FormData>;

/** The application (OAuth client) an operation is for (Web Flow's `applicationContext`). */
export const ApplicationContext = z.looseObject({
  /** The client id. */
  id: z.string(),
  /** Its name. */
  name: text,
  /** Its description. */
  description: text,
  /** The OAuth scopes it asked for. */
  originalScopes: z.nullish(z.array(z.string())),
  /** Anything else the bank attaches. */
  extras: z.nullish(z.record(z.string(), z.unknown())),
});

// ---------------------------------------------------------------- enumerations (every version's values)

/** A user account's status at the bank. */
export const AccountStatus = z.enum(['ACTIVE', 'NOT_ACTIVE']);
export type AccountStatus = z.output<typeof AccountStatus>;

/** 0.22 `VERIFIED_*`/`NOT_VERIFIED` and ≥0.23 `SUCCEEDED/FAILED/SKIPPED` (user, SMS and certificate results share them). */
export const VerificationResult = z.enum(['SUCCEEDED', 'FAILED', 'SKIPPED', 'VERIFIED_SUCCEEDED', 'VERIFIED_FAILED', 'NOT_VERIFIED']);
export type VerificationResult = z.output<typeof VerificationResult>;

export const ConsentOptionValue = z.enum(['CHECKED', 'NOT_CHECKED']);

// ---------------------------------------------------------------- envelope

export const ErrorBody = z.looseObject({
  code: z.string(),
  message: text,
  validationErrors: z.nullish(z.array(z.string())),
  remainingAttempts: int,
});
export type ErrorBody = z.output<typeof ErrorBody>;

/** `{status:'ERROR', responseObject:{code,…}}`, whatever the HTTP status. */
export const ErrorEnvelope = z.looseObject({ status: z.literal('ERROR'), responseObject: ErrorBody });

/** `{status:'OK', responseObject}`; notification endpoints answer `{status:'OK'}` (≤0.21: `responseObject: null`). */
export const OkEnvelope = z.looseObject({ status: z.literal('OK'), responseObject: z.optional(z.unknown()) });

// ---------------------------------------------------------------- responses

export const ServiceStatus = z.looseObject({
  applicationName: text,
  applicationDisplayName: text,
  applicationEnvironment: text,
  version: text,
  buildTime: text,
  timestamp: text,
});

export const UserDetail = z.looseObject({
  id: text,
  givenName: text,
  familyName: text,
  organizationId: text,
  accountStatus: z.nullish(AccountStatus),
});
export type UserDetail = z.output<typeof UserDetail>;

/** ≥0.22 `UserAuthenticationResponse` (`userDetail` only 0.22–1.0). */
export const UserAuthentication = z.looseObject({
  authenticationResult: VerificationResult,
  errorMessage: text,
  remainingAttempts: int,
  showRemainingAttempts: flag,
  accountStatus: z.nullish(AccountStatus),
  userDetail: z.nullish(UserDetail),
});

/** ≤0.21 `AuthenticationResponse`: success carries only the user id. */
export const LegacyAuthentication = z.looseObject({ userId: z.string().check(z.minLength(1)) });

/** `sms/create` and `sms/send` answer the same shape. */
export const SmsCreate = z.looseObject({
  messageId: z.string().check(z.minLength(1)),
  smsDeliveryResult: z.nullish(z.enum(['SUCCEEDED', 'FAILED'])),
  errorMessage: text,
});

export const SmsVerify = z.looseObject({
  smsAuthorizationResult: VerificationResult,
  errorMessage: text,
  remainingAttempts: int,
  showRemainingAttempts: flag,
});

export const SmsPasswordVerify = z.looseObject({
  smsAuthorizationResult: VerificationResult,
  userAuthenticationResult: VerificationResult,
  errorMessage: text,
  remainingAttempts: int,
  showRemainingAttempts: flag,
  accountStatus: z.nullish(AccountStatus),
});

/** `auth/method/init` (0.24+): whether a certificate may replace the SCA factors of this step. */
export const MethodInit = z.looseObject({
  certificateAuthenticationMode: z.nullish(z.enum(['ENABLED', 'DISABLED', 'NOT_AVAILABLE'])),
  certificateVerificationUrl: text,
  operationDataExternal: text,
});

/** `auth/certificate/verify` (0.24+). */
export const CertificateVerify = z.looseObject({
  certificateVerificationResult: VerificationResult,
  errorMessage: text,
  remainingAttempts: int,
  showRemainingAttempts: flag,
  accountStatus: z.nullish(AccountStatus),
});

export const ConsentOption = z.looseObject({
  id: z.string().check(z.minLength(1)),
  descriptionHtml: text,
  required: flag,
  defaultValue: z.nullish(ConsentOptionValue),
  value: z.nullish(ConsentOptionValue),
});
export type ConsentOption = z.output<typeof ConsentOption>;

/**
 * The model has `shouldDisplayConsentForm`; the 0.22–0.24 documentation shows a consent
 * form here instead. Web Flow's Jackson client reads a missing boolean as false: so do we.
 */
export const ConsentInit = z.looseObject({ shouldDisplayConsentForm: flag });
export const ConsentCreate = z.looseObject({ consentHtml: text, options: z.array(ConsentOption) });
export const ConsentValidate = z.looseObject({
  consentValidationPassed: z.boolean(),
  validationErrorMessage: text,
  optionValidationResults: z.nullish(z.array(z.looseObject({ id: z.string(), validationPassed: flag, errorMessage: text }))),
});
export const ConsentSave = z.looseObject({ saveSucceeded: z.boolean() });

export const AfsResponse = z.looseObject({
  afsResponseApplied: flag,
  afsLabel: text,
  authStepOptions: z.nullish(z.looseObject({ smsOtpRequired: flag, passwordRequired: flag })),
  extras: z.nullish(z.record(z.string(), z.unknown())),
});

export const DecorateResponse = z.looseObject({ formData: FormData });

/**
 * `operation/create` (0.24+): the implicit login operation for an OAuth client. A bank
 * that does not create one for the client's scopes answers `responseObject: null`.
 */
export const OperationCreate = z.nullable(
  z.looseObject({
    name: z.string().check(z.minLength(1), z.maxLength(32)),
    formData: z.nullish(FormData),
    applicationContext: z.nullish(ApplicationContext),
  }),
);
