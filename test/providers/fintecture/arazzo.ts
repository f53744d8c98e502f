/**
 * Just enough of YAML and Arazzo 1.0 to execute the seed's workflow file as written:
 * block mappings and sequences, quoted and folded scalars; steps with path/query/header
 * parameters, `$statusCode == …` success criteria, jsonpath `$.x == "…"` onSuccess
 * criteria with goto/end, `$response.body#/pointer` outputs, `$inputs`/`$steps` expressions.
 * Test support only (the project has no YAML dependency, and adds none).
 */

export type Yaml = string | Yaml[] | { [key: string]: Yaml };
type YamlMap = { [key: string]: Yaml };

interface Line {
  indent: number;
  text: string;
}

const KEY = /^("[^"]*"|'[^']*'|[^\s"'#-][^:]*?|-[^\s:][^:]*?):(?:\s+(.*))?$/;

function scalar(text: string): string {
  const t = text.trim();
  if (t.startsWith('"') && t.endsWith('"')) return JSON.parse(t) as string;
  if (t.startsWith("'") && t.endsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
  return t;
}

export function parseYaml(source: string): Yaml {
  const lines: Line[] = source
    .split(/\r?\n/)
    .filter((raw) => raw.trim() !== '' && !raw.trim().startsWith('#'))
    .map((raw) => ({ indent: raw.search(/\S/), text: raw.trim() }));
  let i = 0;

  const isItem = (line: Line | undefined, indent: number): boolean => !!line && line.indent === indent && (line.text === '-' || line.text.startsWith('- '));

  function block(indent: number): Yaml {
    return isItem(lines[i], indent) ? sequence(indent) : mapping(indent);
  }

  function value(rest: string | undefined, indent: number): Yaml {
    if (rest === undefined || rest === '') {
      const next = lines[i];
      if (next && (next.indent > indent || isItem(next, indent))) return block(next.indent);
      return '';
    }
    if (/^[>|][-+]?$/.test(rest)) {
      const parts: string[] = [];
      while (i < lines.length && (lines[i] as Line).indent > indent) parts.push((lines[i++] as Line).text);
      return parts.join(rest.startsWith('>') ? ' ' : '\n');
    }
    return scalar(rest);
  }

  function mapping(indent: number): YamlMap {
    const out: YamlMap = {};
    while (i < lines.length && (lines[i] as Line).indent === indent && !isItem(lines[i], indent)) {
      const match = KEY.exec((lines[i] as Line).text);
      if (!match) throw new Error(`yaml: expected "key: value" at ${(lines[i] as Line).text}`);
      i++;
      out[scalar(match[1] as string)] = value(match[2], indent);
    }
    return out;
  }

  function sequence(indent: number): Yaml[] {
    const out: Yaml[] = [];
    while (isItem(lines[i], indent)) {
      const line = lines[i] as Line;
      const rest = line.text.slice(1).trimStart();
      if (rest === '') {
        i++;
        out.push(block((lines[i] as Line).indent));
      } else if (KEY.test(rest)) {
        // "- key: value": a mapping whose keys sit at the column after the dash.
        lines[i] = { indent: indent + (line.text.length - rest.length), text: rest };
        out.push(mapping((lines[i] as Line).indent));
      } else {
        i++;
        out.push(scalar(rest));
      }
    }
    return out;
  }

  return block(lines[0]?.indent ?? 0);
}

// ---------------------------------------------------------------- OpenAPI operations

export interface Operation {
  method: string;
  path: string;
}

export function operations(openapi: Yaml): Record<string, Operation> {
  const out: Record<string, Operation> = {};
  const paths = (openapi as YamlMap).paths as YamlMap;
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(item as YamlMap)) {
      const id = (op as YamlMap).operationId;
      if (typeof id === 'string') out[id] = { method: method.toUpperCase(), path };
    }
  }
  return out;
}

// ---------------------------------------------------------------- Arazzo

export interface StepTrace {
  stepId: string;
  operationId: string;
  method: string;
  url: string;
  status: number;
}

interface Scope {
  inputs: Record<string, string>;
  steps: Record<string, { outputs: Record<string, unknown> }>;
  statusCode?: number;
  body?: unknown;
}

function pointer(value: unknown, path: string): unknown {
  return path
    .split('/')
    .filter(Boolean)
    .reduce<unknown>((node, part) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined), value);
}

