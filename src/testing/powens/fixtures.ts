/**
 * Bodies recorded against the Budget Insight sandbox with the official test connector
 * (research/specs/powens/examples, nock recordings 2020-2021), served verbatim by the
 * simulator: only ids, dates and the connection/user they belong to are rewritten.
 */

/** `GET /connectors/338178e6-…?expand=fields` (connector-test-connector-expand-fields.json). */
export const TEST_CONNECTOR: Readonly<Record<string, unknown>> = {
  "id": 59,
  "name": "Connecteur de test",
  "hidden": true,
  "charged": false,
  "code": null,
  "beta": false,
  "color": "5c2963",
  "slug": "EXA",
  "sync_frequency": null,
  "months_to_fetch": null,
  "auth_mechanism": "credentials",
  "siret": null,
  "uuid": "338178e6-3d01-564f-9a7b-52ca442459bf",
  "restricted": false,
  "fields": [
    {
      "name": "login",
      "label": "Identifiant",
      "regex": null,
      "type": "text",
      "required": true,
      "auth_mechanisms": [
        "credentials"
      ],
      "connector_sources": [
        "openapi",
        "directaccess"
      ]
    },
    {
      "name": "password",
      "label": "Code (1234)",
      "regex": null,
      "type": "password",
      "required": true,
      "auth_mechanisms": [
        "credentials"
      ],
      "connector_sources": [
        "openapi",
        "directaccess"
      ]
    },
    {
      "name": "openapiwebsite",
      "label": "Cas d'usage (openapi)",
      "regex": null,
      "type": "list",
      "required": false,
      "auth_mechanisms": [
        "webauth",
        "credentials"
      ],
      "connector_sources": [
        "openapi"
      ],
      "values": [
        {
          "label": "Particuliers",
          "value": "par"
        },
        {
          "label": "Professionnels",
          "value": "pro"
        },
        {
          "label": "WrongPass",
          "value": "wrongpass"
        },
        {
          "label": "AdditionalInformationNeeded",
          "value": "additionalInformationNeeded"
        },
        {
          "label": "WebsiteUnavailable",
          "value": "websiteUnavailable"
        },
        {
          "label": "ActionNeeded",
          "value": "actionNeeded"
        },
        {
          "label": "Bug",
          "value": "bug"
        },
        {
          "label": "ShortDecoupled",
          "value": "shortDecoupled"
        },
        {
          "label": "Double OTP",
          "value": "doubleotp"
        },
        {
          "label": "SCARequired",
          "value": "SCARequired"
        },
        {
          "label": "webauthRequired",
          "value": "webauthRequired"
        },
        {
          "label": "passwordExpired",
          "value": "passwordExpired"
        },
        {
          "label": "LongDecoupled",
          "value": "longDecoupled"
        },
        {
          "label": "SCARequiredAndDecoupled",
          "value": "SCARequiredAndDecoupled"
        },
        {
          "label": "SCARequiredAndOTP",
          "value": "SCARequiredAndOTP"
        },
        {
          "label": "Website not supported",
          "value": "notSupported"
        },
        {
          "label": "otp_transfer",
          "value": "otp_transfer"
        },
        {
          "label": "AppValidationCancelled",
          "value": "AppValidationCancelled"
        },
        {
          "label": "AppValidationExpired",
          "value": "AppValidationExpired"
        }
      ]
    },
    {
      "name": "directaccesswebsite",
      "label": "Cas d'usage (directaccess)",
      "regex": null,
      "type": "list",
      "required": false,
      "auth_mechanisms": [
        "webauth",
        "credentials"
      ],
      "connector_sources": [
        "directaccess"
      ],
      "values": [
        {
          "label": "Particuliers",
          "value": "par"
        },
        {
          "label": "Professionnels",
          "value": "pro"
        },
        {
          "label": "WrongPass",
          "value": "wrongpass"
        },
        {
          "label": "AdditionalInformationNeeded",
          "value": "additionalInformationNeeded"
        },
        {
          "label": "WebsiteUnavailable",
          "value": "websiteUnavailable"
        },
        {
          "label": "ActionNeeded",
          "value": "actionNeeded"
        },
        {
          "label": "Bug",
          "value": "bug"
        },
        {
          "label": "ShortDecoupled",
          "value": "shortDecoupled"
        },
        {
          "label": "Double OTP",
          "value": "doubleotp"
        },
        {
          "label": "SCARequired",
          "value": "SCARequired"
        },
        {
          "label": "passwordExpired",
          "value": "passwordExpired"
        },
        {
          "label": "LongDecoupled",
          "value": "longDecoupled"
        },
        {
          "label": "SCARequiredAndDecoupled",
          "value": "SCARequiredAndDecoupled"
        },
        {
          "label": "SCARequiredAndOTP",
          "value": "SCARequiredAndOTP"
        },
        {
          "label": "Website not supported",
          "value": "notSupported"
        },
        {
          "label": "otp_transfer",
          "value": "otp_transfer"
        },
        {
          "label": "AppValidationCancelled",
          "value": "AppValidationCancelled"
        },
        {
          "label": "AppValidationExpired",
          "value": "AppValidationExpired"
        }
      ]
    }
  ],
  "logos": [],
  "categories": [],
  "capabilities": [
    "banktransferaddrecipient",
    "transfer",
    "profile",
    "bank",
    "bankwealth",
    "banktransfer",
    "contact",
    "document"
  ],
  "urls": [],
  "available_auth_mechanisms": [
    "webauth",
    "credentials"
  ],
  "account_types": [
    "card",
    "pee",
    "lifeinsurance",
    "checking",
    "loan",
    "market",
    "perco",
    "savings"
  ],
  "available_transfer_mechanisms": [
    "webauth",
    "credentials"
  ],
  "transfer_beneficiary_types": [
    "recipient",
    "iban"
  ],
  "transfer_execution_date_types": [
    "first_open_day",
    "deferred"
  ],
  "documents_type": []
};

