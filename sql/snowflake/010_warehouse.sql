-- Compute for the loader's COPY and the refresh tasks: the smallest size, suspended after 60 s
-- idle. The tasks only wake it when a stream has data, so a quiet pipeline costs no credits.
create warehouse if not exists &{warehouse}
    warehouse_size = 'XSMALL'
    auto_suspend = 60
    auto_resume = true
    initially_suspended = true;

-- Re-applied on every deploy: a warehouse resized or left running by hand returns to the design.
alter warehouse &{warehouse} set
    warehouse_size = 'XSMALL'
    auto_suspend = 60
    auto_resume = true;

use warehouse &{warehouse};
