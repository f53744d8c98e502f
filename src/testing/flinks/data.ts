import { derivedGuid } from './wire.js';

/**
 * The accounts the simulated institutions hold, and how GetAccountsDetail /
 * GetAccountsSummary render them under the With* flags (research notes §4.1, §4.2:
 * identity off → null numbers, KYC off → Holder null, transactions off → [],
 * balance off → null balances). Amounts are JSON numbers as Flinks sends them,
 * float artefacts included.
 */
export interface SimTransaction {
  /** The day (`YYYY-MM-DD`). */
  Date: string;
  /** The bank's transaction code, if any. */
  Code: string | null;
  /** The wording. */
  Description: string;
  /** Money out, positive; null for a credit. */
  Debit: number | null;
  /** Money in, positive; null for a debit. */
  Credit: number | null;
  /** The running balance after it. */
  Balance: number | null;
  /** Its id (a GUID). */
  Id: string;
}

/** A simulated account, in Flinks' wire names. */
export interface SimAccount {
  /** Its id (a GUID). */
  Id: string;
  /** Its name. */
  Title: string;
  /** Its number (null with identity off). */
  AccountNumber: string | null;
  /** The last four digits of a card. */
  LastFourDigits: string | null;
  /** The branch transit number. */
  TransitNumber: string | null;
  /** The institution number. */
  InstitutionNumber: string | null;
  /** The overdraft limit. */
  OverdraftLimit: number | null;
  /** Its balances, as Flinks reports them (null with balances off). */
  Balance: {
    /** What can be spent. */
    Available: number | null;
    /** The booked balance. */
    Current: number | null;
    /** The credit limit. */
    Limit: number | null;
  };
  /** `Operations`, `Credits`, `Products`, … */
  Category: string;
  /** `Chequing`, `Savings`, `CreditCard`, … */
  Type: string;
  /** ISO 4217 code. */
  Currency: string;
  /** `Personal` or `Business`. */
  AccountType: string | null;
  /** Its transactions. */
  Transactions: SimTransaction[];
}

/** The simulated account holder (what KYC returns). */
export interface SimHolder {
  /** The holder's name. */
  Name: string;
  /** The holder's address. */
  Address: {
    /** Number and street. */
    CivicAddress: string;
    /** City. */
    City: string;
    /** Province code. */
    Province: string;
    /** Postal code. */
    PostalCode: string;
    /** PO box, if any. */
    POBox: string | null;
    /** Country code. */
    Country: string;
  };
  /** Email address. */
  Email: string;
  /** Phone number. */
  PhoneNumber: string;
}

export function defaultHolder(): SimHolder {
  return {
    Name: 'John Flinkyfoot',
    Address: { CivicAddress: '20 Park Avenue', City: 'Toronto', Province: 'ON', PostalCode: 'M5J 2V5', POBox: null, Country: 'CA' },
    Email: 'john.flinkyfoot@example.com',
    PhoneNumber: '+1 514-555-0134',
  };
}

export function defaultAccounts(): SimAccount[] {
  return [
    {
      Id: 'ae1dac72-70da-4626-fed8-08d682e1ff4a',
      Title: 'Chequing CAD',
      AccountNumber: '1111000',
      LastFourDigits: null,
      TransitNumber: '77777',
      InstitutionNumber: '777',
      OverdraftLimit: 0,
      Balance: { Available: 6.04, Current: 49993.96, Limit: 5000 },
      Category: 'Operations',
      Type: 'Chequing',
      Currency: 'CAD',
      AccountType: 'Personal',
      Transactions: [
        { Date: '2025-01-31', Code: null, Description: 'PAYROLL - Stripe Paycheck', Debit: null, Credit: 1500.25, Balance: 49993.96, Id: '94584aed-7c98-42a4-9836-9f8557db63f5' },
        { Date: '2025-01-30', Code: null, Description: 'Credit Card Payment', Debit: 150.1, Credit: null, Balance: 48493.71, Id: 'c2fb949a-86aa-470f-9a76-deb10d7c2b57' },
        { Date: '2024-12-24', Code: null, Description: 'Grocery store', Debit: 0.1, Credit: 0.3, Balance: 48643.81, Id: '0b8f6f43-1a52-4f5f-9a2e-7d0c1a3b9e11' },
      ],
    },
    {
      Id: '3f9c1a52-5b7d-4e08-8c8e-08d682e1ff4b',
      Title: 'High Interest Savings USD',
      AccountNumber: '1111001',
      LastFourDigits: null,
      TransitNumber: '77777',
      InstitutionNumber: '777',
      OverdraftLimit: null,
      Balance: { Available: 158121.1, Current: 158121.1, Limit: null },
      Category: 'Operations',
      Type: 'Savings',
      Currency: 'USD',
      AccountType: 'Personal',
      Transactions: [{ Date: '2025-01-15', Code: null, Description: 'Interest', Debit: null, Credit: 12.34, Balance: 158121.1, Id: '5e2b5d9a-8f0e-4d3b-b0a4-1c2d3e4f5a6b' }],
    },
    {
      Id: '9d1e7b44-2c3f-4a5b-9e6d-08d682e1ff4c',
      Title: 'Visa Infinite',
      AccountNumber: null,
      LastFourDigits: '4242',
      TransitNumber: null,
      InstitutionNumber: '777',
      OverdraftLimit: null,
      // What is owed, as Flinks reports it: a positive Current; Available is the credit left (Limit − Current).
      Balance: { Available: 4499.7, Current: 500.3, Limit: 5000 },
      Category: 'Credits',
      Type: 'CreditCard',
      Currency: 'CAD',
      AccountType: 'Personal',
      // On a card, a purchase is a Debit and a payment a Credit; Balance is what is owed after each.
      Transactions: [
        { Date: '2025-01-30', Code: null, Description: 'PAYMENT - THANK YOU', Debit: null, Credit: 150.1, Balance: 500.3, Id: '1f2e3d4c-5b6a-4789-9a0b-1c2d3e4f5a6b' },
        { Date: '2025-01-29', Code: null, Description: 'Coffee shop', Debit: 4.35, Credit: null, Balance: 650.4, Id: '7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d' },
        { Date: '2025-01-27', Code: null, Description: 'GROCERY STORE #221', Debit: 146.05, Credit: null, Balance: 646.05, Id: '2b3c4d5e-6f70-4819-8a2b-3c4d5e6f7a8b' },
      ],
    },
    {
      Id: 'c0ffee00-1234-4abc-8def-08d682e1ff4d',
      Title: 'TFSA',
      AccountNumber: '1111002',
      LastFourDigits: null,
      TransitNumber: '77777',
      InstitutionNumber: '777',
      OverdraftLimit: null,
      // 0.1 + 0.2 as a float reaches the wire as 0.30000000000000004.
      Balance: { Available: null, Current: 0.1 + 0.2, Limit: null },
      Category: 'Products',
      Type: 'TFSA',
      Currency: 'CAD',
      AccountType: 'Personal',
      Transactions: [],
    },
    {
      Id: '5a1e2b3c-4d5e-4f60-8172-08d682e1ff4e',
      Title: 'Mortgage 5-Year Fixed',
      AccountNumber: '1111003',
      LastFourDigits: null,
      TransitNumber: '77777',
      InstitutionNumber: '777',
      OverdraftLimit: null,
      // The outstanding principal, as Flinks reports it: positive.
      Balance: { Available: null, Current: 245310.55, Limit: null },
      Category: 'Credits',
      Type: 'Mortgage',
      Currency: 'CAD',
      AccountType: 'Personal',
      // A payment is a Credit (it lowers what is owed), interest a Debit.
      Transactions: [
        { Date: '2025-01-15', Code: null, Description: 'MORTGAGE PAYMENT', Debit: null, Credit: 1450, Balance: 245310.55, Id: '6c7d8e9f-0a1b-4c2d-9e3f-4a5b6c7d8e9f' },
        { Date: '2025-01-15', Code: null, Description: 'INTEREST', Debit: 612.4, Credit: null, Balance: 246760.55, Id: '8e9f0a1b-2c3d-4e4f-8a5b-6c7d8e9f0a1b' },
      ],
    },
  ];
}

