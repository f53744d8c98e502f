/**
 * Standard Schema (https://standardschema.dev), the one interface the core validates
 * through: zod 3.24+, zod 4 (classic and mini), valibot and arktype all implement it, so a
 * provider author's own validator works whatever version the SDK bundles.
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  /** The Standard Schema properties the validator library provides. */
  readonly '~standard': StandardSchemaV1.Props<Input, Output>;
}

/** The types of the Standard Schema interface, as the specification names them. */
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace StandardSchemaV1 {
  /** What a Standard Schema exposes under `~standard`. */
  interface Props<Input = unknown, Output = Input> {
    /** The version of the specification: 1. */
    readonly version: 1;
    /** The library that made the schema (`zod`, `valibot`, …). */
    readonly vendor: string;
    /** Validates a value; the core requires a synchronous result. */
    readonly validate: (value: unknown) => Result<Output> | Promise<Result<Output>>;
    /** The schema's input and output types, for inference only. */
    readonly types?: Types<Input, Output> | undefined;
  }
  /** What `validate` returns: the value, or the issues. */
  type Result<Output> = SuccessResult<Output> | FailureResult;
  /** A value that passed. */
  interface SuccessResult<Output> {
    /** The output value (transforms and defaults applied). */
    readonly value: Output;
    /** Never set on a success. */
    readonly issues?: undefined;
  }
  /** A value that failed. */
  interface FailureResult {
    /** What is wrong, one issue per problem. */
    readonly issues: ReadonlyArray<Issue>;
  }
  /** One problem with a value. */
  interface Issue {
    /** What is wrong, in words. */
    readonly message: string;
    /** Where: the keys from the root to the faulty value. */
    readonly path?: ReadonlyArray<PropertyKey | PathSegment> | undefined;
  }
  /** A path key in object form. */
  interface PathSegment {
    /** The key. */
    readonly key: PropertyKey;
  }
  /** The types a schema carries for inference. */
  interface Types<Input = unknown, Output = Input> {
    /** What the schema accepts. */
    readonly input: Input;
    /** What the schema produces. */
    readonly output: Output;
  }
  /** What a schema accepts. */
  type InferInput<S extends StandardSchemaV1> = NonNullable<S['~standard']['types']>['input'];
  /** What a schema produces. */
  type InferOutput<S extends StandardSchemaV1> = NonNullable<S['~standard']['types']>['output'];
}

import { config } from 'zod/mini';
import { en } from 'zod/locales';

// zod/mini ships without messages ("Invalid input"): the SDK's errors say what is expected.
config(en());

/** What a schema accepts (`z.input`), for any Standard Schema. */
export type SchemaInput<S> = S extends StandardSchemaV1 ? StandardSchemaV1.InferInput<S> : never;
/** What a schema produces (`z.output`), for any Standard Schema. */
export type SchemaOutput<S> = S extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S> : never;

/** A validation problem: where (dotted path) and what, never the offending value. */
export interface SchemaIssue {
  /** Where, as a dotted path (`Accounts.0.Balance`); '' for the value as a whole. */
  path: string;
  /** What is wrong, in words. */
  message: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; issues: SchemaIssue[] };

/** `['Accounts', 0, { key: 'Balance' }]` → `Accounts.0.Balance`. */
export function issuePath(path: ReadonlyArray<PropertyKey | StandardSchemaV1.PathSegment> | undefined): string {
  if (!path) return '';
  return path.map((part) => String(typeof part === 'object' && part !== null ? part.key : part)).join('.');
}

/**
 * Validates synchronously. A schema that answers with a promise (async refinements) is a
 * programming error here: the SDK validates input before anything is sent, at once.
 */
export function check<S extends StandardSchemaV1>(schema: S, value: unknown): Checked<SchemaOutput<S>> {
  const result = schema['~standard'].validate(value);
  if (result instanceof Promise) throw new TypeError('polybank validates synchronously: the schema must not be async');
  if (result.issues) return { ok: false, issues: result.issues.map((issue) => ({ path: issuePath(issue.path), message: issue.message })) };
  return { ok: true, value: result.value as SchemaOutput<S> };
}

/** True for anything that implements Standard Schema v1. */
export function isStandardSchema(value: unknown): value is StandardSchemaV1 {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  const props = (value as { '~standard'?: { version?: unknown; validate?: unknown } })['~standard'];
  return typeof props === 'object' && props !== null && props.version === 1 && typeof props.validate === 'function';
}
