/**
 * Snowflake function names for DuckDB, created on every connection before any model runs, so the
 * models in `sql/models/` are written once, in Snowflake's vocabulary. Each macro follows the
 * Snowflake documentation for the arguments our SQL passes (test/warehouse/duckdb-macros.test.ts
 * pins the behaviour); functions both engines already share (DATEDIFF, DATE_TRUNC, MD5, TRY_CAST,
 * QUALIFY ...) are not redefined.
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

/** `create or replace temp macro` statements: temp, so they live with the connection, never in the file. */
export const SNOWFLAKE_COMPAT_MACROS: readonly string[] = [
  // IFF(condition, then, else)
  `create or replace temp macro iff(condition, if_true, if_false) as case when condition then if_true else if_false end`,
  // NVL / NVL2 / ZEROIFNULL / NULLIFZERO / EQUAL_NULL
  `create or replace temp macro nvl(value, fallback) as coalesce(value, fallback)`,
  `create or replace temp macro nvl2(value, if_not_null, if_null) as case when value is not null then if_not_null else if_null end`,
  `create or replace temp macro zeroifnull(value) as coalesce(value, 0)`,
  `create or replace temp macro nullifzero(value) as nullif(value, 0)`,
  `create or replace temp macro equal_null(a, b) as a is not distinct from b`,
  // DIV0: 0 when the divisor is 0 (NULL stays NULL), where plain division would fail or give NULL.
  `create or replace temp macro div0(dividend, divisor) as case when divisor = 0 then 0 else dividend / divisor end`,
  // TRY_TO_*: NULL instead of an error. Timestamps go through TIMESTAMPTZ so an offset is honoured,
  // then become UTC wall-clock time (the session time zone is UTC), like TIMESTAMP_NTZ from a 'Z' string.
  `create or replace temp macro try_to_timestamp(value) as try_cast(try_cast(value as timestamptz) as timestamp)`,
  `create or replace temp macro try_to_date(value) as try_cast(value as date)`,
  `create or replace temp macro try_to_boolean(value) as try_cast(value as boolean)`,
  `create or replace temp macro to_varchar(value) as cast(value as varchar)`,
  // DATEADD('day', n, value) with the part quoted, as the models write it. Note: on a DATE DuckDB
  // returns a TIMESTAMP where Snowflake returns a DATE, so models cast when they need a date.
  `create or replace temp macro dateadd(part, amount, value) as value + ${DATE_PART_INTERVAL}`,
  // Snowflake calendar helpers whose DuckDB names differ.
  `create or replace temp macro dayofweekiso(value) as isodow(value)`,
  `create or replace temp macro weekiso(value) as weekofyear(value)`,
  // TO_CHAR(date, 'YYYY-MM-DD') with Snowflake format elements; TO_CHAR(x) is a plain cast.
  `create or replace temp macro to_char(value) as cast(value as varchar), (value, format) as strftime(value, ${TO_CHAR_FORMAT})`,
];
