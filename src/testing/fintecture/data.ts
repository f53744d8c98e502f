/** The simulated banks and the accounts, transactions and holders a new connection gets. */

export type AuthModel = 'redirect' | 'decoupled';

/** A simulated bank, as the providers catalog lists it. */
export interface SimBank {
  /** Fintecture's id of the bank (`agfbfr`). */
  id: string;
  /** Its name. */
  name: string;
  /** Its country (ISO 3166 alpha-2). */
  country: string;
  /** How its users authenticate. */
  authModels: AuthModel[];
  /** The AIS services it offers. */
  ais: string[];
  /** The PIS schemes it offers. */
  pis: string[];
  /** The kinds of customer it serves. */
  psuTypes: string[];
  /** Whether `/accountholders` is implemented for this bank (not all are: sample-nodejs). */
  holders: boolean;
}

/** A simulated transaction, in Fintecture's wire names. */
export interface SimTransaction {
  /** Its id. */
  id: string;
  /** Signed decimal text: negative is money out. */
  amount: string;
  /** ISO 4217 code. */
  currency: string;
  /** The wording. */
  communication: string;
  /** Booked or pending. */
  status: 'BOOKED' | 'PENDING';
  /** The booking day (`YYYY-MM-DD`). */
  booking_date: string;
  /** The value day (`YYYY-MM-DD`). */
  value_date: string;
}

/** A simulated account of a connection. */
export interface SimAccount {
  /** Its id. */
  id: string;
  /** IBAN, or a masked card number for a card, or the loan's contract number. */
  accountId: string;
  /** Its name. */
  name: string;
  /** Its product type, as the bank words it. */
  type: string;
  /** What kind of account it is, for the catalog's flat shape (CACC, SVGS, CARD, LOAN). */
  kind: 'CACC' | 'SVGS' | 'CARD' | 'LOAN';
  /** ISO 4217 code. */
  currency: string;
  /** Cards and loans have none. */
  iban?: string;
  /** The bank's BIC. */
  bic: string;
  /**
   * A float on purpose, like providers send: the SDK must not pass float artefacts on.
   * From the holder's side, as STET and Berlin Group banks report it: a card's outstanding
   * spending and a loan's principal are negative.
   */
  balance: number;
  /** Its transactions. */
  transactions: SimTransaction[];
}

/** A simulated account holder. */
export interface SimHolder {
  /** Its id. */
  id: string;
  /** The holder's full name. */
  fullName: string;
}

/** Banks as `GET /res/v1/providers` lists them (ids from the SDK specs and examples). */
export function defaultBanks(): SimBank[] {
  return [
    {
      id: 'agfbfr',
      name: 'Crédit Agricole',
      country: 'FR',
      authModels: ['redirect', 'decoupled'],
      ais: ['Accounts', 'Transactions', 'Accountholders'],
      pis: ['SEPA'],
      psuTypes: ['retail', 'corporate'],
      holders: true,
    },
    {
      id: 'cmcifrpp',
      name: 'CIC',
      country: 'FR',
      authModels: ['redirect'],
      ais: ['Accounts', 'Transactions'],
      pis: ['SEPA'],
      psuTypes: ['retail'],
      holders: false,
    },
    {
      // "the only one provider that support decoupled model" (Python SDK example): decoupled only.
      id: 'handse',
      name: 'Handelsbanken',
      country: 'SE',
      authModels: ['decoupled'],
      ais: ['Accounts', 'Transactions', 'Accountholders'],
      pis: [],
      psuTypes: ['retail'],
      holders: true,
    },
    {
      // A current account, a deferred-debit card and a home loan: balances owed are negative.
      id: 'bnpafrpp',
      name: 'BNP Paribas',
      country: 'FR',
      authModels: ['redirect', 'decoupled'],
      ais: ['Accounts', 'Transactions', 'Accountholders'],
      pis: ['SEPA'],
      psuTypes: ['retail'],
      holders: true,
    },
    {
      id: 'ingbes',
      name: 'ING España',
      country: 'ES',
      authModels: ['redirect'],
      ais: ['Accounts', 'Transactions'],
      pis: ['SEPA'],
      psuTypes: ['retail'],
      holders: false,
    },
  ];
}

