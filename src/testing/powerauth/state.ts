/**
 * The simulated Data Adapter's state: users, SMS messages (single-purpose codes with
 * expiry and a try counter), consents given, operation changes and AFS actions received,
 * every request body, and the scripting knobs tests use.
 */
import { defaultUsers, type ConsentForm, type PowerAuthSimUser } from './fixtures.js';

export type SimVersion = readonly [number, number];

export interface PowerAuthSimulatorOptions {
  /** The Data Adapter version to behave as (`'1.10'`, `'0.23'`, `'0.22'`, `'0.21'`). Default `'1.10'`. */
  version?: string;
  users?: PowerAuthSimUser[];
  /** Base64 AES key: passwords sent with PASSWORD_ENCRYPTION_AES are decrypted with it. */
  passwordEncryptionKey?: string;
  /** SMS code lifetime (the sample's 300 s). */
  otpExpirySeconds?: number;
  /** Verify tries per SMS message (the sample's 5). */
  maxVerifyTries?: number;
  /** What the adapter answers in `showRemainingAttempts` (the documentation's examples: false). */
  showRemainingAttempts?: boolean;
  /** HTTP status of REMOTE_ERROR: 400 as documented, 500 as the sample adapter answers. Default 500. */
  remoteErrorStatus?: 400 | 500;
  /**
   * `reference` (default): the documentation's answers, each failure with its own i18n key
   * (`smsAuthorization.expired` for an expired code). `sample`: the sample implementation's
   * (powerauth-webflow-customization): a failed SMS + password check always answers the
   * generic `login.authenticationFailed`, expired code included, without remainingAttempts,
   * and an unknown username is a lookup with null ids (HTTP 200), not USER_NOT_FOUND.
   */
  variant?: 'reference' | 'sample';
  /** What `auth/method/init` answers for certificate login (≥0.24). Default `NOT_AVAILABLE`, as the sample. */
  certificateLogin?: 'ENABLED' | 'DISABLED' | 'NOT_AVAILABLE';
}

export interface SimSms {
  messageId: string;
  userId: string;
  operationId: string;
  code: string;
  text: string;
  createdAt: number;
  verifyCount: number;
  verified: boolean;
  resend: boolean;
}

export interface SimScriptedError {
  endpoint: string;
  code: string;
  message?: string;
  /** Default: the documented status of the code (REMOTE_ERROR: `remoteErrorStatus`). */
  status?: number;
  remainingAttempts?: number | null;
  validationErrors?: string[] | null;
  /** How many requests it hits (default 1). */
  times?: number;
}

export interface SimAfsAnswer {
  afsResponseApplied: boolean;
  afsLabel: string;
  authStepOptions: { smsOtpRequired: boolean; passwordRequired: boolean };
}

