import { FleetlakeError } from '../../core/errors.ts';

/**
 * The browser half of what Grafana does to a ClickHouse panel query before the
 * plugin backend sees it: the plugin's `$__conditionalAll` (CHDatasource.ts
 * applyConditionalAll) and then Grafana's templateSrv.replace. Both are ported
 * as they behave; on top, the house rules are enforced: a dashboard variable
 * may appear only as `${name:singlequote}` (or as the bare `$name` that
 * `$__conditionalAll` takes as its second argument), and Grafana's global
 * variables (`$__from`, `$__interval`, ...) are refused because an alert rule
 * or a variable query would not have them: the plugin macros do that job.
 */
export interface VariableOption {
  readonly text: string;
  readonly value: string;
}

export interface ResolvedVariable {
  readonly name: string;
  /** The selection: one value, several, or `$__all`. */
  readonly current: string | readonly string[];
  /** As Grafana holds them: the All option first when the variable has one. */
  readonly options: readonly VariableOption[];
  readonly allValue?: string;
}

export const ALL_VALUE = '$__all';

/** Grafana's built-in variables: filled in the browser only. */
const GRAFANA_GLOBALS = new Set([
  '__from', '__to', '__interval', '__interval_ms', '__rate_interval', '__range', '__range_s', '__range_ms',
  '__dashboard', '__user', '__org', '__timezone', '__timeFilter', '__name', '__field', '__series', '__value', '__data', '__url',
]);

const CONDITIONAL_ALL = '$__conditionalAll(';

/** CHDatasource.getMacroArgs: the raw (untrimmed) arguments after `(` at `argsIndex`, or [] when unbalanced. */
function macroArgs(query: string, argsIndex: number): string[] {
  const args: string[] = [];
  const re = /\(|\)|,/g;
  let depth = 0;
  let lastArgEnd = 1;
  const rest = query.substring(argsIndex);
  for (let m = re.exec(rest); m !== null; m = re.exec(rest)) {
    if (m[0] === '(') depth++;
    else if (m[0] === ')') depth--;
    if (m[0] === ',' && depth === 1) {
      args.push(rest.substring(lastArgEnd, re.lastIndex - 1));
      lastArgEnd = re.lastIndex;
    }
    if (depth === 0) {
      args.push(rest.substring(lastArgEnd, re.lastIndex - 1));
      return args;
    }
  }
  return [];
}

const selectedValue = (v: ResolvedVariable) => (typeof v.current === 'string' ? v.current : v.current.join(','));

/**
 * `$__conditionalAll(condition, $var)` becomes `1=1` when $var is All or empty,
 * else `condition`; processed from the last occurrence backwards, as the plugin does.
 */
export function applyConditionalAll(sql: string, variables: readonly ResolvedVariable[], problems: string[] = []): string {
  let out = sql;
  for (let at = out.lastIndexOf(CONDITIONAL_ALL); at !== -1; at = out.lastIndexOf(CONDITIONAL_ALL)) {
    const params = macroArgs(out, at + CONDITIONAL_ALL.length - 1);
    if (params.length !== 2) {
      problems.push(`$__conditionalAll needs exactly 2 arguments (condition, $variable), found ${params.length}`);
      return out;
    }
    const [condition, variableParam] = params as [string, string];
    const name = /(?<=\$\{)[\w\d]+(?=\})|(?<=\$)[\w\d]+/.exec(variableParam.trim())?.[0];
    const variable = variables.find((v) => v.name === name);
    if (!variable) problems.push(`$__conditionalAll second argument ${variableParam.trim()} is not a dashboard variable`);
    const phrase = variable && (selectedValue(variable) === '' || selectedValue(variable) === ALL_VALUE) ? '1=1' : condition;
    // String.replace with a string pattern, exactly as the plugin calls it.
    out = out.replace(`${CONDITIONAL_ALL}${condition},${variableParam})`, phrase);
  }
  return out;
}

/** Grafana's `singlequote` format: each value quoted, `'` escaped as `\'`, joined by commas. */
export function singleQuote(value: string | readonly string[]): string {
  const one = (v: string) => `'${v.replace(/'/g, "\\'")}'`;
  return typeof value === 'string' ? one(value) : value.map(one).join(',');
}

function allValues(variable: ResolvedVariable): string | readonly string[] {
  return variable.allValue ?? variable.options.filter((o) => o.value !== ALL_VALUE).map((o) => o.value);
}

const VARIABLE_REF = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}/g;

/**
 * templateSrv.replace restricted to the house form `${name:singlequote}`.
 * Unknown `$__name` tokens are left alone: they are plugin macros for the backend.
 */
export function interpolateVariables(sql: string, variables: readonly ResolvedVariable[], problems: string[] = []): string {
  return sql.replace(VARIABLE_REF, (match: string, v1?: string, v2?: string, _f2?: string, v3?: string, path?: string, f3?: string) => {
    const name = v1 ?? v2 ?? v3 ?? '';
    const variable = variables.find((v) => v.name === name);
    if (!variable) {
      if (GRAFANA_GLOBALS.has(name)) problems.push(`${match} is a Grafana global variable (browser only): use the plugin macros ($__timeFilter, $__fromTime, $__interval_s, ...)`);
      else if (!name.startsWith('__')) problems.push(`${match} refers to no dashboard variable`);
      return match;
    }
    if (v3 === undefined || f3 !== 'singlequote' || path !== undefined) {
      problems.push(`${match}: write dashboard variables as \${${name}:singlequote}, never spliced raw`);
      return match;
    }
    const selected = selectedValue(variable) === ALL_VALUE ? allValues(variable) : variable.current;
    // Grafana does not format a custom all value: it is SQL the dashboard author wrote.
    if (selectedValue(variable) === ALL_VALUE && variable.allValue !== undefined) return variable.allValue;
    return singleQuote(selected);
  });
}

/** Both browser steps, in the plugin's order; throws DASHBOARD_INVALID listing every broken reference. */
export function applyTemplate(sql: string, variables: readonly ResolvedVariable[], where: string): string {
  const problems: string[] = [];
  const out = interpolateVariables(applyConditionalAll(sql, variables, problems), variables, problems);
  if (problems.length > 0) throw new FleetlakeError('DASHBOARD_INVALID', { detail: `${where}: ${problems.join('; ')}` });
  return out;
}