/** The test connector's accounts, all disabled as new accounts are by default (connection-accounts-all-disabled.json). */
export const TEST_ACCOUNTS: ReadonlyArray<Record<string, unknown>> = [
  {"id": 17545, "id_connection": 2400, "id_user": 2795, "id_source": 4718, "id_parent": null, "number": "3002900000", "webid": "3002900000", "original_name": "Compte chèque", "balance": 7764.38, "coming": -88.83, "display": true, "last_update": null, "deleted": null, "disabled": "2021-04-01 16:47:42", "iban": "EX6713335395899300290000026", "currency": {"id": "EUR", "symbol": "€", "prefix": false, "crypto": false, "precision": 2, "marketcap": null, "datetime": null, "name": "Euro"}, "id_type": 2, "bookmarked": 0, "name": "Compte chèque", "error": null, "usage": "PRIV", "ownership": "owner", "company_name": null, "opening_date": null, "bic": "CDTBFRBIXXX", "coming_balance": 7675.55, "formatted_balance": "7764,38 €", "type": "checking", "information": {}, "loan": null},
  {"id": 17546, "id_connection": 2400, "id_user": 2795, "id_source": 4718, "id_parent": null, "number": "3002900001", "webid": "3002900001", "original_name": "Compte chèque USD", "balance": 8293.52, "coming": -104.82, "display": true, "last_update": null, "deleted": null, "disabled": "2021-04-01 16:47:42", "iban": "EX6713335395899300290000123", "currency": {"id": "USD", "symbol": "$", "prefix": false, "crypto": false, "precision": 2, "marketcap": null, "datetime": null, "name": "US Dollar"}, "id_type": 2, "bookmarked": 0, "name": "Compte chèque USD", "error": null, "usage": "PRIV", "ownership": "owner", "company_name": null, "opening_date": null, "bic": "CDTBFRBIXXX", "coming_balance": 8188.7, "formatted_balance": "8293,52 $", "type": "checking", "information": {}, "loan": null},
  {"id": 17547, "id_connection": 2400, "id_user": 2795, "id_source": 4718, "id_parent": null, "number": "XXXXXXXXXX982605", "webid": "3002900002", "original_name": "Compte carte débit différé", "balance": 0, "coming": -88.83, "display": true, "last_update": null, "deleted": null, "disabled": "2021-04-01 16:47:42", "iban": "EX6713335395899300290000220", "currency": {"id": "EUR", "symbol": "€", "prefix": false, "crypto": false, "precision": 2, "marketcap": null, "datetime": null, "name": "Euro"}, "id_type": 8, "bookmarked": 0, "name": "Compte carte débit différé", "error": null, "usage": "PRIV", "ownership": "owner", "company_name": null, "opening_date": null, "bic": "CDTBFRBIXXX", "coming_balance": -88.83, "formatted_balance": "0 €", "type": "card", "information": {}, "loan": null},
  {"id": 17548, "id_connection": 2400, "id_user": 2795, "id_source": 4719, "id_parent": null, "number": "3002900003", "webid": "3002900003", "original_name": "Livret A", "balance": 10822.2, "coming": -88.83, "display": true, "last_update": null, "deleted": null, "disabled": "2021-04-01 16:47:42", "iban": "EX6713335395899300290000317", "currency": {"id": "EUR", "symbol": "€", "prefix": false, "crypto": false, "precision": 2, "marketcap": null, "datetime": null, "name": "Euro"}, "id_type": 3, "bookmarked": 0, "name": "Livret A", "error": null, "usage": "PRIV", "ownership": "owner", "company_name": null, "opening_date": null, "bic": "CDTBFRBIXXX", "coming_balance": 10733.37, "formatted_balance": "10822,20 €", "type": "savings", "information": {}, "loan": null},
  {"id": 17549, "id_connection": 2400, "id_user": 2795, "id_source": 4719, "id_parent": null, "number": "3002900004", "webid": "3002900004", "original_name": "Assurance Vie", "balance": 139013.25, "coming": null, "display": true, "last_update": null, "deleted": null, "disabled": "2021-04-01 16:47:42", "iban": "EX6713335395899300290000414", "currency": {"id": "EUR", "symbol": "€", "prefix": false, "crypto": false, "precision": 2, "marketcap": null, "datetime": null, "name": "Euro"}, "id_type": 9, "bookmarked": 0, "name": "Assurance Vie", "error": null, "usage": "PRIV", "ownership": "owner", "company_name": null, "opening_date": null, "bic": "CDTBFRBIXXX", "coming_balance": 139013.25, "formatted_balance": "139013,25 €", "type": "lifeinsurance", "calculated": ["valuation", "diff", "diff_percent", "prev_diff", "prev_diff_percent"], "valuation": 0, "diff": 0, "diff_percent": 0, "prev_diff": 0, "prev_diff_percent": 0, "information": {}, "loan": null},
  {"id": 17550, "id_connection": 2400, "id_user": 2795, "id_source": 4719, "id_parent": null, "number": "3002900005", "webid": "3002900005", "original_name": "Comptes titres", "balance": 270614.83, "coming": null, "display": true, "last_update": null, "deleted": null, "disabled": "2021-04-01 16:47:42", "iban": "EX6713335395899300290000511", "currency": {"id": "EUR", "symbol": "€", "prefix": false, "crypto": false, "precision": 2, "marketcap": null, "datetime": null, "name": "Euro"}, "id_type": 6, "bookmarked": 0, "name": "Comptes titres", "error": null, "usage": "PRIV", "ownership": "owner", "company_name": null, "opening_date": null, "bic": "CDTBFRBIXXX", "coming_balance": 270614.83, "formatted_balance": "270614,83 €", "type": "market", "calculated": ["valuation", "diff", "diff_percent", "prev_diff", "prev_diff_percent"], "valuation": 0, "diff": 0, "diff_percent": 0, "prev_diff": 0, "prev_diff_percent": 0, "information": {}, "loan": null},
  {"id": 17551, "id_connection": 2400, "id_user": 2795, "id_source": 4719, "id_parent": null, "number": "3002900006", "webid": "3002900006", "original_name": "Plan d'épargne entreprise", "balance": 53082.9, "coming": null, "display": true, "last_update": null, "deleted": null, "disabled": "2021-04-01 16:47:42", "iban": "EX6713335395899300290000608", "currency": {"id": "EUR", "symbol": "€", "prefix": false, "crypto": false, "precision": 2, "marketcap": null, "datetime": null, "name": "Euro"}, "id_type": 10, "bookmarked": 0, "name": "Plan d'épargne entreprise", "error": null, "usage": "PRIV", "ownership": "owner", "company_name": null, "opening_date": null, "bic": "CDTBFRBIXXX", "coming_balance": 53082.9, "formatted_balance": "53082,90 €", "type": "pee", "calculated": ["valuation", "diff", "diff_percent", "prev_diff", "prev_diff_percent"], "valuation": 0, "diff": 0, "diff_percent": 0, "prev_diff": 0, "prev_diff_percent": 0, "information": {}, "loan": null},
  {"id": 17552, "id_connection": 2400, "id_user": 2795, "id_source": 4719, "id_parent": 17545, "number": "3002900007", "webid": "3002900007", "original_name": "Crédit Immobilier", "balance": -4395.78, "coming": null, "display": false, "last_update": null, "deleted": null, "disabled": "2021-04-01 16:47:42", "iban": null, "currency": {"id": "EUR", "symbol": "€", "prefix": false, "crypto": false, "precision": 2, "marketcap": null, "datetime": null, "name": "Euro"}, "id_type": 5, "bookmarked": 0, "name": "Crédit Immobilier", "error": null, "usage": null, "ownership": null, "company_name": null, "opening_date": null, "bic": null, "coming_balance": -4395.78, "formatted_balance": "-4395,78 €", "type": "loan", "information": {}, "loan": {"id": 1910, "id_account": 17552, "contact_name": null, "total_amount": -13187.35, "available_amount": null, "used_amount": null, "subscription_date": null, "maturity_date": null, "next_payment_amount": 439.578, "next_payment_date": null, "rate": null, "nb_payments_left": null, "nb_payments_done": null, "nb_payments_total": null, "last_payment_amount": null, "last_payment_date": null, "account_label": null, "insurance_label": null, "duration": null, "type": "loan"}},
  {"id": 17553, "id_connection": 2400, "id_user": 2795, "id_source": 4719, "id_parent": null, "number": "3002900008", "webid": "3002900008", "original_name": "Compte PERCO", "balance": 312291.45, "coming": null, "display": true, "last_update": null, "deleted": null, "disabled": "2021-04-01 16:47:42", "iban": "EX6713335395899300290000802", "currency": {"id": "EUR", "symbol": "€", "prefix": false, "crypto": false, "precision": 2, "marketcap": null, "datetime": null, "name": "Euro"}, "id_type": 11, "bookmarked": 0, "name": "Compte PERCO", "error": null, "usage": "PRIV", "ownership": "owner", "company_name": null, "opening_date": null, "bic": "CDTBFRBIXXX", "coming_balance": 312291.45, "formatted_balance": "312291,45 €", "type": "perco", "calculated": ["valuation", "diff", "diff_percent", "prev_diff", "prev_diff_percent"], "valuation": 0, "diff": 0, "diff_percent": 0, "prev_diff": 0, "prev_diff_percent": 0, "information": {}, "loan": null},
];

