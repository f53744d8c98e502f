/**
 * The simulated Data Adapter's state: users, SMS messages (single-purpose codes with
 * expiry and a try counter), consents given, operation changes and AFS actions received,
 * every request body, and the scripting knobs tests use.
 */
import { defaultUsers, type ConsentForm, type PowerAuthSimUser } from './fixtures.js';

/** A Data Adapter version as [major, minor]. */
export type SimVersion = readonly [number, number];

/** How to set up a PowerAuth simulator; every option has a default. */
export interface PowerAuthSimulatorOptions {
  /** The Data Adapter version to behave as (`'1.10'`, `'0.23'`, `'0.22'`, `'0.21'`). Default `'1.10'`. */
  version?: string;
  /** The users the bank knows; default the documentation's `user1234` (John Doe), a blocked one and a lockable one. */
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

/** An SMS message the simulated bank created: a single-purpose code with an expiry and a try counter. */
export interface SimSms {
  /** Its message id. */
  messageId: string;
  /** The user it was sent to. */
  userId: string;
  /** The operation it authorizes. */
  operationId: string;
  /** The code. */
  code: string;
  /** The text the phone received. */
  text: string;
  /** When it was created (the simulator's clock, epoch ms). */
  createdAt: number;
  /** Verify tries so far. */
  verifyCount: number;
  /** Verified already: it cannot be used again. */
  verified: boolean;
  /** Sent by a resend request. */
  resend: boolean;
}

/** An error to answer on an endpoint instead of its normal answer. */
export interface SimScriptedError {
  /** The endpoint name (`user/authenticate`, `sms/verify`, …). */
  endpoint: string;
  /** The error code (`REMOTE_ERROR`, `AUTHENTICATION_FAILED`, …). */
  code: string;
  /** The error message. */
  message?: string;
  /** Default: the documented status of the code (REMOTE_ERROR: `remoteErrorStatus`). */
  status?: number;
  /** The `remainingAttempts` to answer with it. */
  remainingAttempts?: number | null;
  /** The `validationErrors` to answer with it. */
  validationErrors?: string[] | null;
  /** How many requests it hits (default 1). */
  times?: number;
}

/** What the simulated anti-fraud system answers to an action. */
export interface SimAfsAnswer {
  /** Whether the adapter must apply the answer. */
  afsResponseApplied: boolean;
  /** The AFS's label for its decision. */
  afsLabel: string;
  /** The factors the next step asks for. */
  authStepOptions: {
    /** Ask for an SMS code. */
    smsOtpRequired: boolean;
    /** Ask for the password. */
    passwordRequired: boolean;
  };
}

/** What the simulated Data Adapter knows and how it behaves; tests read and change it (`sim.state`). */
export interface PowerAuthSimState {
  /** The version it behaves as. */
  readonly version: SimVersion;
  /** The version as given (`'1.10'`). */
  readonly versionText: string;
  /** The users the bank knows. */
  users: PowerAuthSimUser[];
  /** The AES key passwords are decrypted with, when encrypted. */
  passwordEncryptionKey?: string;
  /** SMS code lifetime, in seconds. */
  otpExpirySeconds: number;
  /** Verify tries per SMS message. */
  maxVerifyTries: number;
  /** What it answers in `showRemainingAttempts`. */
  showRemainingAttempts: boolean;
  /** HTTP status of REMOTE_ERROR. */
  remoteErrorStatus: 400 | 500;
  /** The documentation's answers or the sample implementation's. */
  variant: 'reference' | 'sample';
  /** What `auth/method/init` answers for certificate login. */
  certificateLogin: 'ENABLED' | 'DISABLED' | 'NOT_AVAILABLE';
  /** Added to the real clock: move time forward to expire codes. */
  clockOffsetMs: number;
  /** SMS messages by message id. */
  sms: Map<string, SimSms>;
  /** What the users' phones received. */
  outbox: Array<{
    /** The user. */
    userId: string;
    /** The message id. */
    messageId: string;
    /** The code. */
    code: string;
    /** The text. */
    text: string;
  }>;
  /** Every request: endpoint name, its JSON body and the trace id of its `traceparent`, in order. */
  requests: Array<{
    /** The endpoint name. */
    endpoint: string;
    /** Its JSON body. */
    body: unknown;
    /** The trace id of its `traceparent`, when sent. */
    traceId?: string;
  }>;
  /** `operation/formdata/change` notifications (the bank account chosen). */
  formDataChanges: Array<{
    /** The operation. */
    operationId: string;
    /** The user, when known. */
    userId: string | null;
    /** What changed. */
    change: Record<string, unknown>;
  }>;
  /** `operation/change` notifications: how operations ended. */
  operationChanges: Array<{
    /** The operation. */
    operationId: string;
    /** The user, when known. */
    userId: string | null;
    /** `DONE`, `CANCELED` or `FAILED`. */
    change: string;
  }>;
  /** Consents saved (`consent/save`). */
  consents: Array<{
    /** The operation. */
    operationId: string;
    /** The user. */
    userId: string;
    /** The options as saved. */
    options: Array<{
      /** The option's id. */
      id: string;
      /** `CHECKED` or `NOT_CHECKED`. */
      value: string;
    }>;
  }>;
  /** AFS actions received (`afs/action/execute`), in order. */
  afsActions: Array<{
    /** The action (`LOGIN_INIT`, `LOGIN_AUTH`, `LOGOUT`, …). */
    action: string;
    /** Its step index. */
    stepIndex: number;
    /** The user, when known. */
    userId: string | null;
    /** `authStepResult` as sent. */
    authStepResult: unknown;
    /** `authInstruments` as sent. */
    authInstruments: unknown;
    /** `operationTerminationReason` as sent. */
    operationTerminationReason: unknown;
  }>;
  /** The simulated anti-fraud system. */
  afs: {
    /** ThreatMark device tags (`extras.tm_device_tag`) the AFS trusts: LOGIN_INIT steps down to the password alone. */
    trustedDevices: string[];
    /** Answers to give to the next AFS actions, first in first out (then the rules apply). */
    next: SimAfsAnswer[];
  };
  /** Scripted misbehaviour for the next requests. */
  script: {
    /** Errors to answer instead of the normal answers. */
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
  /** The simulator's current time (the real clock plus `clockOffsetMs`), epoch ms. */
  now(): number;
  /** The last code sent (to a user, or to anyone). */
  lastCode(userId?: string): string | undefined;
  /** The user of this username or id, if the bank knows one. */
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
