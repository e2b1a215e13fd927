-- Two roles. The loader can stage files and COPY them into Bronze, replace a key's rows, and
-- record what it loaded; nothing in Silver or Gold. The reader (dashboards, Power BI) can read
-- Gold, including tables and views the tasks and later deploys recreate (future grants).
create role if not exists &{loader_role};
create role if not exists &{reader_role};

grant usage on warehouse &{warehouse} to role &{loader_role};
grant usage on database &{database} to role &{loader_role};
grant usage on schema &{database}.bronze to role &{loader_role};
grant read, write on stage &{database}.bronze.csv_stage to role &{loader_role};
grant usage on file format &{database}.bronze.csv_format to role &{loader_role};
{{ generated: loader_grants }}

grant usage on warehouse &{warehouse} to role &{reader_role};
grant usage on database &{database} to role &{reader_role};
grant usage on schema &{database}.gold to role &{reader_role};
grant select on all tables in schema &{database}.gold to role &{reader_role};
grant select on all views in schema &{database}.gold to role &{reader_role};
grant select on future tables in schema &{database}.gold to role &{reader_role};
grant select on future views in schema &{database}.gold to role &{reader_role};