export interface DetailFlags {
  identity: boolean;
  kyc: boolean;
  transactions: boolean;
  balance: boolean;
  filter?: string[];
}

/** One account of a GetAccountsDetail 200, in the docs' key order. */
export function detailAccount(a: SimAccount, holder: SimHolder, flags: DetailFlags): Record<string, unknown> {
  return {
    Transactions: flags.transactions ? a.Transactions.map((t) => ({ ...t })) : [],
    TransitNumber: flags.identity ? a.TransitNumber : null,
    InstitutionNumber: flags.identity ? a.InstitutionNumber : null,
    OverdraftLimit: a.OverdraftLimit,
    Title: a.Title,
    AccountNumber: flags.identity ? a.AccountNumber : null,
    LastFourDigits: a.LastFourDigits,
    Balance: flags.balance ? { ...a.Balance } : { Available: null, Current: null, Limit: null },
    Category: a.Category,
    Type: a.Type,
    Currency: a.Currency,
    Holder: flags.kyc ? structuredClone(holder) : null,
    AccountType: a.AccountType,
    Id: a.Id,
  };
}

/** One account of a GetAccountsSummary 200 (no transactions, no transit/institution numbers). */
export function summaryAccount(a: SimAccount, holder: SimHolder, withBalance: boolean): Record<string, unknown> {
  return {
    EftEligibleRatio: a.Category === 'Operations' ? 1 : 0,
    ETransferEligibleRatio: a.Category === 'Operations' ? 1 : 0,
    Title: a.Title,
    AccountNumber: a.AccountNumber,
    LastFourDigits: a.LastFourDigits,
    Balance: withBalance ? { ...a.Balance } : { Available: null, Current: null, Limit: null },
    Category: a.Category,
    Type: a.Type,
    Currency: a.Currency,
    Holder: structuredClone(holder),
    AccountType: a.AccountType,
    Id: a.Id,
  };
}

/** A one-page PDF (with a valid cross-reference table) saying whose statement it is; `padding` bytes of comment make it larger. */
export function statementPdf(text: string, padding = 0): string {
  const safe = text.replace(/[\\()]/g, (c) => `\\${c}`);
  const content = `BT /F1 14 Tf 72 720 Td (${safe}) Tj ET${padding > 0 ? `\n%${'x'.repeat(padding)}` : ''}`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = pdf.length;
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return btoa(pdf);
}

/** The `count` most recent monthly statements of an account (months before February 2025). */
export function statementsOf(a: SimAccount, count: number, padding = 0): Array<{ UniqueId: string; FileType: string; Base64Bytes: string }> {
  return Array.from({ length: count }, (_, i) => {
    const month = new Date(Date.UTC(2025, 0 - i, 1)).toISOString().slice(0, 7);
    return {
      UniqueId: derivedGuid(`${a.Id}/${month}`).replace(/-/g, '').toUpperCase(),
      FileType: 'PDF',
      Base64Bytes: statementPdf(`${a.Title} ${a.AccountNumber ?? ''} statement ${month}`, padding),
    };
  });
}
