-- The project's CSV dialect (lambdas/shared/csv.ts): a header line, `"`-quoted fields with `""`
-- for a quote, an empty unquoted field is NULL and `""` the empty string, no backslash escapes,
-- timestamps as Date.toISOString() prints them (UTC, milliseconds, Z). Gzipped or not, by content.
-- Text fields may hold tab, LF and CR, and no other C0 control character (the consumer quarantines
-- those as control_character, the loader rejects them in a foreign file: lambdas/shared/csv.ts).
-- Tab is not the field delimiter, so it is data; LF and CR only come inside a `"`-enclosed field,
-- which Snowflake reads as data because MULTI_LINE defaults to TRUE (a record delimiter inside an
-- enclosed field is part of the field) and FIELD_OPTIONALLY_ENCLOSED_BY = '"' encloses it
-- (https://docs.snowflake.com/en/sql-reference/sql/create-file-format, format type options for CSV).
-- Created once, then altered in place: CREATE OR REPLACE would drop the loader's USAGE on it until
-- the grants script runs, and file formats take no COPY GRANTS. ALTER FILE FORMAT ... SET re-applies
-- every option, so an edited option still reaches a deployed format
-- (https://docs.snowflake.com/en/sql-reference/sql/alter-file-format); the type cannot be altered.
create file format if not exists bronze.csv_format
    type = csv
    field_delimiter = ','
    skip_header = 1
    field_optionally_enclosed_by = '"'
    escape_unenclosed_field = none
    empty_field_as_null = true
    null_if = ()
    error_on_column_count_mismatch = true
    compression = auto
    encoding = 'UTF8'
    timestamp_format = 'YYYY-MM-DD"T"HH24:MI:SS.FF3"Z"'
    date_format = 'YYYY-MM-DD'
    comment = 'Gold, reference and quarantine files as the loader stages them';

alter file format bronze.csv_format set
    field_delimiter = ','
    skip_header = 1
    field_optionally_enclosed_by = '"'
    escape_unenclosed_field = none
    empty_field_as_null = true
    null_if = ()
    error_on_column_count_mismatch = true
    compression = auto
    encoding = 'UTF8'
    timestamp_format = 'YYYY-MM-DD"T"HH24:MI:SS.FF3"Z"'
    date_format = 'YYYY-MM-DD'
    comment = 'Gold, reference and quarantine files as the loader stages them';

-- The loader PUTs each file under <table>/<object key folders>/ and COPYs it from there.
create stage if not exists bronze.csv_stage
    comment = 'Files PUT by the loader, one folder per Bronze table';
