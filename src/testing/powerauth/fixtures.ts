/**
 * What the simulated Data Adapter knows out of the box: the documentation's user John
 * Doe with its bank accounts (verbatim from the decorate example), the sample adapter's
 * consent forms and texts, and the service status.
 */

/** A bank account of a simulated user, as `decorate` and BANK_ACCOUNT_CHOICE send it. */
export interface SimBankAccount {
  /** The account number. */
  number: string;
  /** Its IBAN. */
  accountId: string;
  /** Its name. */
  name: string;
  /** The balance, a JSON number (float artefacts included, as banks send them). */
  balance: number;
  /** ISO 4217 code. */
  currency: string;
  /** Whether a payment may debit it. */
  usableForPayment: boolean;
  /** Why not, when not. */
  unusableForPaymentReason: string | null;
}

/** A user the simulated bank knows. */
export interface PowerAuthSimUser {
  /** What the user signs in with. */
  username: string;
  /** The bank's user id. */
  id: string;
  /** Given name. */
  givenName: string;
  /** Family name. */
  familyName: string;
  /** The user's organization (`RETAIL`, …). */
  organizationId: string;
  /** The valid password. */
  password: string;
  /** `NOT_ACTIVE`: blocked, every step fails. */
  accountStatus: 'ACTIVE' | 'NOT_ACTIVE';
  /** The user's bank accounts. */
  accounts: SimBankAccount[];
  /**
   * Failed passwords the bank tolerates before it blocks the user (NOT_ACTIVE) and
   * answers `remainingAttempts`; undefined = not counted, as the sample adapter does.
   */
  maxPasswordFailures?: number;
  /** Failed passwords so far. */
  passwordFailures: number;
  /** The client TLS certificate (PEM) the bank knows the user by, for certificate login. */
  certificate?: string;
}

/** The decorate example's BANK_ACCOUNT_CHOICE accounts, verbatim. */
export function seedAccounts(): SimBankAccount[] {
  return [
    {
      number: '12345678/1234',
      accountId: 'CZ4012340000000012345678',
      name: 'Běžný účet v CZK',
      balance: 24394.52,
      currency: 'CZK',
      usableForPayment: false,
      unusableForPaymentReason: null,
    },
    {
      number: '87654321/4321',
      accountId: 'CZ4043210000000087654321',
      name: 'Spořící účet v CZK',
      balance: 158121.1,
      currency: 'CZK',
      usableForPayment: false,
      unusableForPaymentReason: null,
    },
    {
      number: '44444444/1111',
      accountId: 'CZ4011110000000044444444',
      name: 'Spořící účet v EUR',
      balance: 1.9,
      currency: 'EUR',
      usableForPayment: false,
      unusableForPaymentReason: 'Low account balance',
    },
  ];
}

/** The documentation's password (`s3cret`) for every built-in user. */
export const POWERAUTH_TEST_PASSWORD = 's3cret';

/** `user1234`'s client TLS certificate (a placeholder PEM: the simulator compares it, it does not parse it). */
export const POWERAUTH_TEST_CERTIFICATE = [
  '-----BEGIN CERTIFICATE-----',
  'MIIBszCCAVmgAwIBAgIUcG9seWJhbmstdXNlcjEyMzQtY2VydDAKBggqhkjOPQQDAjAkMSIwIAYD',
  'VQQDDBlwb3dlcmF1dGgtc2ltdWxhdG9yLWNhLnRlc3QwHhcNMjUwMTAxMDAwMDAwWhcNMzUwMTAx',
  'MDAwMDAwWjATMREwDwYDVQQDDAh1c2VyMTIzNDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABA==',
  '-----END CERTIFICATE-----',
].join('\n');

/**
 * A current account, a credit card and a consumer loan, as a Czech bank's Data Adapter
 * would list them: what is owed on the card and the loan comes as a positive amount.
 */
export function borrowerAccounts(): SimBankAccount[] {
  return [
    {
      number: '2400112233/2010',
      accountId: 'CZ6520100000002400112233',
      name: 'Běžný účet v CZK',
      balance: 8120.45,
      currency: 'CZK',
      usableForPayment: true,
      unusableForPaymentReason: null,
    },
    {
      number: '4111 **** **** 5832',
      accountId: 'CARD-4111-5832',
      name: 'Kreditní karta Visa Classic',
      balance: 500.3,
      currency: 'CZK',
      usableForPayment: true,
      unusableForPaymentReason: null,
    },
    {
      number: '9000123456/2010',
      accountId: 'CZ1220100000009000123456',
      name: 'Spotřebitelský úvěr',
      balance: 148250,
      currency: 'CZK',
      usableForPayment: false,
      unusableForPaymentReason: 'Loan accounts cannot be used for payments',
    },
  ];
}

