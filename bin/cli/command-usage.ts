/**
 * The usage text of each command, apart from the command itself so that `streamflow <command> --help`
 * prints it without importing the command's dependencies (DuckDB, the AWS SDK, kafkajs).
 */
import { DEFAULT_ESM_SETTINGS } from '../../lambdas/local/esm-simulator.js';
import { DEFAULT_SERVE_PORT } from '../../lambdas/local/serve-port.js';
export const LOAD_USAGE = `streamflow load [--out DIR] [--reload PREFIX [--force]] [--json]
  Loads pending gold, reference and quarantine files from DIR (default .streamflow) into
  DIR/warehouse.duckdb, skipping files already loaded (same key and ETag). --reload PREFIX loads
  the files under PREFIX (e.g. gold/transactions/); with --force it reloads them even if loaded.`;

export const REFRESH_USAGE = `streamflow refresh [--out DIR] [--full] [--json]
  Runs refresh_silver → refresh_gold → dq_checks on DIR/warehouse.duckdb (default .streamflow).
  Incremental by default; --full drops Silver and Gold and rebuilds them from Bronze.`;

export const REPORT_USAGE = `streamflow report [--out DIR] [--brokers HOST:PORT [--group G]] [--json]
streamflow report --bucket NAME [--onfailure-bucket NAME] (--cluster-arn ARN [--region R] | --brokers HOST:PORT) [--group G] [--json]
  Reconciles the produced offsets → landing + pending on-failure records → gold + quarantine →
  Bronze → Silver → Gold and says in one line whether anything was lost: of the local twin's DIR
  (default .streamflow; offsets as its run recorded them), or with --bucket of the deployed
  pipeline (S3, the cluster's offsets now, Snowflake). Exits 0 only on "Nothing lost"; 1 when
  something was lost, is pending replay, is not yet consumed (offsets at or past the group's
  committed offset that no file holds: "Not yet consumed: N records (group G is behind on …);
  nothing lost so far"), or the warehouse was not checked.
  --brokers H:P     take the produced offsets from this Kafka now (plaintext; for DIR from where the
                    run's consumer began), with the consumer group's committed offsets beside them
  --group G         that consumer group; {topic} stands for each topic's name (default
                    streamflow-consumer for DIR, the deployed mappings' streamflow-dev-consumer-{topic}
                    with --bucket; another stage: streamflow-<stage>-consumer-{topic})
  --bucket NAME     the deployed data bucket (landing/, gold/, quarantine/; credentials and region
                    from the AWS environment)
  --onfailure-bucket NAME  the event source mapping's S3 on-failure destination (default: the bucket)
  --cluster-arn ARN the MSK cluster, with IAM auth (run it where the brokers are reachable, inside
                    the VPC); --region R its region (default: AWS_REGION, else the ARN's)
  With --bucket, Bronze, Silver and Gold are read from Snowflake when SNOWFLAKE_ACCOUNT,
  SNOWFLAKE_USER, SNOWFLAKE_ROLE and SNOWFLAKE_PRIVATE_KEY_PATH (or SNOWFLAKE_SECRET_ARN) are set, as
  for sql deploy; without them the verdict says "files and offsets balance; warehouse not checked".`;

export const REPLAY_USAGE = `streamflow replay [--out DIR | --bucket NAME] [--onfailure-bucket NAME] [--from all|onfailure|landing] [--topic T] [--date YYYY-MM-DD] [--prefix KEY] [--brokers HOST:PORT | --cluster-arn ARN [--region R]] [--json]
  Rebuilds the consumer's output without producing anything: re-delivers the batches Lambda
  discarded (its on-failure records under aws/lambda/) through the consumer Lambda, then derives
  gold/ and quarantine/ again from the raw records in landing/. A record without payload
  (MaximumPayloadSizeExceeded) is read again from Kafka with --brokers or --cluster-arn, else listed with the exact
  offsets to read again.
  Idempotent: a second replay changes nothing. Then run \`streamflow load\` and \`streamflow refresh\`.

  --out DIR         the local twin's folder (default .streamflow)
  --bucket NAME     the deployed data bucket instead (S3, credentials and region from the AWS environment)
  --onfailure-bucket NAME  where the event source mapping's S3 on-failure destination writes
                    (default: the data bucket, or DIR)
  --from SOURCE     onfailure, landing, or all (default: all, on-failure batches first)
  --topic T         only this topic's batches
  --date DAY        only the batches filed under dt=DAY (UTC, the first record's broker time)
  --prefix KEY      only objects whose key starts with KEY (e.g. landing/transactions/dt=2025-06-01/)
  --brokers H:P     re-read the offsets of on-failure records without payload from this Kafka
                    (plaintext, as run --brokers) and re-deliver them through the consumer
  --cluster-arn ARN the same from the MSK cluster, with IAM auth (credentials from the AWS chain;
                    run it where the brokers are reachable, inside the VPC)
  --region R        the cluster's region (default: AWS_REGION, else the ARN's)
  --json            print the summary as JSON`;

export const DOCS_USAGE = `streamflow docs [--out DIR]
  Writes DIR/docs/index.html (default DIR .streamflow): every model under sql/models/ with its
  grain, definition, columns, upstream and downstream tables, and a lineage diagram derived from
  the SQL itself. Needs no run: the models are built once on an empty scratch warehouse.`;

