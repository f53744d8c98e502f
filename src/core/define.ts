/**
 * `defineProvider`: how every provider, ours and yours, is declared. The options are
 * parsed once, at construction, into a ConfigurationError naming every wrong field; the
 * secrets among them are registered for redaction and hidden from `util.inspect` and
 * JSON; what comes back is a typed factory.
 */
import { ConfigurationError, isPolybankError } from './errors.js';
import { hideSecrets } from './kit.js';
import type { AnyProvider } from './provider.js';
import { check, type SchemaInput, type SchemaOutput, type StandardSchemaV1 } from './schema.js';

/** An adapter as a definition's `create` returns it: everything but `id` and `secrets`. */
export type AdapterBody = Omit<AnyProvider, 'id' | 'secrets'>;

/** What `defineProvider` takes: the id, the options schema, which options are secrets, and how to build the adapter. */
export interface ProviderDefinition<Id extends string, O extends StandardSchemaV1, A extends AdapterBody> {
  /** The provider id users pass to `bank.connect(id, …)`; lower case, e.g. `gocardless`. */
  id: Id;
  /** The factory's options (a zod or any Standard Schema); parsed once. */
  options: O;
  /** The option values to redact everywhere: API keys, app secrets, private keys. */
  secrets?: (options: SchemaOutput<O>) => ReadonlyArray<string | null | undefined>;
  /** Builds the adapter from the parsed options. May throw ConfigurationError for rules a schema cannot say. */
  create(options: SchemaOutput<O>): A;
}

/** What `defineProvider` returns: `gocardless({ secretId, secretKey })` → the provider to pass to `new Polybank`. */
export type ProviderFactory<Id extends string, O extends StandardSchemaV1, A extends AdapterBody> = (
  options: SchemaInput<O>,
) => A & {
  /** The provider id. */
  readonly id: Id;
  /** The option values to redact everywhere, from the definition's `secrets`. */
  readonly secrets: readonly string[];
};

const ID = /^[a-z][a-z0-9-]{0,39}$/;

/**
 * Declares a provider: returns the factory users call with their options
 * (`mybank({ apiKey })`). The factory checks the options against the schema (a
 * ConfigurationError naming every wrong field), registers the secrets, and builds the adapter.
 * A bad `id` throws at once.
 */
export function defineProvider<Id extends string, O extends StandardSchemaV1, A extends AdapterBody>(
  definition: ProviderDefinition<Id, O, A>,
): ProviderFactory<Id, O, A> {
  if (!ID.test(definition.id)) throw new ConfigurationError(`provider id ${JSON.stringify(definition.id)} must be lower case letters, digits and dashes`);
  const { id } = definition;
  return (options) => {
    const parsed = check(definition.options, options);
    if (!parsed.ok) {
      const detail = parsed.issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join('; ');
      throw new ConfigurationError(`${id}({...}): ${detail}`, { provider: id });
    }
    let body: A;
    try {
      body = definition.create(parsed.value);
    } catch (error) {
      if (isPolybankError(error)) throw error;
      throw new ConfigurationError(`${id}({...}): ${error instanceof Error ? error.message : String(error)}`, { provider: id });
    }
    const secrets = (definition.secrets?.(parsed.value) ?? []).filter((value): value is string => typeof value === 'string' && value !== '');
    return hideSecrets({ ...body, id, secrets });
  };
}
