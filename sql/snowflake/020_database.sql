-- The medallion layers. Managed access: grants on objects inside are decided by the schema owner
-- (the deploying role), never by whoever happens to own a table; it also lets the owner define
-- the reader's future grants on Gold without the account-wide MANAGE GRANTS privilege.
create database if not exists &{database};

use database &{database};

create schema if not exists bronze with managed access;
create schema if not exists silver with managed access;
create schema if not exists gold with managed access;
