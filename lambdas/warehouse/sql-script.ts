/**
 * Reading a `.sql` script as statements: deploy variables (`&{name}`, SnowSQL's syntax, so a
 * script also runs with `snowsql -o variable_substitution=true -D name=...`) filled in, comments
 * dropped, split on the semicolons that end statements (not those inside quotes or `$$` bodies).
 */

/** Values of the deploy variables; each must be a plain Snowflake identifier. */
export type ScriptVariables = Readonly<Record<string, string>>;

const VARIABLE = /&\{([a-z_]+)\}/g;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Fills in `&{name}`; an unknown name or a value that is not a plain identifier is an error. */
export const fillVariables = (sql: string, variables: ScriptVariables): string =>
  sql.replace(VARIABLE, (_, name: string) => {
    const value = variables[name];
    if (value === undefined) throw new Error(`Unknown deploy variable &{${name}} (known: ${Object.keys(variables).join(', ')})`);
    if (!IDENTIFIER.test(value)) throw new Error(`Deploy variable ${name} must be a plain identifier, got "${value}"`);
    return value;
  });

/** Index of the quote that closes the literal opened at `start` (`''` is a quote inside it). */
const closingQuote = (script: string, start: number): number => {
  for (let i = start + 1; i < script.length; i++) {
    if (script[i] !== "'") continue;
    if (script[i + 1] === "'") i += 1;
    else return i;
  }
  throw new Error('Unterminated string literal in SQL script');
};

/** Splits a script into statements, without their terminating semicolons or comments. */
export const splitStatements = (script: string): string[] => {
  const statements: string[] = [];
  let current = '';
  let i = 0;
  const flush = () => {
    const statement = current.trim();
    if (statement !== '') statements.push(statement);
    current = '';
  };
  while (i < script.length) {
    const rest = script.slice(i);
    if (rest.startsWith('--')) {
      const end = script.indexOf('\n', i);
      i = end === -1 ? script.length : end;
    } else if (rest.startsWith('/*')) {
      const end = script.indexOf('*/', i + 2);
      if (end === -1) throw new Error('Unterminated /* comment in SQL script');
      i = end + 2;
    } else if (rest.startsWith('$$')) {
      const end = script.indexOf('$$', i + 2);
      if (end === -1) throw new Error('Unterminated $$ body in SQL script');
      current += script.slice(i, end + 2);
      i = end + 2;
    } else if (script[i] === "'") {
      const end = closingQuote(script, i);
      current += script.slice(i, end + 1);
      i = end + 1;
    } else if (script[i] === ';') {
      flush();
      i += 1;
    } else {
      current += script[i];
      i += 1;
    }
  }
  flush();
  return statements;
};
