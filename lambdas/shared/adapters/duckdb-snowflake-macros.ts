/**
 * Snowflake function names for DuckDB, so the models in `sql/models/` are written once, in
 * Snowflake's vocabulary. Each macro follows the Snowflake documentation for the arguments our SQL
 * passes (test/warehouse/duckdb-macros.test.ts pins the behaviour); functions both engines already
 * share (DATEDIFF, DATE_TRUNC, MD5, TRY_CAST, QUALIFY ...) are not redefined. They are persistent
 * macros in the warehouse file's `main` schema, not connection-scoped ones: the Gold views call
 * them, and the file must open in any DuckDB client (test/warehouse/warehouse-file.test.ts).
 */

/** Snowflake date part names (and the aliases it accepts) mapped to a DuckDB interval of one unit. */
const DATE_PART_INTERVAL = `case lower(part)
      when 'year' then to_years(cast(amount as integer))
      when 'years' then to_years(cast(amount as integer))
      when 'y' then to_years(cast(amount as integer))
      when 'quarter' then to_months(cast(amount as integer) * 3)
      when 'quarters' then to_months(cast(amount as integer) * 3)
      when 'month' then to_months(cast(amount as integer))
      when 'months' then to_months(cast(amount as integer))
      when 'mm' then to_months(cast(amount as integer))
      when 'week' then to_days(cast(amount as integer) * 7)
      when 'weeks' then to_days(cast(amount as integer) * 7)
      when 'day' then to_days(cast(amount as integer))
      when 'days' then to_days(cast(amount as integer))
      when 'd' then to_days(cast(amount as integer))
      when 'hour' then to_hours(cast(amount as bigint))
      when 'hours' then to_hours(cast(amount as bigint))
      when 'h' then to_hours(cast(amount as bigint))
      when 'minute' then to_minutes(cast(amount as bigint))
      when 'minutes' then to_minutes(cast(amount as bigint))
      when 'second' then to_seconds(cast(amount as bigint))
      when 'seconds' then to_seconds(cast(amount as bigint))
      else error('dateadd: unsupported date part ' || part)
    end`;

/**
 * Snowflake TO_CHAR format elements in the order they must be replaced (longest first). Elements
 * are case-insensitive in Snowflake ('mon dd, yyyy' gives 'Apr 05, 2013'), and names come out
 * capitalised whatever the element's case (MON → 'Apr', DY → 'Fri', MMMM → 'April'), as strftime's
 * %b, %a and %B print them: https://docs.snowflake.com/en/sql-reference/functions/to_char
 */
const TO_CHAR_FORMAT = `replace(replace(replace(replace(replace(replace(replace(replace(replace(
      upper(format), 'YYYY', '%Y'), 'MMMM', '%B'), 'MON', '%b'), 'MM', '%m'), 'DD', '%d'), 'DY', '%a'),
      'HH24', '%H'), 'MI', '%M'), 'SS', '%S')`;

/** Powers of ten as exact HUGEINTs, 10^0 to 10^30, for decimal arithmetic on unscaled integers. */
const POWERS_OF_TEN = `cast([${Array.from({ length: 31 }, (_, exponent) => `'1${'0'.repeat(exponent)}'`).join(', ')}] as hugeint[])`;

/** The largest quotient scale Snowflake gives a division whose dividend has at most 12 decimals. */
const QUOTIENT_SCALE_CAP = 12;

/**
 * Exact decimal division with Snowflake's rule, for DuckDB (which divides DECIMALs as DOUBLEs).
 * Snowflake keeps a fixed-point quotient at scale `max(S1, min(S1 + 6, 12))`, S1 the dividend's
 * scale, rounding the rest half away from zero ("Scale and precision in arithmetic operations",
 * https://docs.snowflake.com/en/sql-reference/operators-arithmetic). Here both operands become
 * unscaled HUGEINTs, the quotient is rounded at that scale in integer arithmetic, and comes back
 * as DECIMAL(38,12), the same value with trailing zeros. A dividend with more than 12 decimals is
 * refused (Snowflake would keep its scale; no model divides one). A floating-point operand
 * divides in floating point, as in Snowflake. The bodies name the helpers unqualified, so they
 * resolve in whatever catalog a client attached the file as.
 */