/** The first 30 transactions of a checking account (account-transactions-list-2021.json), null values included. */
export const TEST_TRANSACTIONS: ReadonlyArray<Record<string, unknown>> = [
  {"id": 119654, "id_account": 24293, "webid": null, "application_date": "2021-04-14", "date": "2021-04-14", "value": -196.38, "gross_value": null, "original_wording": "CHEQUE N°0908447", "simplified_wording": "CHEQUE N°0908447", "stemmed_wording": "CHEQUE N", "wording": "CHEQUE N°0908447", "id_category": 9998, "state": "parsed", "date_scraped": "2021-04-15 23:58:51", "rdate": "2021-04-14", "vdate": null, "bdate": "2021-04-14", "coming": false, "active": true, "id_cluster": null, "comment": null, "last_update": "2021-04-15 23:58:51", "deleted": null, "original_value": null, "original_gross_value": null, "original_currency": null, "commission": null, "commission_currency": null, "country": null, "counterparty": null, "card": null, "type": "check", "new": true, "formatted_value": "-196,38 €", "documents_count": 0, "informations": {"weboob": "yes"}, "nopurge": 0},
  {"id": 119655, "id_account": 24293, "webid": null, "application_date": "2021-04-12", "date": "2021-04-12", "value": -78.35, "gross_value": null, "original_wording": "RETRAIT DAB LA BANQUE POSTALE", "simplified_wording": "LA BANQUE POSTALE", "stemmed_wording": "LA BANQUE POSTALE", "wording": "LA BANQUE POSTALE", "id_category": 9998, "state": "parsed", "date_scraped": "2021-04-15 23:58:51", "rdate": "2021-04-12", "vdate": null, "bdate": "2021-04-12", "coming": false, "active": true, "id_cluster": null, "comment": null, "last_update": "2021-04-15 23:58:51", "deleted": null, "original_value": null, "original_gross_value": null, "original_currency": null, "commission": null, "commission_currency": null, "country": null, "counterparty": null, "card": null, "type": "withdrawal", "new": true, "formatted_value": "-78,35 €", "documents_count": 0, "informations": {"weboob": "yes"}, "nopurge": 0},
  {"id": 119656, "id_account": 24293, "webid": null, "application_date": "2021-04-10", "date": "2021-04-10", "value": -388.05, "gross_value": null, "original_wording": "CHEQUE N°2398947", "simplified_wording": "CHEQUE N°2398947", "stemmed_wording": "CHEQUE N", "wording": "CHEQUE N°2398947", "id_category": 9998, "state": "parsed", "date_scraped": "2021-04-15 23:58:51", "rdate": "2021-04-10", "vdate": null, "bdate": "2021-04-10", "coming": false, "active": true, "id_cluster": null, "comment": null, "last_update": "2021-04-15 23:58:51", "deleted": null, "original_value": null, "original_gross_value": null, "original_currency": null, "commission": null, "commission_currency": null, "country": null, "counterparty": null, "card": null, "type": "check", "new": true, "formatted_value": "-388,05 €", "documents_count": 0, "informations": {"weboob": "yes"}, "nopurge": 0},
  {"id": 119657, "id_account": 24293, "webid": null, "application_date": "2021-04-07", "date": "2021-04-08", "value": -32.31, "gross_value": null, "original_wording": "CB DEBIT IMMEDIAT THE BOOTLAGERS PARIS", "simplified_wording": "THE BOOTLAGERS PARIS", "stemmed_wording": "THE BOOTLAGERS PARIS", "wording": "THE BOOTLAGERS PARIS", "id_category": 9998, "state": "parsed", "date_scraped": "2021-04-15 23:58:51", "rdate": "2021-04-07", "vdate": null, "bdate": "2021-04-08", "coming": false, "active": true, "id_cluster": null, "comment": null, "last_update": "2021-04-15 23:58:51", "deleted": null, "original_value": -38.12, "original_gross_value": null, "original_currency": {"id": "USD", "symbol": "$", "prefix": false, "crypto": false, "precision": 2, "marketcap": null, "datetime": null, "name": "US Dollar"}, "commission": null, "commission_currency": null, "country": null, "counterparty": null, "card": null, "type": "card", "new": true, "formatted_value": "-32,31 €", "documents_count": 0, "informations": {"weboob": "yes"}, "nopurge": 0},
  {"id": 119658, "id_account": 24293, "webid": null, "application_date": "2021-04-06", "date": "2021-04-06", "value": 740.59, "gross_value": null, "original_wording": "VIREMENT SALAIRE", "simplified_wording": "SALAIRE", "stemmed_wording": "SALAIRE", "wording": "SALAIRE", "id_category": 9998, "state": "parsed", "date_scraped": "2021-04-15 23:58:51", "rdate": "2021-04-06", "vdate": null, "bdate": "2021-04-06", "coming": false, "active": true, "id_cluster": null, "comment": null, "last_update": "2021-04-15 23:58:51", "deleted": null, "original_value": 873.9, "original_gross_value": null, "original_currency": {"id": "USD", "symbol": "$", "prefix": false, "crypto": false, "precision": 2, "marketcap": null, "datetime": null, "name": "US Dollar"}, "commission": null, "commission_currency": null, "country": null, "counterparty": null, "card": null, "type": "transfer", "new": true, "formatted_value": "740,59 €", "documents_count": 0, "informations": {"weboob": "yes"}, "nopurge": 0},
  {"id": 119659, "id_account": 24293, "webid": null, "application_date": "2021-04-03", "date": "2021-04-04", "value": -35.59, "gross_value": null, "original_wording": "CB DEBIT IMMEDIAT DOCTEUR", "simplified_wording": "DOCTEUR", "stemmed_wording": "DOCTEUR", "wording": "DOCTEUR", "id_category": 9998, "state": "parsed", "date_scraped": "2021-04-15 23:58:51", "rdate": "2021-04-03", "vdate": null, "bdate": "2021-04-04", "coming": false, "active": true, "id_cluster": null, "comment": null, "last_update": "2021-04-15 23:58:51", "deleted": null, "original_value": -42, "original_gross_value": null, "original_currency": {"id": "USD", "symbol": "$", "prefix": false, "crypto": false, "precision": 2, "marketcap": null, "datetime": null, "name": "US Dollar"}, "commission": null, "commission_currency": null, "country": null, "counterparty": null, "card": null, "type": "card", "new": true, "formatted_value": "-35,59 €", "documents_count": 0, "informations": {"weboob": "yes"}, "nopurge": 0},
  {"id": 119660, "id_account": 24293, "webid": null, "application_date": "2021-04-01", "date": "2021-04-02", "value": null, "gross_value": null, "original_wording": "CB DEBIT IMMEDIAT ALLORESTO.FR PARIS", "simplified_wording": "ALLORESTO.FR PARIS", "stemmed_wording": "ALLORESTO.FR PARIS", "wording": "ALLORESTO.FR PARIS", "id_category": 9998, "state": "parsed", "date_scraped": "2021-04-15 23:58:51", "rdate": "2021-04-01", "vdate": null, "bdate": "2021-04-02", "coming": false, "active": true, "id_cluster": null, "comment": null, "last_update": "2021-04-15 23:58:51", "deleted": null, "original_value": -12.12, "original_gross_value": null, "original_currency": {"id": "USD", "symbol": "$", "prefix": false, "crypto": false, "precision": 2, "marketcap": null, "datetime": null, "name": "US Dollar"}, "commission": null, "commission_currency": null, "country": null, "counterparty": null, "card": null, "type": "card", "new": true, "formatted_value": null, "documents_count": 0, "informations": {"weboob": "yes"}, "nopurge": 0},
  {"id": 119661, "id_account": 24293, "webid": null, "application_date": "2021-03-31", "date": "2021-03-31", "value": -664.38, "gross_value": null, "original_wording": "DEBIT MENSUEL CARTE", "simplified_wording": "DEBIT MENSUEL CARTE", "stemmed_wording": "DEBIT MENSUEL CARTE", "wording": "DEBIT MENSUEL CARTE", "id_category": 9998, "state": "parsed", "date_scraped": "2021-04-15 23:58:51", "rdate": "2021-03-31", "vdate": null, "bdate": "2021-03-31", "coming": false, "active": true, "id_cluster": null, "comment": null, "last_update": "2021-04-15 23:58:51", "deleted": null, "original_value": null, "original_gross_value": null, "original_currency": null, "commission": null, "commission_currency": null, "country": null, "counterparty": null, "card": null, "type": "summary_card", "new": true, "formatted_value": "-664,38 €", "documents_count": 0, "informations": {"weboob": "yes"}, "nopurge": 0},
  {"id": 119662, "id_account": 24293, "webid": null, "application_date": "2021-03-29", "date": "2021-03-30", "value": -67.19, "gross_value": null, "original_wording": "", "simplified_wording": "", "stemmed_wording": "", "wording": "", "id_category": 9998, "state": "parsed", "date_scraped": "2021-04-15 23:58:51", "rdate": "2021-03-29", "vdate": null, "bdate": "2021-03-30", "coming": false, "active": true, "id_cluster": null, "comment": null, "last_update": "2021-04-15 23:58:51", "deleted": null, "original_value": -79.28, "original_gross_value": null, "original_currency": {"id": "USD", "symbol": "$", "prefix": false, "crypto": false, "precision": 2, "marketcap": null, "datetime": null, "name": "US Dollar"}, "commission": null, "commission_currency": null, "country": null, "counterparty": null, "card": null, "type": "card", "new": true, "formatted_value": "-67,19 €", "documents_count": 0, "informations": {"weboob": "yes"}, "nopurge": 0},
  {"id": 119663, "id_account": 24293, "webid": null, "application_date": "2021-03-27", "date": "2021-03-28", "value": -52.8, "gross_value": null, "original_wording": "CB DEBIT IMMEDIAT TABAC DE LA REY PARIS", "simplified_wording": "TABAC DE LA REY PARIS", "stemmed_wording": "TABAC DE LA REY PARIS", "wording": "TABAC DE LA REY PARIS", "id_category": 9998, "state": "parsed", "date_scraped": "2021-04-15 23:58:51", "rdate": "2021-03-27", "vdate": null, "bdate": "2021-03-28", "coming": false, "active": true, "id_cluster": null, "comment": null, "last_update": "2021-04-15 23:58:51", "deleted": null, "original_value": null, "original_gross_value": null, "original_currency": null, "commission": null, "commission_currency": null, "country": null, "counterparty": null, "card": null, "type": "card", "new": true, "formatted_value": "-52,80 €", "documents_count": 0, "informations": {"weboob": "yes"}, "nopurge": 0},
  {"id": 119664, "id_account": 24293, "webid": null, "application_date": "2021-03-25", "date": "2021-03-26", "value": null, "gross_value": null, "original_wording": "CB DEBIT IMMEDIAT SNCF", "simplified_wording": "SNCF", "stemmed_wording": "SNCF", "wording": "SNCF", "id_category": 9998, "state": "parsed", "date_scraped": "2021-04-15 23:58:51", "rdate": "2021-03-25", "vdate": null, "bdate": "2021-03-26", "coming": false, "active": true, "id_cluster": null, "comment": null, "last_update": "2021-04-15 23:58:51", "deleted": null, "original_value": null, "original_gross_value": null, "original_currency": null, "commission": null, "commission_currency": null, "country": null, "counterparty": null, "card": null, "type": "card", "new": true, "formatted_value": null, "documents_count": 0, "informations": {"weboob": "yes"}, "nopurge": 0},
  {"id": 119665, "id_account": 24293, "webid": null, "application_date": "2021-03-23", "date": "2021-03-24", "value": null, "gross_value": null, "original_wording": "CB DEBIT IMMEDIAT SNCF", "simplified_wording": "SNCF", "stemmed_wording": "SNCF", "wording": "SNCF", "id_category": 9998, "state": "parsed", "date_scraped": "2021-04-15 23:58:51", "rdate": "2021-03-23", "vdate": null, "bdate": "2021-03-24", "coming": false, "active": true, "id_cluster": null, "comment": null, "last_update": "2021-04-15 23:58:51", "deleted": null, "original_value": null, "original_gross_value": null, "original_currency": null, "commission": null, "commission_currency": null, "country": null, "counterparty": null, "card": null, "type": "card", "new": true, "formatted_value": null, "documents_count": 0, "informations": {"weboob": "yes"}, "nopurge": 0},
  {"id": 119666, "id_account": 24293, "webid": null, "application_date": "2021-03-22", "date": "2021-03-22", "value": -109.44, "gross_value": null, "original_wording": "CHEQUE N°0908447", "simplified_wording": "CHEQUE N°0908447", "stemmed_wording": "CHEQUE N", "wording": "CHEQUE N°0908447", "id_category": 9998, "state": "parsed", "date_scraped": "2021-04-15 23:58:51", "rdate": "2021-03-22", "vdate": null, "bdate": "2021-03-22", "coming": false, "active": true, "id_cluster": null, "comment": null, "last_update": "2021-04-15 23:58:51", "deleted": null, "original_value": null, "original_gross_value": null, "original_currency": null, "commission": null, "commission_currency": null, "country": null, "counterparty": null, "card": null, "type": "check", "new": true, "formatted_value": "-109,44 €", "documents_count": 0, "informations": {"weboob": "yes"}, "nopurge": 0},
  {"id": 119667, "id_account": 24293, "webid": null, "application_date": "2021-03-19", "date": "2021-03-20", "value": -38.7, "gross_value": null, "original_wording": "CB DEBIT IMMEDIAT MCDO", "simplified_wording": "MCDO", "stemmed_wording": "MCDO", "wording": "MCDO", "id_category": 9998, "state": "parsed", "date_scraped": "2021-04-15 23:58:51", "rdate": "2021-03-19", "vdate": null, "bdate": "2021-03-20", "coming": false, "active": true, "id_cluster": null, "comment": null, "last_update": "2021-04-15 23:58:51", "deleted": null, "original_value": -45.67, "original_gross_value": null, "original_currency": {"id": "USD", "symbol": "$", "prefix": false, "crypto": false, "precision": 2, "marketcap": null, "datetime": null, "name": "US Dollar"}, "commission": null, "commission_currency": null, "country": null, "counterparty": null, "card": null, "type": "card", "new": true, "formatted_value": "-38,70 €", "documents_count": 0, "informations": {"weboob": "yes"}, "nopurge": 0},
  {"id": 119668, "id_account": 24293, "webid": null, "application_date": "2021-03-17", "date": "2021-03-18", "value": -10.87, "gross_value": null, "original_wording": "CB DEBIT IMMEDIAT GOOGLE *BUDGEA", "simplified_wording": "GOOGLE *BUDGEA", "stemmed_wording": "GOOGLE *BUDGEA", "wording": "GOOGLE *BUDGEA", "id_category": 9998, "state": "parsed", "date_scraped": "2021-04-15 23:58:51", "rdate": "2021-03-17", "vdate": null, "bdate": "2021-03-18", "coming": false, "active": true, "id_cluster": null, "comment": null, "last_update": "2021-04-15 23:58:51", "deleted": null, "original_value": -12.83, "original_gross_value": null, "original_currency": {"id": "USD", "symbol": "$", "prefix": false, "crypto": false, "precision": 2, "marketcap": null, "datetime": null, "name": "US Dollar"}, "commission": null, "commission_currency": null, "country": null, "counterparty": null, "card": null, "type": "card", "new": true, "formatted_value": "-10,87 €", "documents_count": 0, "informations": {"weboob": "yes"}, "nopurge": 0},
  {"id": 119669, "id_account": 24293, "webid": null, "application_date": "2021-03-16", "date": "2021-03-16", "value": -30.58, "gross_value": null, "original_wording": "PRELEVEMENT FREE MOBILE LD229894893289", "simplified_wording": "FREE MOBILE", "stemmed_wording": "FREE MOBILE", "wording": "FREE MOBILE", "id_category": 9998, "state": "parsed", "date_scraped": "2021-04-15 23:58:51", "rdate": "2021-03-16", "vdate": null, "bdate": "2021-03-16", "coming": false, "active": true, "id_cluster": null, "comment": null, "last_update": "2021-04-15 23:58:51", "deleted": null, "original_value": -36.08, "original_gross_value": null, "original_currency": {"id": "USD", "symbol": "$", "prefix": false, "crypto": false, "precision": 2, "marketcap": null, "datetime": null, "name": "US Dollar"}, "commission": null, "commission_currency": null, "country": null, "counterparty": null, "card": null, "type": "order", "new": true, "formatted_value": "-30,58 €", "documents_count": 0, "informations": {"weboob": "yes"}, "nopurge": 0},
  {"id": 119670, "id_account": 24293, "webid": null, "application_date": "2021-03-14", "date": "2021-03-14", "value": -28.36, "gross_value": null, "original_wording": "RETRAIT DAB SOCIETE GENERALE", "simplified_wording": "SOCIETE GENERALE", "stemmed_wording": "SOCIETE GENERALE", "wording": "SOCIETE GENERALE", "id_category": 9998, "state": "parsed", "date_scraped": "2021-04-15 23:58:51", "rdate": "2021-03-14", "vdate": null, "bdate": "2021-03-14", "coming": false, "active": true, "id_cluster": null, "comment": null, "last_update": "2021-04-15 23:58:51", "deleted": null, "original_value": -33.47, "original_gross_value": null, "original_currency": {"id": "USD", "symbol": "$", "prefix": false, "crypto": false, "precision": 2, "marketcap": null, "datetime": null, "name": "US Dollar"}, "commission": null, "commission_currency": null, "country": null, "counterparty": null, "card": null, "type": "withdrawal", "new": true, "formatted_value": "-28,36 €", "documents_count": 0, "informations": {"weboob": "yes"}, "nopurge": 0},
  {"id": 119671, "id_account": 24293, "webid": null, "application_date": "2021-03-12", "date": "2021-03-12", "value": 1515, "gross_value": null, "original_wording": "VIREMENT SALAIRE", "simplified_wording": "SALAIRE", "stemmed_wording": "SALAIRE", "wording": "SALAIRE", "id_category": 9998, "state": "parsed", "date_scraped": "2021-04-15 23:58:51", "rdate": "2021-03-12", "vdate": null, "bdate": "2021-03-12", "coming": false, "active": true, "id_cluster": null, "comment": null, "last_update": "2021-04-15 23:58:51", "deleted": null, "original_value": 1787.7, "original_gross_value": null, "original_currency": {"id": "USD", "symbol": "$", "prefix": false, "crypto": false, "precision": 2, "marketcap": null, "datetime": null, "name": "US Dollar"}, "commission": null, "commission_currency": null, "country": null, "counterparty": null, "card": null, "type": "transfer", "new": true, "formatted_value": "1515,00 €", "documents_count": 0, "informations": {"weboob": "yes"}, "nopurge": 0},
  {"id": 119672, "id_account": 24293, "webid": null, "application_date": "2021-03-09", "date": "2021-03-10", "value": -39.67, "gross_value": null, "original_wording": "CB DEBIT IMMEDIAT MCDO", "simplified_wording": "MCDO", "stemmed_wording": "MCDO", "wording": "MCDO", "id_category": 9998, "state": "parsed", "date_scraped": "2021-04-15 23:58:51", "rdate": "2021-03-09", "vdate": null, "bdate": "2021-03-10", "coming": false, "active": true, "id_cluster": null, "comment": null, "last_update": "2021-04-15 23:58:51", "deleted": null, "original_value": -46.81, "original_gross_value": null, "original_currency": {"id": "USD", "symbol": "$", "prefix": false, "crypto": false, "precision": 2, "marketcap": null, "datetime": null, "name": "US Dollar"}, "commission": null, "commission_currency": null, "country": null, "counterparty": null, "card": null, "type": "card", "new": true, "formatted_value": "-39,67 €", "documents_count": 0, "informations": {"weboob": "yes"}, "nopurge": 0},
  {"id": 119673, "id_account": 24293, "webid": null, "application_date": "2021-03-08", "date": "2021-03-08", "value": -102.65, "gross_value": null, "original_wording": "CHEQUE N°2398947", "simplified_wording": "CHEQUE N°2398947", "stemmed_wording": "CHEQUE N", "wording": "CHEQUE N°2398947", "id_category": 9998, "state": "parsed", "date_scraped": "2021-04-15 23:58:51", "rdate": "2021-03-08", "vdate": null, "bdate": "2021-03-08", "coming": false, "active": true, "id_cluster": null, "comment": null, "last_update": "2021-04-15 23:58:51", "deleted": null, "original_value": null, "original_gross_value": null, "original_currency": null, "commission": null, "commission_currency": null, "country": null, "counterparty": null, "card": null, "type": "check", "new": true, "formatted_value": "-102,65 €", "documents_count": 0, "informations": {"weboob": "yes"}, "nopurge": 0},
  {"id": 119674, "id_account": 24293, "webid": null, "application_date": "2021-03-06", "date": "2021-03-06", "value": -13.89, "gross_value": null, "original_wording": "RETRAIT DAB LA BANQUE POSTALE", "simplified_wording": "LA BANQUE POSTALE", "stemmed_wording": "LA BANQUE POSTALE", "wording": "LA BANQUE POSTALE", "id_category": 9998, "state": "parsed", "date_scraped": "2021-04-15 23:58:51", "rdate": "2021-03-06", "vdate": null, "bdate": "2021-03-06", "coming": false, "active": true, "id_cluster": null, "comment": null, "last_update": "2021-04-15 23:58:51", "deleted": null, "original_value": null, "original_gross_value": null, "original_currency": null, "commission": null, "commission_currency": null, "country": null, "counterparty": null, "card": null, "type": "withdrawal", "new": true, "formatted_value": "-13,89 €", "documents_count": 0, "informations": {"weboob": "yes"}, "nopurge": 0},
  {"id": 119675, "id_account": 24293, "webid": null, "application_date": "2021-03-04", "date": "2021-03-04", "value": -247.15, "gross_value": null, "original_wording": "CHEQUE N°2398947", "simplified_wording": "CHEQUE N°2398947", "stemmed_wording": "CHEQUE N", "wording": "CHEQUE N°2398947", "id_category": 9998, "state": "parsed", "date_scraped": "2021-04-15 23:58:51", "rdate": "2021-03-04", "vdate": null, "bdate": "2021-03-04", "coming": false, "active": true, "id_cluster": null, "comment": null, "last_update": "2021-04-15 23:58:51", "deleted": null, "original_value": null, "original_gross_value": null, "original_currency": null, "commission": null, "commission_currency": null, "country": null, "counterparty": null, "card": null, "type": "check", "new": true, "formatted_value": "-247,15 €", "documents_count": 0, "informations": {"weboob": "yes"}, "nopurge": 0},
  {"id": 119676, "id_account": 24293, "webid": null, "application_date": "2021-03-02", "date": "2021-03-02", "value": -162.15, "gross_value": null, "original_wording": "CHEQUE N°2398947", "simplified_wording": "CHEQUE N°2398947", "stemmed_wording": "CHEQUE N", "wording": "CHEQUE N°2398947", "id_category": 9998, "state": "parsed", "date_scraped": "2021-04-15 23:58:51", "rdate": "2021-03-02", "vdate": null, "bdate": "2021-03-02", "coming": false, "active": true, "id_cluster": null, "comment": null, "last_update": "2021-04-15 23:58:51", "deleted": null, "original_value": null, "original_gross_value": null, "original_currency": null, "commission": null, "commission_currency": null, "country": null, "counterparty": null, "card": null, "type": "check", "new": true, "formatted_value": "-162,15 €", "documents_count": 0, "informations": {"weboob": "yes"}, "nopurge": 0},
  {"id": 119677, "id_account": 24293, "webid": null, "application_date": "2021-02-28", "date": "2021-02-28", "value": -711.61, "gross_value": null, "original_wording": "DEBIT MENSUEL CARTE", "simplified_wording": "DEBIT MENSUEL CARTE", "stemmed_wording": "DEBIT MENSUEL CARTE", "wording": "DEBIT MENSUEL CARTE", "id_category": 9998, "state": "parsed", "date_scraped": "2021-04-15 23:58:51", "rdate": "2021-02-28", "vdate": null, "bdate": "2021-02-28", "coming": false, "active": true, "id_cluster": null, "comment": null, "last_update": "2021-04-15 23:58:51", "deleted": null, "original_value": null, "original_gross_value": null, "original_currency": null, "commission": null, "commission_currency": null, "country": null, "counterparty": null, "card": null, "type": "summary_card", "new": true, "formatted_value": "-711,61 €", "documents_count": 0, "informations": {"weboob": "yes"}, "nopurge": 0},
  {"id": 119678, "id_account": 24293, "webid": null, "application_date": "2021-02-26", "date": "2021-02-28", "value": -92.28, "gross_value": null, "original_wording": "CB DEBIT IMMEDIAT FRANPRIX PARIS 10", "simplified_wording": "FRANPRIX PARIS 10", "stemmed_wording": "FRANPRIX PARIS 10", "wording": "FRANPRIX PARIS 10", "id_category": 9998, "state": "parsed", "date_scraped": "2021-04-15 23:58:51", "rdate": "2021-02-26", "vdate": null, "bdate": "2021-02-28", "coming": false, "active": true, "id_cluster": null, "comment": null, "last_update": "2021-04-15 23:58:51", "deleted": null, "original_value": null, "original_gross_value": null, "original_currency": null, "commission": null, "commission_currency": null, "country": null, "counterparty": null, "card": null, "type": "card", "new": true, "formatted_value": "-92,28 €", "documents_count": 0, "informations": {"weboob": "yes"}, "nopurge": 0},
  {"id": 119679, "id_account": 24293, "webid": null, "application_date": "2021-02-25", "date": "2021-02-26", "value": null, "gross_value": null, "original_wording": "CB DEBIT IMMEDIAT SNCF", "simplified_wording": "SNCF", "stemmed_wording": "SNCF", "wording": "SNCF", "id_category": 9998, "state": "parsed", "date_scraped": "2021-04-15 23:58:51", "rdate": "2021-02-25", "vdate": null, "bdate": "2021-02-26", "coming": false, "active": true, "id_cluster": null, "comment": null, "last_update": "2021-04-15 23:58:51", "deleted": null, "original_value": null, "original_gross_value": null, "original_currency": null, "commission": null, "commission_currency": null, "country": null, "counterparty": null, "card": null, "type": "card", "new": true, "formatted_value": null, "documents_count": 0, "informations": {"weboob": "yes"}, "nopurge": 0},
  {"id": 119680, "id_account": 24293, "webid": null, "application_date": "2021-02-23", "date": "2021-02-24", "value": null, "gross_value": null, "original_wording": "CB DEBIT IMMEDIAT SNCF", "simplified_wording": "SNCF", "stemmed_wording": "SNCF", "wording": "SNCF", "id_category": 9998, "state": "parsed", "date_scraped": "2021-04-15 23:58:51", "rdate": "2021-02-23", "vdate": null, "bdate": "2021-02-24", "coming": false, "active": true, "id_cluster": null, "comment": null, "last_update": "2021-04-15 23:58:51", "deleted": null, "original_value": null, "original_gross_value": null, "original_currency": null, "commission": null, "commission_currency": null, "country": null, "counterparty": null, "card": null, "type": "card", "new": true, "formatted_value": null, "documents_count": 0, "informations": {"weboob": "yes"}, "nopurge": 0},
  {"id": 119681, "id_account": 24293, "webid": null, "application_date": "2021-02-22", "date": "2021-02-22", "value": -223.08, "gross_value": null, "original_wording": "CHEQUE N°0908447", "simplified_wording": "CHEQUE N°0908447", "stemmed_wording": "CHEQUE N", "wording": "CHEQUE N°0908447", "id_category": 9998, "state": "parsed", "date_scraped": "2021-04-15 23:58:51", "rdate": "2021-02-22", "vdate": null, "bdate": "2021-02-22", "coming": false, "active": true, "id_cluster": null, "comment": null, "last_update": "2021-04-15 23:58:51", "deleted": null, "original_value": null, "original_gross_value": null, "original_currency": null, "commission": null, "commission_currency": null, "country": null, "counterparty": null, "card": null, "type": "check", "new": true, "formatted_value": "-223,08 €", "documents_count": 0, "informations": {"weboob": "yes"}, "nopurge": 0},
  {"id": 119682, "id_account": 24293, "webid": null, "application_date": "2021-02-19", "date": "2021-02-20", "value": -67.32, "gross_value": null, "original_wording": "CB DEBIT IMMEDIAT TABAC DE LA REY PARIS", "simplified_wording": "TABAC DE LA REY PARIS", "stemmed_wording": "TABAC DE LA REY PARIS", "wording": "TABAC DE LA REY PARIS", "id_category": 9998, "state": "parsed", "date_scraped": "2021-04-15 23:58:51", "rdate": "2021-02-19", "vdate": null, "bdate": "2021-02-20", "coming": false, "active": true, "id_cluster": null, "comment": null, "last_update": "2021-04-15 23:58:51", "deleted": null, "original_value": null, "original_gross_value": null, "original_currency": null, "commission": null, "commission_currency": null, "country": null, "counterparty": null, "card": null, "type": "card", "new": true, "formatted_value": "-67,32 €", "documents_count": 0, "informations": {"weboob": "yes"}, "nopurge": 0},
  {"id": 119683, "id_account": 24293, "webid": null, "application_date": "2021-02-17", "date": "2021-02-18", "value": -20.9, "gross_value": null, "original_wording": "CB DEBIT IMMEDIAT TABAC DE LA REY PARIS", "simplified_wording": "TABAC DE LA REY PARIS", "stemmed_wording": "TABAC DE LA REY PARIS", "wording": "TABAC DE LA REY PARIS", "id_category": 9998, "state": "parsed", "date_scraped": "2021-04-15 23:58:51", "rdate": "2021-02-17", "vdate": null, "bdate": "2021-02-18", "coming": false, "active": true, "id_cluster": null, "comment": null, "last_update": "2021-04-15 23:58:51", "deleted": null, "original_value": null, "original_gross_value": null, "original_currency": null, "commission": null, "commission_currency": null, "country": null, "counterparty": null, "card": null, "type": "card", "new": true, "formatted_value": "-20,90 €", "documents_count": 0, "informations": {"weboob": "yes"}, "nopurge": 0},
];