/** A runtime expression: `$inputs.x`, `$steps.s.outputs.o`, `$statusCode`, `$response.body#/a/b`. */
function evaluate(expression: string, scope: Scope): unknown {
  if (expression === '$statusCode') return scope.statusCode;
  if (expression.startsWith('$response.body')) return pointer(scope.body, expression.split('#')[1] ?? '');
  if (expression.startsWith('$inputs.')) return scope.inputs[expression.slice(8)];
  const step = /^\$steps\.([^.]+)\.outputs\.(.+)$/.exec(expression);
  if (step) return scope.steps[step[1] as string]?.outputs[step[2] as string];
  throw new Error(`arazzo: unsupported expression ${expression}`);
}

/** A parameter value: one expression, or a string with embedded expressions ("Bearer $inputs.accessToken"). */
function interpolate(value: string, scope: Scope): string {
  if (/^\$[\w.]+(#\/[\w/]*)?$/.test(value)) return String(evaluate(value, scope) ?? '');
  return value.replace(/\$(inputs|steps)\.[\w.]+/g, (expr) => String(evaluate(expr, scope) ?? ''));
}

function literal(text: string): unknown {
  const t = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return scalar(t);
}

/** `$statusCode == 200`, or a jsonpath `$.status == "COMPLETED"` against `context`. */
function condition(text: string, scope: Scope, context?: unknown): boolean {
  const match = /^(.+?)\s*==\s*(.+)$/.exec(text.trim());
  if (!match) throw new Error(`arazzo: unsupported condition ${text}`);
  const left = (match[1] as string).trim();
  const actual = left.startsWith('$.') ? pointer(context, left.slice(2).replace(/\./g, '/')) : evaluate(left, scope);
  return actual === literal(match[2] as string);
}

export interface RunResult {
  outputs: Record<string, unknown>;
  trace: StepTrace[];
}

/**
 * Executes one workflow against `baseUrl`: steps in order, following onSuccess goto/end;
 * a step whose success criteria fail throws (the workflow failed).
 */
export async function runWorkflow(
  document: Yaml,
  workflowId: string,
  inputs: Record<string, string>,
  ops: Record<string, Operation>,
  baseUrl: string,
  maxSteps = 50,
): Promise<RunResult> {
  const workflow = ((document as YamlMap).workflows as YamlMap[]).find((w) => w.workflowId === workflowId);
  if (!workflow) throw new Error(`arazzo: no workflow ${workflowId}`);
  const steps = workflow.steps as YamlMap[];
  const scope: Scope = { inputs, steps: {} };
  const trace: StepTrace[] = [];
  let index = 0;
  while (index < steps.length) {
    if (trace.length >= maxSteps) throw new Error('arazzo: too many steps');
    const step = steps[index] as YamlMap;
    const stepId = step.stepId as string;
    const op = ops[step.operationId as string];
    if (!op) throw new Error(`arazzo: unknown operation ${String(step.operationId)}`);
    let path = op.path;
    const query = new URLSearchParams();
    const headers: Record<string, string> = {};
    for (const param of (step.parameters ?? []) as YamlMap[]) {
      const value = interpolate(param.value as string, scope);
      if (param.in === 'path') path = path.replace(`{${param.name as string}}`, encodeURIComponent(value));
      else if (param.in === 'query') query.set(param.name as string, value);
      else if (param.in === 'header') headers[param.name as string] = value;
    }
    const url = `${baseUrl}${path}${query.size ? `?${query}` : ''}`;
    const res = await fetch(url, { method: op.method, headers });
    const text = await res.text();
    scope.statusCode = res.status;
    scope.body = text ? JSON.parse(text) : undefined;
    trace.push({ stepId, operationId: step.operationId as string, method: op.method, url, status: res.status });

    for (const criterion of (step.successCriteria ?? []) as YamlMap[]) {
      if (!condition(criterion.condition as string, scope)) throw new Error(`arazzo: step ${stepId} failed ${String(criterion.condition)} (HTTP ${res.status}: ${text.slice(0, 200)})`);
    }
    const outputs: Record<string, unknown> = {};
    for (const [name, expr] of Object.entries((step.outputs ?? {}) as YamlMap)) outputs[name] = evaluate(expr as string, scope);
    scope.steps[stepId] = { outputs };

    const action = ((step.onSuccess ?? []) as YamlMap[]).find((a) =>
      ((a.criteria ?? []) as YamlMap[]).every((c) => condition(c.condition as string, scope, c.context === '$response.body' ? scope.body : undefined)),
    );
    if (action?.type === 'end') break;
    if (action?.type === 'goto') {
      index = steps.findIndex((s) => s.stepId === action.stepId);
      if (index < 0) throw new Error(`arazzo: goto unknown step ${String(action.stepId)}`);
      continue;
    }
    index++;
  }
  const outputs: Record<string, unknown> = {};
  for (const [name, expr] of Object.entries((workflow.outputs ?? {}) as YamlMap)) outputs[name] = evaluate(expr as string, scope);
  return { outputs, trace };
}