function day(base: string, minusDays: number): string {
  const d = new Date(`${base}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - minusDays);
  return d.toISOString().slice(0, 10);
}

function transactions(prefix: string, currency: string, rows: Array<[string, string, number, 'BOOKED' | 'PENDING']>): SimTransaction[] {
  return rows.map(([amount, communication, ago, status], i) => ({
    id: `${prefix}-tx-${i + 1}`,
    amount,
    currency,
    communication,
    status,
    booking_date: day('2026-05-20', ago),
    value_date: day('2026-05-20', ago),
  }));
}

/** The accounts a new connection at `bank` holds; ids are the 64-hex ids Fintecture uses. */
export function accountsFor(bank: SimBank, newId: () => string): SimAccount[] {
  switch (bank.id) {
    case 'bnpafrpp':
      return [
        {
          id: newId(),
          accountId: 'FR7630004000031234567890143',
          name: 'Compte de chèques',
          type: 'Compte de chèques',
          kind: 'CACC',
          currency: 'EUR',
          iban: 'FR7630004000031234567890143',
          bic: 'BNPAFRPP',
          balance: 2318.07,
          transactions: transactions('bc', 'EUR', [
            ['-612.48', 'PRLV CARTE VISA PREMIER 4974XXXXXXXX1234', 1, 'BOOKED'],
            ['-1123.40', 'ECHEANCE PRET IMMOBILIER 00412345', 5, 'BOOKED'],
            ['3120.00', 'VIR SEPA SALAIRE', 8, 'BOOKED'],
          ]),
        },
        {
          // Deferred debit: spending accumulates here until the monthly debit of the current account.
          id: newId(),
          accountId: '4974XXXXXXXX1234',
          name: 'Carte Visa Premier',
          type: 'Carte à débit différé',
          kind: 'CARD',
          currency: 'EUR',
          bic: 'BNPAFRPP',
          balance: -487.35,
          transactions: transactions('cd', 'EUR', [
            ['-64.90', 'CB FNAC PARIS 17/05', 3, 'BOOKED'],
            ['-35.45', 'CB MONOPRIX 16/05', 4, 'BOOKED'],
            ['-387.00', 'CB AIR FRANCE 12/05', 8, 'BOOKED'],
            ['612.48', 'DEBIT MENSUEL CARTE', 19, 'BOOKED'],
          ]),
        },
        {
          // The outstanding principal, owed by the holder.
          id: newId(),
          accountId: '00412345',
          name: 'Prêt Immobilier',
          type: 'Prêt immobilier',
          kind: 'LOAN',
          currency: 'EUR',
          bic: 'BNPAFRPP',
          balance: -152340.18,
          transactions: transactions('ln', 'EUR', [
            ['868.22', 'ECHEANCE 05/2026 CAPITAL', 5, 'BOOKED'],
            ['871.02', 'ECHEANCE 04/2026 CAPITAL', 35, 'BOOKED'],
          ]),
        },
      ];
    case 'handse':
      return [
        {
          id: newId(),
          accountId: 'SE4550000000058398257466',
          name: 'Privatkonto',
          type: 'Current account',
          kind: 'CACC',
          currency: 'SEK',
          iban: 'SE4550000000058398257466',
          bic: 'HANDSESS',
          balance: 25310.75,
          transactions: transactions('se', 'SEK', [
            ['-129.90', 'ICA Maxi', 1, 'PENDING'],
            ['32000.00', 'Lön maj', 3, 'BOOKED'],
            ['-8450.00', 'Hyra', 5, 'BOOKED'],
          ]),
        },
      ];
    default: {
      const fr = bank.country === 'FR';
      return [
        {
          id: newId(),
          accountId: fr ? 'FR7630006000011234567890189' : 'ES5014650100981708392372',
          name: fr ? 'Compte de dépôt' : 'Cuenta Nómina',
          type: fr ? 'Compte Courant' : 'Compte Courante',
          kind: 'CACC',
          currency: 'EUR',
          iban: fr ? 'FR7630006000011234567890189' : 'ES5014650100981708392372',
          bic: fr ? 'AGRIFRPP' : 'INGDESMMXXX',
          balance: 1284.32,
          transactions: transactions('cc', 'EUR', [
            ['-42.10', 'CB CARREFOUR 18/05', 0, 'PENDING'],
            ['-19.99', 'PRLV SEPA NETFLIX', 1, 'BOOKED'],
            ['2450.00', 'VIR SALAIRE ACME', 4, 'BOOKED'],
            ['-850.00', 'PRLV LOYER', 6, 'BOOKED'],
            ['-0.30', 'FRAIS TENUE COMPTE', 9, 'BOOKED'],
            ['120.55', 'VIR REMBOURSEMENT', 12, 'BOOKED'],
            ['-64.20', 'CB SNCF', 15, 'BOOKED'],
          ]),
        },
        {
          id: newId(),
          accountId: fr ? 'FR7610096000301234567890137' : 'ES9121000418450200051332',
          name: fr ? 'Livret A' : 'Cuenta Ahorro',
          type: fr ? 'Livret A' : 'Cuenta de ahorro',
          kind: 'SVGS',
          currency: 'EUR',
          iban: fr ? 'FR7610096000301234567890137' : 'ES9121000418450200051332',
          bic: fr ? 'AGRIFRPP' : 'INGDESMMXXX',
          balance: 15000.5,
          transactions: transactions('sv', 'EUR', [['150.00', 'VIREMENT EPARGNE', 2, 'BOOKED']]),
        },
      ];
    }
  }
}

export function holdersFor(bank: SimBank, newId: () => string): SimHolder[] {
  return [{ id: newId(), fullName: bank.country === 'SE' ? 'Astrid Lindqvist' : 'Jeanne Martin' }];
}
