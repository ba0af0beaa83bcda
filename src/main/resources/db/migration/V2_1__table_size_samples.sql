-- Monitor history: one size point per table and day, so growth per table can be shown and the fastest
-- growing tables named. The monitor writes the first snapshot of each (UTC) day and deletes points older
-- than monitor.history-retention itself, so the table stays bounded even when maintenance is off.
CREATE TABLE table_size_samples (
    sampled_on   date         NOT NULL,
    schema_name  text         NOT NULL,
    table_name   text         NOT NULL,
    sampled_at   timestamptz  NOT NULL,
    total_bytes  bigint       NOT NULL,
    estimated    boolean      NOT NULL DEFAULT false,   -- sizes from pg_class because the table was locked
    PRIMARY KEY (schema_name, table_name, sampled_on)
);
CREATE INDEX table_size_samples_day_idx ON table_size_samples (sampled_on);