/**
 * Built-in users: `user1234` (John Doe, active, the documentation's accounts, a client
 * certificate), `blocked` (NOT_ACTIVE), `lockable` (its bank blocks it after 3 wrong
 * passwords) and `borrower` (a current account, a credit card and a loan). Any other
 * username is unknown (USER_NOT_FOUND).
 */
export function defaultUsers(): PowerAuthSimUser[] {
  return [
    {
      username: 'user1234',
      id: '12345678',
      givenName: 'John',
      familyName: 'Doe',
      organizationId: 'RETAIL',
      password: POWERAUTH_TEST_PASSWORD,
      accountStatus: 'ACTIVE',
      accounts: seedAccounts(),
      passwordFailures: 0,
      certificate: POWERAUTH_TEST_CERTIFICATE,
    },
    {
      username: 'blocked',
      id: '87654321',
      givenName: 'Jane',
      familyName: 'Roe',
      organizationId: 'RETAIL',
      password: POWERAUTH_TEST_PASSWORD,
      accountStatus: 'NOT_ACTIVE',
      accounts: seedAccounts(),
      passwordFailures: 0,
    },
    {
      username: 'lockable',
      id: '11112222',
      givenName: 'Max',
      familyName: 'Mustermann',
      organizationId: 'RETAIL',
      password: POWERAUTH_TEST_PASSWORD,
      accountStatus: 'ACTIVE',
      accounts: seedAccounts().slice(0, 1),
      maxPasswordFailures: 3,
      passwordFailures: 0,
    },
    {
      username: 'borrower',
      id: '55556666',
      givenName: 'Karel',
      familyName: 'Novák',
      organizationId: 'RETAIL',
      password: POWERAUTH_TEST_PASSWORD,
      accountStatus: 'ACTIVE',
      accounts: borrowerAccounts(),
      passwordFailures: 0,
    },
  ];
}

/** One option of a consent form. */
export interface ConsentFormOption {
  /** The option's id. */
  id: string;
  /** Its text (HTML). */
  descriptionHtml: string;
  /** Consent fails unless it is checked. */
  required: boolean;
}

/** A consent form, as `consent/form` sends it. */
export interface ConsentForm {
  /** The consent text (HTML). */
  consentHtml: string;
  /** Its options. */
  options: ConsentFormOption[];
}

/**
 * The sample adapter's forms: payments have CONSENT_INIT + CONSENT_PAYMENT (texts
 * verbatim from the documentation); logins one CONSENT_LOGIN option (texts written in
 * the same style: the documentation shows only the payment form).
 */
export function consentFormFor(operationName: string): ConsentForm | undefined {
  if (operationName === 'authorize_payment' || operationName === 'authorize_payment_sca') {
    return {
      consentHtml: 'I consent that I have initiated this payment request and give consent to complete the operation.',
      options: [
        { id: 'CONSENT_INIT', descriptionHtml: 'I consent that I have initiated this payment operation.', required: true },
        { id: 'CONSENT_PAYMENT', descriptionHtml: 'I give consent to complete this payment operation.', required: true },
      ],
    };
  }
  if (operationName === 'login' || operationName === 'login_sca') {
    return {
      consentHtml: 'I consent that I have initiated this login request and give consent to share my account list.',
      options: [{ id: 'CONSENT_LOGIN', descriptionHtml: 'I give consent to complete this login operation.', required: true }],
    };
  }
  return undefined;
}

export const CONSENT_FORM_ERROR = 'Please fill in the whole consent form.';
export const CONSENT_OPTION_ERROR = 'Confirm this option to complete the operation.';

/** The status example, with the simulator's version. */
export function serviceStatus(version: string, now: number): Record<string, unknown> {
  return {
    applicationName: 'powerauth-data-adapter',
    applicationDisplayName: 'PowerAuth Data Adapter',
    applicationEnvironment: 'ENV1',
    version,
    buildTime: '2019-06-21T12:49:22.959+0000',
    timestamp: new Date(now).toISOString().replace('Z', '+0000'),
  };
}
