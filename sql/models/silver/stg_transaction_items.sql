-- grain: one row per item of a transaction (transaction_id, line_number), taken from the same first loaded copy as stg_transactions
with

source as (

    select * from bronze.raw_transactions

),

-- the copy of each transaction Silver kept (refreshed just before this model, in the same task);
-- a copy delivered again in a later batch is not it, so its items never join an earlier header
kept_headers as (

    select transaction_id, source_file, source_row_number from silver.stg_transactions

),

first_deliveries as (

    select
        trim(transaction_id) as transaction_id,
        products,
        _source_file as source_file,
        _source_row_number as source_row_number,
        _loaded_at as loaded_at

    from source

    qualify row_number() over (
        partition by trim(transaction_id)
        order by _loaded_at, _source_file, _source_row_number
    ) = 1

),

transactions as (

    select first_deliveries.*
    from first_deliveries
    inner join kept_headers
        on kept_headers.transaction_id = first_deliveries.transaction_id
        and kept_headers.source_file = first_deliveries.source_file
        and kept_headers.source_row_number = first_deliveries.source_row_number

),

flattened as (

    {{ flatten_transaction_products }}

),

typed as (

    select
        transaction_id,
        cast(item_index as integer) + 1 as line_number,
        trim(item_product_id) as product_id,
        try_cast(item_quantity as integer) as quantity,
        try_cast(item_unit_price as decimal(12, 2)) as unit_price,
        source_file,
        source_row_number,
        loaded_at

    from flattened

),

priced as (

    select
        transaction_id,
        line_number,
        product_id,
        quantity,
        unit_price,
        cast(quantity * unit_price as decimal(12, 2)) as line_amount,
        source_file,
        source_row_number,
        loaded_at

    from typed

)

select * from priced
