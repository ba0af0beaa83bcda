-- Demo data (offered by the dashboard on a first run in the sandbox): which history window it filled, so
-- "remove demo data" deletes exactly the synthetic rows. Rows tied to users are found by the reserved user
-- id range instead (see dev.botops.app.demo.DemoData); the time window covers the tables without users
-- (metric_samples, price_ticks). At most one demo install at a time.
CREATE TABLE demo_data (
    id            integer      PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    installed_at  timestamptz  NOT NULL,
    history_from  timestamptz  NOT NULL,
    history_to    timestamptz  NOT NULL,
    CHECK (history_from < history_to)
);
