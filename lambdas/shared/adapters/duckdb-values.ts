/**
 * DuckDB result values in the port's shape ({@link WarehouseValue}): integers and decimals as
 * numbers, timestamps as ISO-8601 UTC text, dates as `YYYY-MM-DD`, so callers never see bigint or
 * DuckDB value classes and a Snowflake adapter can hand over exactly the same.
 */
import {
  DuckDBTypeId,
  JsonDuckDBValueConverter,
  bigintFromBigIntValue,
  booleanFromValue,
  dateFromDateValue,
  dateFromTimestampMillisecondsValue,
  dateFromTimestampNanosecondsValue,
  dateFromTimestampSecondsValue,
  dateFromTimestampTZValue,
  dateFromTimestampValue,
  doubleFromDecimalValue,
  numberFromValue,
  stringFromValue,
  type DuckDBValueConverter,
} from '@duckdb/node-api';
import type { WarehouseValue } from '../ports/warehouse.js';

export const toWarehouseValue: DuckDBValueConverter<WarehouseValue> = (value, type) => {
  if (value === null) return null;
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return booleanFromValue(value);
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return numberFromValue(value);
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return Number(bigintFromBigIntValue(value, type));
    case DuckDBTypeId.DECIMAL:
      return doubleFromDecimalValue(value);
    case DuckDBTypeId.DATE:
      return dateFromDateValue(value).toISOString().slice(0, 10);
    case DuckDBTypeId.TIMESTAMP:
      return dateFromTimestampValue(value).toISOString();
    case DuckDBTypeId.TIMESTAMP_S:
      return dateFromTimestampSecondsValue(value).toISOString();
    case DuckDBTypeId.TIMESTAMP_MS:
      return dateFromTimestampMillisecondsValue(value).toISOString();
    case DuckDBTypeId.TIMESTAMP_NS:
      return dateFromTimestampNanosecondsValue(value).toISOString();
    case DuckDBTypeId.TIMESTAMP_TZ:
      return dateFromTimestampTZValue(value).toISOString();
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.UUID:
    case DuckDBTypeId.ENUM:
      return stringFromValue(value);
    default: {
      // Lists, structs and the like are not part of our tables; they surface as JSON text.
      const json = JsonDuckDBValueConverter(value, type, JsonDuckDBValueConverter);
      return typeof json === 'string' || typeof json === 'number' || typeof json === 'boolean' || json === null
        ? json
        : JSON.stringify(json);
    }
  }
};