export interface PowerAuthSimState {
  readonly version: SimVersion;
  readonly versionText: string;
  users: PowerAuthSimUser[];
  passwordEncryptionKey?: string;
  otpExpirySeconds: number;
  maxVerifyTries: number;
  showRemainingAttempts: boolean;
  remoteErrorStatus: 400 | 500;
  variant: 'reference' | 'sample';
  certificateLogin: 'ENABLED' | 'DISABLED' | 'NOT_AVAILABLE';
  /** Added to the real clock: move time forward to expire codes. */
  clockOffsetMs: number;
  sms: Map<string, SimSms>;
  /** What the users' phones received. */
  outbox: Array<{ userId: string; messageId: string; code: string; text: string }>;
  /** Every request: endpoint name, its JSON body and the trace id of its `traceparent`, in order. */
  requests: Array<{ endpoint: string; body: unknown; traceId?: string }>;
  /** `operation/formdata/change` notifications (the bank account chosen). */
  formDataChanges: Array<{ operationId: string; userId: string | null; change: Record<string, unknown> }>;
  operationChanges: Array<{ operationId: string; userId: string | null; change: string }>;
  consents: Array<{ operationId: string; userId: string; options: Array<{ id: string; value: string }> }>;
  afsActions: Array<{ action: string; stepIndex: number; userId: string | null; authStepResult: unknown; authInstruments: unknown; operationTerminationReason: unknown }>;
  afs: {
    /** ThreatMark device tags (`extras.tm_device_tag`) the AFS trusts: LOGIN_INIT steps down to the password alone. */
    trustedDevices: string[];
    /** Answers to give to the next AFS actions, first in first out (then the rules apply). */
    next: SimAfsAnswer[];
  };
  script: {
    errors: SimScriptedError[];
    /** The next n `consent/validate` calls fail on every option, whatever was checked. */
    consentValidationFailures: number;
    /** The next n `consent/save` calls answer `saveSucceeded: false`. */
    consentSaveFailures: number;
    /** The next n SMS are not delivered (`smsDeliveryResult: FAILED`). */
    smsDeliveryFailures: number;
    /** `consent/init` answers `shouldDisplayConsentForm: false`. */
    hideConsentForm: boolean;
    /** Codes to use for the next SMS instead of generated ones. */
    nextCodes: string[];
    /** Message ids to use for the next SMS instead of random UUIDs. */
    nextMessageIds: string[];
    /** The consent form to show instead of the sample's (e.g. options with ids such as `constructor`). */
    consentForm?: ConsentForm;
  };
  now(): number;
  /** The last code sent (to a user, or to anyone). */
  lastCode(userId?: string): string | undefined;
  user(by: { username?: string; id?: string | null }): PowerAuthSimUser | undefined;
  /** Bodies received by an endpoint, in order. */
  bodies(endpoint: string): unknown[];
}

export function parseSimVersion(text: string): SimVersion {
  const match = /^(\d+)\.(\d+)(?:\.\d+)?$/.exec(text.trim());
  if (!match) throw new Error(`powerauth simulator: bad version ${JSON.stringify(text)}`);
  return [Number(match[1]), Number(match[2])];
}

export function since(version: SimVersion, major: number, minor: number): boolean {
  return version[0] > major || (version[0] === major && version[1] >= minor);
}

export function createState(options: PowerAuthSimulatorOptions = {}): PowerAuthSimState {
  const versionText = options.version ?? '1.10';
  const state: PowerAuthSimState = {
    version: parseSimVersion(versionText),
    versionText,
    users: (options.users ?? defaultUsers()).map((u) => ({ ...u, accounts: u.accounts.map((a) => ({ ...a })) })),
    ...(options.passwordEncryptionKey ? { passwordEncryptionKey: options.passwordEncryptionKey } : {}),
    otpExpirySeconds: options.otpExpirySeconds ?? 300,
    maxVerifyTries: options.maxVerifyTries ?? 5,
    showRemainingAttempts: options.showRemainingAttempts ?? false,
    remoteErrorStatus: options.remoteErrorStatus ?? 500,
    variant: options.variant ?? 'reference',
    certificateLogin: options.certificateLogin ?? 'NOT_AVAILABLE',
    clockOffsetMs: 0,
    sms: new Map(),
    outbox: [],
    requests: [],
    operationChanges: [],
    consents: [],
    afsActions: [],
    formDataChanges: [],
    afs: { trustedDevices: [], next: [] },
    script: { errors: [], consentValidationFailures: 0, consentSaveFailures: 0, smsDeliveryFailures: 0, hideConsentForm: false, nextCodes: [], nextMessageIds: [] },
    now: () => Date.now() + state.clockOffsetMs,
    lastCode(userId) {
      const sent = state.outbox.filter((m) => userId === undefined || m.userId === userId);
      return sent[sent.length - 1]?.code;
    },
    user(by) {
      if (by.username !== undefined) return state.users.find((u) => u.username === by.username);
      if (by.id) return state.users.find((u) => u.id === by.id);
      return undefined;
    },
    bodies(endpoint) {
      return state.requests.filter((r) => r.endpoint === endpoint).map((r) => r.body);
    },
  };
  return state;
}