export const PRODUCE_USAGE = `streamflow produce (--cluster-arn ARN | --brokers HOST:PORT) [options]
  Publishes generated events to the MSK cluster's user_events and transactions topics, with IAM
  auth (credentials from the usual AWS chain). Must run where the brokers are reachable.
  With --brokers, publishes to a local Apache Kafka over plaintext instead (npm run kafka),
  creating the topics first; consume them with streamflow run --brokers HOST:PORT --consume-only.

  --cluster-arn ARN   the MSK cluster
  --brokers H:P       a local Kafka broker (plaintext, no auth)
  --partitions N      with --brokers: partitions of each topic it creates (default 3)
  --region R          AWS region (default: AWS_REGION)
  --events N          events to publish (default 10000)
  --seed S            random seed (default 42)
  --dirty-rate R      share of dirty records, 0 to 1 (default 0)
  --days N            spread events over the last N days (default 1)`;

/** Both subcommands of `streamflow sql`. */
export const SQL_USAGE = `streamflow sql deploy [--dry-run] [--database NAME] [--warehouse NAME] [--loader-role NAME] [--reader-role NAME] [--load-mode copy|snowpipe] [--task-compute warehouse|serverless] [--share-with ACCOUNT]
  Applies sql/snowflake/*.sql in order (warehouse, database and schemas, file format and stage, Bronze
  tables, pipes, model tables, streams, tasks, roles and grants). Idempotent. --load-mode is the stack's
  loadMode (preset dev: snowpipe, prod: copy): snowpipe adds one pipe per Bronze table (the loader's
  COPY), bronze.load_manifest and its pipe, and the loader's OPERATE/MONITOR on them (default, as the
  default dev preset); copy (the prod preset) adds none. The refresh tasks are triggered when a stream has data; --task-compute runs them on the
  warehouse or serverless compute (default: serverless with snowpipe, the warehouse with copy).
  Connects with SNOWFLAKE_ACCOUNT, SNOWFLAKE_USER, SNOWFLAKE_ROLE and SNOWFLAKE_PRIVATE_KEY_PATH (or
  SNOWFLAKE_SECRET_ARN); names default to SNOWFLAKE_DATABASE / SNOWFLAKE_WAREHOUSE, else STREAMFLOW_DW /
  STREAMFLOW_WH. SNOWFLAKE_ACCESS_URL overrides the endpoint (a PrivateLink URL); a login that has not
  finished within SNOWFLAKE_LOGIN_TIMEOUT_SECONDS (default 60) fails with the host it tried.
  --dry-run prints every statement instead, and needs no credentials.
  --share-with ORG.ACCOUNT adds a consumer account to the secure share of gold.customer_360_shared
  (repeat the flag, or separate accounts by commas).
streamflow sql render [--dialect snowflake|duckdb] [--model NAME]
  Shows what each model (or one, e.g. stg_user_events) becomes: the DDL that creates its table and the
  statements that refresh it (a Snowflake task body, or the local runner's, reading the same streams).
  Default dialect: snowflake.`;

export const RUN_USAGE = `streamflow run [options]
  Runs the local twin: generate events, deliver them in MSK batches to the consumer Lambda
  (landing / gold / quarantine files), load gold into DuckDB with the loader Lambda, refresh
  Silver and Gold, run the data quality checks and reconcile the ledger.

  --events N        events to generate (default 50000)
  --seed S          random seed; the same seed and window give the same events (default 42)
  --out DIR         output folder, also the local bucket (default .streamflow)
  --input FILE      replay FILE (one {"topic","key","value"} JSON object a line) instead of generating
  --dirty-rate R    share of dirty records to inject, 0 to 1 (default 0)
  --days N          spread events over the last N days (default: the last 13 months)
  --until TIME      end of the event window, ISO-8601 (default: now)
  --batch-size N    event source mapping batch size, 1 to 10000 (default ${DEFAULT_ESM_SETTINGS.batchSize})
  --partitions N    partitions per topic (default 3)
  --brokers H:P     run on this Apache Kafka (e.g. npm run kafka) instead of the in-process topic
                    log: publish with the MSK producer (plaintext), consume with a consumer group
  --consume-only    with --brokers: publish nothing, deliver what the group has not committed yet
                    (after streamflow produce --brokers, or to resume a stopped run), keeping --out
  --group NAME      with --brokers: the consumer group (default streamflow-consumer)
  --rate N          produce live, N events per second, until --events are sent or Ctrl-C, loading
                    and refreshing the warehouse in cycles as they stream
  --serve [PORT]    with --rate: serve the dashboard on 127.0.0.1:PORT (default ${DEFAULT_SERVE_PORT}) while it runs,
                    updating in place, with an Operations page (throughput, lag, latency, freshness)
  --json            print the summary as JSON`;

export const DASHBOARD_USAGE = `streamflow dashboard [--out DIR] [--serve [PORT]]
  Writes DIR/dashboard/index.html (default DIR .streamflow) from the Gold measure views of
  DIR/warehouse.duckdb: Executive Summary, User Engagement, Sales Performance, Product Analytics,
  Funnel, Customers and Data Health. One self-contained file: open it from disk, offline.
  --serve [PORT] also serves it on 127.0.0.1:PORT (default ${DEFAULT_SERVE_PORT}) until Ctrl-C, re-reading the
  warehouse when it changes (e.g. after streamflow refresh) and updating the page in place.`;
