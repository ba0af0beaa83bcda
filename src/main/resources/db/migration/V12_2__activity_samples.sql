-- Unusual-activity alerts (issue 15): cumulative error counters, sampled by each instance every
-- alerts.unusual.every, so an error rate can be compared with its own 7-day norm. Pruned with the rest of the
-- monitor's history (monitor.history-retention).
CREATE TABLE activity_samples (
    instance      text         NOT NULL,
    sampled_at    timestamptz  NOT NULL,
    bot_updates   bigint,                 -- this process's bot counters since it started; NULL where no bot runs
    bot_errors    bigint,
    db_commits    bigint       NOT NULL,  -- pg_stat_database of this database (cumulative, the server's)
    db_rollbacks  bigint       NOT NULL,
    PRIMARY KEY (instance, sampled_at)
);
CREATE INDEX activity_samples_time_idx ON activity_samples (sampled_at);
