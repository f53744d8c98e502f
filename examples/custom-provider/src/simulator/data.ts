/**
 * The simulated banks: institution records as GoCardless lists them, and the accounts a
 * linked requisition gets at each, in the Berlin Group shapes of RESEARCH.md §5 — each bank
 * with the variants real integrations meet (balance types, masked card numbers, missing ids).
 * Dates are written relative to the day the account is linked: `@-5` is five days before,
 * `@0T10:00:00Z` a time that day (see `materialize`).
 */

/** An institution as `GET /institutions/{id}/` returns it (numbers as strings, as documented). */
export interface SimInstitution {
  id: string;
  name: string;
  bic?: string;
  transaction_total_days: string | number;
  max_access_valid_for_days?: string | number;
  countries: string[];
  logo: string;
  supported_features?: string[];
  /** Whether SSN verification is offered (a `ssn` on the requisition is refused otherwise). */
  ssn?: boolean;
  /** The accounts a user of this bank links (copied, with fresh ids, per requisition). */
  accounts: SimAccountTemplate[];
}

export interface SimAccountTemplate {
  iban?: string;
  bban?: string;
  ownerName?: string;
  details: Record<string, unknown>;
  balances: Array<Record<string, unknown>>;
  booked: Array<Record<string, unknown>>;
  pending?: Array<Record<string, unknown>>;
}

const ALL_EEA = ['AT', 'BE', 'DE', 'EE', 'ES', 'FI', 'FR', 'GB', 'IE', 'IT', 'LT', 'LV', 'NL', 'NO', 'PL', 'PT', 'SE'];

function money(amount: string | number, currency = 'EUR'): Record<string, unknown> {
  return { amount, currency };
}

/** The sandbox bank: a current and a savings account, the textbook shapes. */
const sandbox: SimInstitution = {
  id: 'SANDBOXFINANCE_SFIN0000',
  name: 'Sandbox Finance',
  bic: 'SFIN0000',
  transaction_total_days: '90',
  max_access_valid_for_days: '90',
  countries: ['XX'],
  logo: 'https://cdn-logos.gocardless.com/ais/SANDBOXFINANCE_SFIN0000.png',
  supported_features: ['account_selection', 'private_accounts'],
  accounts: [
    {
      iban: 'GL2010440000010445',
      ownerName: 'John Doe',
      details: { resourceId: '01F3NS4YV94RA29YCH8R0F6BMF', iban: 'GL2010440000010445', currency: 'EUR', ownerName: 'John Doe', name: 'Main Account', product: 'Checkings', cashAccountType: 'CACC', ownerAddressUnstructured: ['Example Street 1', '1000 Example City'] },
      balances: [
        { balanceAmount: money('1913.12'), balanceType: 'closingBooked', referenceDate: '@0' },
        { balanceAmount: money('1880.00'), balanceType: 'interimAvailable', creditLimitIncluded: false, lastChangeDateTime: '@0T10:00:00Z' },
      ],
      booked: [
        { transactionId: '2024042001', internalTransactionId: '6f0e4a2b0c2d4e1f8a9b0c1d2e3f4a5b', bookingDate: '@0', valueDate: '@0', transactionAmount: money('-45.00'), creditorName: 'MON MOTHMA', remittanceInformationUnstructured: 'For the support of Restoration of the Republic foundation', bankTransactionCode: 'PMNT' },
        { transactionId: '2024041502', bookingDate: '@-5', valueDate: '@-5', transactionAmount: money('2500.00'), debtorName: 'ACME PAYROLL', debtorAccount: { iban: 'DE89370400440532013000' }, remittanceInformationUnstructured: 'Salary April' },
        { transactionId: '2024010303', bookingDate: '@-108', valueDate: '@-108', transactionAmount: money('-12.99'), creditorName: 'Streaming Ltd', remittanceInformationUnstructured: 'Subscription' },
      ],
      pending: [{ transactionAmount: money('-33.13'), valueDate: '@+1', remittanceInformationUnstructured: 'Card payment COFFEE BAR' }],
    },
    {
      iban: 'GL5604449876543210',
      ownerName: 'John Doe',
      details: { resourceId: '01F3NS5ASCNMVCTEJDT0G215YE', iban: 'GL5604449876543210', currency: 'EUR', ownerName: 'John Doe', name: 'Savings', product: 'Savings', cashAccountType: 'SVGS' },
      balances: [{ balanceAmount: money('10000.5'), balanceType: 'interimBooked', referenceDate: '@0' }],
      booked: [{ transactionId: 'S-1', bookingDate: '@-20', transactionAmount: money('0.5'), remittanceInformationUnstructuredArray: ['Interest', 'Q1 2024'] }],
    },
  ],
};

/**
 * A neo-bank: 730 days of history and 180 days of access as integers, `expected` and
 * `interimAvailable` balances only, date-times instead of dates, arrays of remittance
 * lines, GoCardless ids only, and a pending transaction with no id at all.
 */
