/**
 * Zod schemas of the Data Adapter wire format: the single source of its types.
 * Responses are read leniently, the way Web Flow's Jackson client does (unknown
 * properties ignored, nulls where the docs show them), and accept every documented
 * variant: the 0.22 `VERIFIED_*` and the ≥0.23 `SUCCEEDED/FAILED/SKIPPED` results, the
 * ≤0.21 legacy bodies, REMOTE_ERROR as 400 (docs) or 500 (sample adapter).
 */
import { z } from 'zod';
import { WireAmount } from '../../core/kit.js';

const nullableString = z.string().nullish();

// ---------------------------------------------------------------- form data (sent verbatim, read leniently)

export const MessageAttribute = z.looseObject({ id: z.string(), message: nullableString });

export const BankAccount = z.looseObject({
  number: nullableString,
  accountId: nullableString,
  name: nullableString,
  balance: WireAmount.nullish(),
  currency: nullableString,
  usableForPayment: z.boolean().nullish(),
  unusableForPaymentReason: nullableString,
});
export type BankAccount = z.infer<typeof BankAccount>;

/** One `formData.parameters` item; `type` is Jackson's @JsonTypeInfo discriminator. */
export const Attribute = z.looseObject({ type: z.string(), id: z.string(), label: nullableString });

export const BankAccountChoiceAttribute = z.looseObject({
  type: z.literal('BANK_ACCOUNT_CHOICE'),
  id: z.string(),
  bankAccounts: z.array(BankAccount).nullish(),
  enabled: z.boolean().nullish(),
  defaultValue: nullableString,
});

export const FormData = z.looseObject({
  title: MessageAttribute.nullish(),
  greeting: MessageAttribute.nullish(),
  summary: MessageAttribute.nullish(),
  config: z.array(z.looseObject({ id: z.string(), enabled: z.boolean().nullish(), defaultValue: nullableString })).nullish(),
  banners: z.array(z.looseObject({ id: z.string() })).nullish(),
  parameters: z.array(Attribute).nullish(),
  userInput: z.record(z.string(), z.string()).nullish(),
});
export type FormData = z.infer<typeof FormData>;

export const ApplicationContext = z.looseObject({
  id: z.string(),
  name: nullableString,
  description: nullableString,
  originalScopes: z.array(z.string()).nullish(),
  extras: z.record(z.string(), z.unknown()).nullish(),
});
export type ApplicationContext = z.infer<typeof ApplicationContext>;

// ---------------------------------------------------------------- enumerations (every version's values)

export const AccountStatus = z.enum(['ACTIVE', 'NOT_ACTIVE']);
export type AccountStatus = z.infer<typeof AccountStatus>;

/** 0.22 `VERIFIED_*`/`NOT_VERIFIED` and ≥0.23 `SUCCEEDED/FAILED/SKIPPED` (User/Sms results share them). */
export const VerificationResult = z.enum(['SUCCEEDED', 'FAILED', 'SKIPPED', 'VERIFIED_SUCCEEDED', 'VERIFIED_FAILED', 'NOT_VERIFIED']);
export type VerificationResult = z.infer<typeof VerificationResult>;

export const ConsentOptionValue = z.enum(['CHECKED', 'NOT_CHECKED']);

// ---------------------------------------------------------------- envelope

export const ErrorBody = z.looseObject({
  code: z.string(),
  message: nullableString,
  validationErrors: z.array(z.string()).nullish(),
  remainingAttempts: z.number().int().nullish(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** `{status:'ERROR', responseObject:{code,…}}`, whatever the HTTP status. */
export const ErrorEnvelope = z.looseObject({ status: z.literal('ERROR'), responseObject: ErrorBody });

/** `{status:'OK', responseObject}`; notification endpoints answer `{status:'OK'}` (≤0.21: `responseObject: null`). */
export const OkEnvelope = z.looseObject({ status: z.literal('OK'), responseObject: z.unknown().optional() });

// ---------------------------------------------------------------- responses

export const ServiceStatus = z.looseObject({
  applicationName: nullableString,
  applicationDisplayName: nullableString,
  applicationEnvironment: nullableString,
  version: nullableString,
  buildTime: nullableString,
  timestamp: nullableString,
});

export const UserDetail = z.looseObject({
  id: nullableString,
  givenName: nullableString,
  familyName: nullableString,
  organizationId: nullableString,
  accountStatus: AccountStatus.nullish(),
});
export type UserDetail = z.infer<typeof UserDetail>;

/** ≥0.22 `UserAuthenticationResponse` (`userDetail` only 0.22–1.0). */
export const UserAuthentication = z.looseObject({
  authenticationResult: VerificationResult,
  errorMessage: nullableString,
  remainingAttempts: z.number().int().nullish(),
  showRemainingAttempts: z.boolean().nullish(),
  accountStatus: AccountStatus.nullish(),
  userDetail: UserDetail.nullish(),
});

/** ≤0.21 `AuthenticationResponse`: success carries only the user id. */
export const LegacyAuthentication = z.looseObject({ userId: z.string().min(1) });

export const SmsCreate = z.looseObject({
  messageId: z.string().min(1),
  smsDeliveryResult: z.enum(['SUCCEEDED', 'FAILED']).nullish(),
  errorMessage: nullableString,
});

export const SmsVerify = z.looseObject({
  smsAuthorizationResult: VerificationResult,
  errorMessage: nullableString,
  remainingAttempts: z.number().int().nullish(),
  showRemainingAttempts: z.boolean().nullish(),
});

export const SmsPasswordVerify = z.looseObject({
  smsAuthorizationResult: VerificationResult,
  userAuthenticationResult: VerificationResult,
  errorMessage: nullableString,
  remainingAttempts: z.number().int().nullish(),
  showRemainingAttempts: z.boolean().nullish(),
  accountStatus: AccountStatus.nullish(),
});

export const ConsentOption = z.looseObject({
  id: z.string().min(1),
  descriptionHtml: nullableString,
  required: z.boolean().nullish(),
  defaultValue: ConsentOptionValue.nullish(),
  value: ConsentOptionValue.nullish(),
});
export type ConsentOption = z.infer<typeof ConsentOption>;

/**
 * The model has `shouldDisplayConsentForm`; the 0.22–0.24 documentation shows a consent
 * form here instead. Web Flow's Jackson client reads a missing boolean as false: so do we.
 */
export const ConsentInit = z.looseObject({ shouldDisplayConsentForm: z.boolean().nullish() });
export const ConsentCreate = z.looseObject({ consentHtml: nullableString, options: z.array(ConsentOption) });
export const ConsentValidate = z.looseObject({
  consentValidationPassed: z.boolean(),
  validationErrorMessage: nullableString,
  optionValidationResults: z
    .array(z.looseObject({ id: z.string(), validationPassed: z.boolean().nullish(), errorMessage: nullableString }))
    .nullish(),
});
export const ConsentSave = z.looseObject({ saveSucceeded: z.boolean() });

export const AfsResponse = z.looseObject({
  afsResponseApplied: z.boolean().nullish(),
  afsLabel: nullableString,
  authStepOptions: z.looseObject({ smsOtpRequired: z.boolean().nullish(), passwordRequired: z.boolean().nullish() }).nullish(),
  extras: z.record(z.string(), z.unknown()).nullish(),
});

export const DecorateResponse = z.looseObject({ formData: FormData });
