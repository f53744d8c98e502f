/**
 * Connector fields → challenges. A connector field's `values` list is advisory: Powens
 * (woob's `Value.check_valid`) judges the value itself and accepts values it does not
 * advertise (the test connector takes `ping`, listed only in its own error text). So a
 * credentials field never carries `choices` (the core would refuse anything else): the
 * listed values are `suggestions`, and only their shape is checked before sending.
 */
import type { ChallengeSpec, CredentialField } from '../../provider.js';
import type { ConnectorField } from './schemas/wire.js';

const FIELD_KINDS: ReadonlySet<string> = new Set(['text', 'password', 'date', 'number', 'list']);

function kindOf(field: ConnectorField): CredentialField['kind'] {
  const type = field.type ?? 'text';
  return (FIELD_KINDS.has(type) ? type : 'text') as CredentialField['kind'];
}

export function labelOf(field: ConnectorField): string {
  return field.label || field.description || field.name;
}

/** The shape every listed value has (codes: letters, digits, `_ . : -`), as a pattern. */
const CODE = /^[A-Za-z0-9_.:-]+$/;
const CODE_PATTERN = '[A-Za-z0-9_.:-]{1,128}';

/** A connector field as a credentials field (password → secret, regex → pattern, list → suggested values). */
export function credentialField(field: ConnectorField, requiredByDefault = true): CredentialField {
  const kind = kindOf(field);
  const values = field.values?.length ? field.values : undefined;
  const description = field.description ?? undefined;
  // The provider's own pattern first; else, for a list, the shape of its values.
  const pattern = field.regex || (values && values.every((v) => CODE.test(v.value)) ? CODE_PATTERN : undefined);
  return {
    name: field.name,
    label: labelOf(field),
    kind,
    secret: kind === 'password',
    required: field.required ?? requiredByDefault,
    ...(description ? { description } : {}),
    ...(values ? { suggestions: values.map((v) => ({ value: v.value, label: v.label || v.value })) } : {}),
    ...(pattern ? { pattern } : {}),
  };
}

/** The fields a user fills to create a connection (credentials mechanism, the chosen source). */
export function connectorCredentialFields(fields: readonly ConnectorField[], source: string | undefined): ConnectorField[] {
  return fields.filter((field) => {
    if (field.type === 'hidden') return false;
    if (field.auth_mechanisms?.length && !field.auth_mechanisms.includes('credentials')) return false;
    if (source !== undefined && field.connector_sources?.length && !field.connector_sources.includes(source)) return false;
    return true;
  });
}

function otpChannel(field: ConnectorField): 'sms' | 'email' | 'app' | 'unknown' {
  const text = `${field.name} ${field.label ?? ''} ${field.description ?? ''}`;
  if (/sms/i.test(text)) return 'sms';
  if (/e-?mail/i.test(text)) return 'email';
  if (/\bapp\b|application/i.test(text)) return 'app';
  return 'unknown';
}

function isCodeLike(field: ConnectorField): boolean {
  const kind = kindOf(field);
  return (kind === 'text' || kind === 'password' || kind === 'number') && !field.values?.length;
}

/**
 * `additionalInformationNeeded` fields as a challenge: one code-like field → `otp`;
 * plain text or list questions → `questions` (answered together; a list is the bank's
 * menu for this question); anything richer (passwords, dates, patterns, optional
 * fields) → `credentials`.
 */
export function fieldsChallenge(fields: readonly ConnectorField[], message: string | undefined, expiresAt: string | undefined): ChallengeSpec {
  const base = { ...(message ? { message } : {}), ...(expiresAt ? { expiresAt } : {}) };
  const [only] = fields;
  if (fields.length === 1 && only && isCodeLike(only)) {
    return { type: 'otp', channel: otpChannel(only), label: labelOf(only), ...(only.regex ? { pattern: only.regex } : {}), ...base };
  }
  const simple = fields.every((f) => (kindOf(f) === 'text' || kindOf(f) === 'list') && !f.regex && f.required !== false);
  if (simple) {
    return {
      type: 'questions',
      prompts: fields.map((f) => ({
        id: f.name,
        text: labelOf(f),
        ...(f.values?.length ? { choices: f.values.map((v) => ({ id: v.value, label: v.label ?? v.value })) } : {}),
      })),
      ...base,
    };
  }
  return { type: 'credentials', fields: fields.map((f) => credentialField(f)), ...base };
}
