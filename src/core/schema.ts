/**
 * Standard Schema (https://standardschema.dev), the one interface the core validates
 * through: zod 3.24+, zod 4 (classic and mini), valibot and arktype all implement it, so a
 * provider author's own validator works whatever version the SDK bundles.
 */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': StandardSchemaV1.Props<Input, Output>;
}

// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace StandardSchemaV1 {
  interface Props<Input = unknown, Output = Input> {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => Result<Output> | Promise<Result<Output>>;
    readonly types?: Types<Input, Output> | undefined;
  }
  type Result<Output> = SuccessResult<Output> | FailureResult;
  interface SuccessResult<Output> {
    readonly value: Output;
    readonly issues?: undefined;
  }
  interface FailureResult {
    readonly issues: ReadonlyArray<Issue>;
  }
  interface Issue {
    readonly message: string;
    readonly path?: ReadonlyArray<PropertyKey | PathSegment> | undefined;
  }
  interface PathSegment {
    readonly key: PropertyKey;
  }
  interface Types<Input = unknown, Output = Input> {
    readonly input: Input;
    readonly output: Output;
  }
  type InferInput<S extends StandardSchemaV1> = NonNullable<S['~standard']['types']>['input'];
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
  path: string;
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