const neobank: SimInstitution = {
  id: 'REVOLUT_REVOLT21',
  name: 'Revolut',
  bic: 'REVOLT21',
  transaction_total_days: 730,
  max_access_valid_for_days: 180,
  countries: ALL_EEA,
  logo: 'https://cdn-logos.gocardless.com/ais/REVOLUT_REVOLT21.png',
  supported_features: ['account_selection', 'business_accounts', 'card_accounts', 'payments', 'private_accounts'],
  accounts: [
    {
      iban: 'LT12 1000 0111 0100 1000',
      details: { resourceId: 'a1b2', iban: 'LT121000011101001000', currency: 'EUR', ownerName: 'Jane Roe', displayName: 'Personal', cashAccountType: null, ownerAddressUnstructured: 'Vilnius, Lithuania' },
      balances: [
        { balanceAmount: { amount: '-12.40', currency: 'EUR' }, balanceType: 'expected', referenceDate: '@-1' },
        { balanceAmount: { amount: '-12.40', currency: 'EUR' }, balanceType: 'expected', referenceDate: '@0' },
        { balanceAmount: { amount: 87.6, currency: 'EUR' }, balanceType: 'interimAvailable', creditLimitIncluded: true },
      ],
      booked: [
        { internalTransactionId: 'c3f4e5d6', bookingDateTime: '@-1T18:22:03.120Z', valueDateTime: '@-1T18:22:03.120Z', transactionAmount: money('-20.00'), creditorName: 'Taxi', remittanceInformationUnstructuredArray: ['Ride', 'Old town'], currencyExchange: { sourceCurrency: 'EUR', exchangeRate: '1.0', targetCurrency: 'EUR' } },
        { entryReference: 'ER-77', bookingDate: '@-2', transactionAmount: money('+7.60'), debtorName: 'Friend', additionalInformation: 'Split bill' },
      ],
      pending: [{ transactionAmount: { amount: -4.5, currency: 'EUR' }, valueDateTime: '@0T08:00:00Z', remittanceInformationStructured: 'RF18539007547034' }],
    },
  ],
};

/**
 * A card issuer: the "IBAN" is a masked card number, the only balance is `information`
 * (what the holder owes, negative from the holder's side), purchases are negative.
 */
const cards: SimInstitution = {
  id: 'AMERICAN_EXPRESS_AESUDEF1',
  name: 'American Express',
  transaction_total_days: '180',
  countries: ['DE'],
  logo: 'https://cdn-logos.gocardless.com/ais/AMERICAN_EXPRESS_AESUDEF1.png',
  supported_features: ['card_accounts'],
  accounts: [
    {
      iban: 'XXXXXXXXXXX12345',
      details: { resourceId: 'card-1', iban: 'XXXXXXXXXXX12345', currency: 'EUR', details: 'Platinum Card', cashAccountType: 'CARD', ownerName: 'Jane Roe' },
      balances: [{ balanceAmount: money('-500.30'), balanceType: 'information', referenceDate: '@0' }],
      booked: [{ transactionId: 'AX-1', bookingDate: '@-10', valueDate: '@-11', transactionAmount: money('-500.30'), creditorName: 'Airline', remittanceInformationUnstructured: 'Flight' }],
      pending: [],
    },
  ],
};

/** A bank with SSN verification and no account selection: the last shape of the list. */
const nordic: SimInstitution = {
  id: 'SEB_ESSESESS_PRIVATE',
  name: 'SEB Private',
  bic: 'ESSESESS',
  transaction_total_days: '540',
  countries: ['SE'],
  logo: 'https://cdn-logos.gocardless.com/ais/SEB_ESSESESS.png',
  ssn: true,
  accounts: [
    {
      bban: '50000000058398257466',
      details: { resourceId: 'seb-1', bban: '50000000058398257466', currency: 'SEK', name: 'Privatkonto', cashAccountType: 'TRAN', usage: 'PRIV' },
      balances: [{ balanceAmount: money('12500', 'SEK'), balanceType: 'interimBooked' }, { balanceAmount: money('12000.0', 'SEK'), balanceType: 'interimAvailable' }],
      booked: [{ transactionId: 'SEB-1', bookingDate: '@-18', transactionAmount: money('-1500', 'SEK'), creditorName: 'Hyresvärd AB', remittanceInformationUnstructured: 'Hyra april' }],
    },
  ],
};

/** Replaces the relative dates of a template (`@-5`, `@0T08:00:00Z`) with ISO dates from `now`. */
export function materialize<T>(template: T, now: number): T {
  return JSON.parse(JSON.stringify(template), (_key, value: unknown) => {
    if (typeof value !== 'string') return value;
    const relative = /^@([+-]?\d+)(T.*)?$/.exec(value);
    if (!relative) return value;
    const day = new Date(now + Number(relative[1]) * 86_400_000).toISOString().slice(0, 10);
    return `${day}${relative[2] ?? ''}`;
  }) as T;
}

export function defaultInstitutions(): SimInstitution[] {
  return structuredClone([sandbox, neobank, cards, nordic]);
}