const snowflakeDivisionMacros = (schema: string): string[] => [
  `create or replace macro ${schema}.sf_pow10(exponent) as ${POWERS_OF_TEN}[exponent + 1]`,
  `create or replace macro ${schema}.sf_scale(value) as
    case when typeof(value) like 'DECIMAL(%' then cast(regexp_extract(typeof(value), ',(\\d+)\\)', 1) as integer) else 0 end`,
  `create or replace macro ${schema}.sf_unscaled(value) as cast(value * sf_pow10(sf_scale(value)) as hugeint)`,
  `create or replace macro ${schema}.sf_is_float(value) as typeof(value) in ('FLOAT', 'DOUBLE', 'REAL')`,
  `create or replace macro ${schema}.sf_quotient_scale(dividend) as greatest(sf_scale(dividend), least(sf_scale(dividend) + 6, ${QUOTIENT_SCALE_CAP}))`,
  // numerator / denominator is the quotient times 10^scale; rounded half away from zero.
  `create or replace macro ${schema}.sf_rounded_quotient(numerator, denominator) as
    sign(numerator) * sign(denominator) * ((abs(numerator) * 2 + abs(denominator)) // (abs(denominator) * 2))`,
  `create or replace macro ${schema}.sf_divide(dividend, divisor) as
    case
      when sf_is_float(dividend) or sf_is_float(divisor) then cast(dividend / divisor as decimal(38, ${QUOTIENT_SCALE_CAP}))
      when sf_scale(dividend) > ${QUOTIENT_SCALE_CAP} then error('div0: a dividend with more than ${QUOTIENT_SCALE_CAP} decimals keeps its scale in Snowflake; round it first')
      else cast(
          sf_rounded_quotient(
            sf_unscaled(dividend)
              * sf_pow10(sf_quotient_scale(dividend) + sf_scale(divisor) - sf_scale(dividend)),
            sf_unscaled(divisor)
          ) * sf_pow10(${QUOTIENT_SCALE_CAP} - sf_quotient_scale(dividend))
          as decimal(38, 0)
        ) * 0.${'0'.repeat(QUOTIENT_SCALE_CAP - 1)}1
    end`,
];

/**
 * `create or replace macro <schema>.<name>` statements, for the schema the warehouse file's
 * clients resolve unqualified functions in (its `main`): persistent, so a view that calls them
 * works from any connection, StreamFlow's own or a DuckDB CLI that ran no set-up.
 */
export const snowflakeCompatMacros = (schema: string): string[] => [
  ...snowflakeDivisionMacros(schema),
  // IFF(condition, then, else)
  `create or replace macro ${schema}.iff(condition, if_true, if_false) as case when condition then if_true else if_false end`,
  // NVL / NVL2 / ZEROIFNULL / NULLIFZERO / EQUAL_NULL
  `create or replace macro ${schema}.nvl(value, fallback) as coalesce(value, fallback)`,
  `create or replace macro ${schema}.nvl2(value, if_not_null, if_null) as case when value is not null then if_not_null else if_null end`,
  `create or replace macro ${schema}.zeroifnull(value) as coalesce(value, 0)`,
  `create or replace macro ${schema}.nullifzero(value) as nullif(value, 0)`,
  `create or replace macro ${schema}.equal_null(a, b) as a is not distinct from b`,
  // DIV0: 0 when the divisor is 0 (NULL stays NULL); otherwise division as Snowflake computes it.
  `create or replace macro ${schema}.div0(dividend, divisor) as
    case when divisor = 0 then cast(0 as decimal(38, ${QUOTIENT_SCALE_CAP})) else sf_divide(dividend, divisor) end`,
  // TRY_TO_*: NULL instead of an error. Timestamps go through TIMESTAMPTZ so an offset is honoured,
  // then become UTC wall-clock time whatever the session's time zone, like TIMESTAMP_NTZ from a 'Z' string.
  `create or replace macro ${schema}.try_to_timestamp(value) as try_cast(value as timestamptz) at time zone 'UTC'`,
  `create or replace macro ${schema}.try_to_date(value) as try_cast(value as date)`,
  `create or replace macro ${schema}.try_to_boolean(value) as try_cast(value as boolean)`,
  `create or replace macro ${schema}.to_varchar(value) as cast(value as varchar)`,
  // DATEADD('day', n, value) with the part quoted, as the models write it. Note: on a DATE DuckDB
  // returns a TIMESTAMP where Snowflake returns a DATE, so models cast when they need a date.
  `create or replace macro ${schema}.dateadd(part, amount, value) as value + ${DATE_PART_INTERVAL}`,
  // Snowflake calendar helpers whose DuckDB names differ.
  `create or replace macro ${schema}.dayofweekiso(value) as isodow(value)`,
  `create or replace macro ${schema}.weekiso(value) as weekofyear(value)`,
  // TO_CHAR(date, 'YYYY-MM-DD') with Snowflake format elements; TO_CHAR(x) is a plain cast.
  `create or replace macro ${schema}.to_char(value) as cast(value as varchar), (value, format) as strftime(value, ${TO_CHAR_FORMAT})`,
];