// ---------------------------------------------------------------- completed by the simulator

/**
 * A connector whose users sign in on the bank's own page only (`auth_mechanism`
 * `webauth`, no credential fields): simulated, not recorded (the shape of a Connector).
 */
export const WEBAUTH_CONNECTOR: Readonly<Record<string, unknown>> = {
  id: 1401,
  name: 'Banque de test (webauth)',
  hidden: true,
  charged: false,
  code: null,
  beta: false,
  color: '1e4b8f',
  slug: 'EXW',
  auth_mechanism: 'webauth',
  available_auth_mechanisms: ['webauth'],
  uuid: '7f0c2b1e-4a6d-5e3f-9b8a-1c2d3e4f5a6b',
  restricted: false,
  fields: [],
  capabilities: ['bank', 'profile'],
  account_types: ['checking', 'card', 'loan', 'savings'],
};

/**
 * The deferred debit card's pending purchases (`coming`, type `deferred_card`): they sum
 * to its recorded `coming` of -88.83 and are debited from the checking account at the
 * month's end (the recorded `summary_card` "DEBIT MENSUEL CARTE").
 */
export const CARD_TRANSACTIONS: ReadonlyArray<Record<string, unknown>> = [
  { id: 0, id_account: 0, webid: null, application_date: '2021-04-09', date: '2021-04-30', rdate: '2021-04-09', vdate: null, value: -42.1, gross_value: null, original_wording: 'CB CARREFOUR CITY PARIS 11', simplified_wording: 'CARREFOUR CITY', wording: 'CARREFOUR CITY', type: 'deferred_card', coming: true, active: true, deleted: null, original_value: null, original_currency: null, counterparty: null, card: 'XXXXXXXXXXXX2605', formatted_value: '-42,10 €' },
  { id: 0, id_account: 0, webid: null, application_date: '2021-04-11', date: '2021-04-30', rdate: '2021-04-11', vdate: null, value: -31.4, gross_value: null, original_wording: 'CB FNAC MONTPARNASSE', simplified_wording: 'FNAC', wording: 'FNAC', type: 'deferred_card', coming: true, active: true, deleted: null, original_value: null, original_currency: null, counterparty: { label: 'FNAC', account_scheme_name: null, account_identification: null, type: 'creditor' }, card: 'XXXXXXXXXXXX2605', formatted_value: '-31,40 €' },
  { id: 0, id_account: 0, webid: null, application_date: '2021-04-13', date: '2021-04-30', rdate: '2021-04-13', vdate: null, value: -15.33, gross_value: null, original_wording: 'CB RATP NAVIGO', simplified_wording: 'RATP', wording: 'RATP', type: 'deferred_card', coming: true, active: true, deleted: null, original_value: null, original_currency: null, counterparty: null, card: 'XXXXXXXXXXXX2605', formatted_value: '-15,33 €' },
];

/** The mortgage's `loan` details, where the recording has nulls (amounts positive as Powens documents them). */
export const LOAN_DETAILS: Readonly<Record<string, unknown>> = {
  total_amount: 13187.35,
  available_amount: 0,
  used_amount: 13187.35,
  subscription_date: '2016-05-10',
  maturity_date: '2022-05-10',
  start_repayment_date: '2016-06-10',
  next_payment_amount: 439.58,
  next_payment_date: '2021-05-10',
  rate: 1.35,
  nb_payments_left: 10,
  nb_payments_done: 62,
  nb_payments_total: 72,
  last_payment_amount: 439.58,
  last_payment_date: '2021-04-10',
  duration: 72,
  type: 'mortgage',
};

/** Who holds each account (Powens Check's `account_ownerships`): simulated names. */
export const ACCOUNT_PARTIES: Readonly<Record<string, ReadonlyArray<Record<string, unknown>>>> = {
  holder: [{ role: 'holder', identity: { is_user: true, full_name: 'DUPONT Marie' } }],
  joint: [
    { role: 'holder', identity: { is_user: true, full_name: 'DUPONT Marie' } },
    { role: 'holder', identity: { is_user: false, full_name: 'DUPONT Jean' } },
  ],
};
