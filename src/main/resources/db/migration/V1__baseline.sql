-- BotOps Console baseline schema.
-- Released migrations are never edited; later changes go into new V<n>__*.sql files.
-- Version ranges: 1.x spine, 2.x monitor, 3.x maintenance, 4.x bot, 5.x http/ui.

-- ---------------------------------------------------------------------------
-- The paper-trading bot
-- ---------------------------------------------------------------------------
CREATE TABLE users (
    user_id     bigint PRIMARY KEY,                -- Telegram user id
    chat_id     bigint        NOT NULL,
    username    text,
    balance     numeric(20, 4) NOT NULL CHECK (balance >= 0),
    created_at  timestamptz   NOT NULL DEFAULT now()
);

CREATE TABLE positions (
    user_id     bigint        NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    symbol      text          NOT NULL,
    quantity    numeric(20, 8) NOT NULL CHECK (quantity >= 0),
    avg_price   numeric(20, 4) NOT NULL CHECK (avg_price >= 0),
    updated_at  timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, symbol)
);

CREATE TABLE trades (
    trade_id    bigserial     PRIMARY KEY,
    user_id     bigint        NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    update_id   bigint        NOT NULL,
    symbol      text          NOT NULL,
    side        text          NOT NULL CHECK (side IN ('BUY', 'SELL')),
    quantity    numeric(20, 8) NOT NULL CHECK (quantity > 0),
    price       numeric(20, 4) NOT NULL CHECK (price > 0),
    amount      numeric(20, 4) NOT NULL,
    executed_at timestamptz   NOT NULL DEFAULT now()
);
CREATE INDEX trades_user_time_idx ON trades (user_id, executed_at DESC);
CREATE UNIQUE INDEX trades_update_idx ON trades (update_id);

-- Exactly-once: the update id is recorded in the same transaction as its effects.
CREATE TABLE processed_updates (
    update_id    bigint       PRIMARY KEY,
    chat_id      bigint,
    reply        text,
    processed_at timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX processed_updates_time_idx ON processed_updates (processed_at);

-- The bot's confirmed getUpdates offset, so a restart resumes where the last commit left off.
CREATE TABLE bot_offsets (
    bot_id       text         PRIMARY KEY,
    next_offset  bigint       NOT NULL,
    updated_at   timestamptz  NOT NULL DEFAULT now()
);

-- High-volume, append-only tables are range-partitioned by time so that retention can drop whole
-- partitions (space goes back to the quota at once). The DEFAULT partition guarantees that an insert
-- never fails for want of a partition; maintenance creates the daily partitions ahead of time.
CREATE TABLE price_ticks (
    symbol      text          NOT NULL,
    price       numeric(20, 4) NOT NULL,
    ts          timestamptz   NOT NULL DEFAULT now()
) PARTITION BY RANGE (ts);
CREATE TABLE price_ticks_default PARTITION OF price_ticks DEFAULT;
CREATE INDEX price_ticks_symbol_ts_idx ON price_ticks (symbol, ts DESC);

CREATE TABLE message_log (
    update_id   bigint,
    chat_id     bigint,
    user_id     bigint,
    direction   text          NOT NULL CHECK (direction IN ('IN', 'OUT')),
    text        text,
    logged_at   timestamptz   NOT NULL DEFAULT now()
) PARTITION BY RANGE (logged_at);
CREATE TABLE message_log_default PARTITION OF message_log DEFAULT;
CREATE INDEX message_log_time_idx ON message_log (logged_at);

-- ---------------------------------------------------------------------------
-- The app's own tables
-- ---------------------------------------------------------------------------
-- One row per lease name (e.g. 'bot:<token hash>'); no connection is held: holders renew by UPDATE.
CREATE TABLE instance_lease (
    lease_name   text         PRIMARY KEY,
    holder_id    text         NOT NULL,
    holder_host  text         NOT NULL,
    holder_pid   bigint       NOT NULL,
    acquired_at  timestamptz  NOT NULL,
    heartbeat_at timestamptz  NOT NULL,
    expires_at   timestamptz  NOT NULL
);

CREATE TABLE metric_samples (
    sampled_at          timestamptz NOT NULL,
    database_bytes      bigint      NOT NULL,
    quota_bytes         bigint      NOT NULL,
    connections_total   integer     NOT NULL,
    connections_active  integer     NOT NULL,
    connections_idle    integer     NOT NULL,
    connections_idle_tx integer     NOT NULL,
    connections_ours    integer     NOT NULL,
    connections_limit   integer     NOT NULL
) PARTITION BY RANGE (sampled_at);
CREATE TABLE metric_samples_default PARTITION OF metric_samples DEFAULT;
CREATE INDEX metric_samples_time_idx ON metric_samples (sampled_at);

CREATE TABLE maintenance_runs (
    run_id        bigserial    PRIMARY KEY,
    kind          text         NOT NULL,
    trigger       text         NOT NULL,
    caller        text,
    dry_run       boolean      NOT NULL DEFAULT false,
    started_at    timestamptz  NOT NULL DEFAULT now(),
    finished_at   timestamptz,
    outcome       text         NOT NULL DEFAULT 'RUNNING',
    rows_deleted  bigint       NOT NULL DEFAULT 0,
    bytes_before  bigint,
    bytes_after   bigint,
    details       jsonb,
    error         text
);
CREATE INDEX maintenance_runs_started_idx ON maintenance_runs (started_at DESC);

CREATE TABLE alerts (
    alert_id     bigserial    PRIMARY KEY,
    rule_id      text         NOT NULL,          -- stable id, e.g. 'storage', 'dead-rows:public.message_log'
    severity     text         NOT NULL CHECK (severity IN ('INFO', 'WARNING', 'CRITICAL')),
    message      text         NOT NULL,
    hint         text,
    first_seen   timestamptz  NOT NULL DEFAULT now(),
    last_seen    timestamptz  NOT NULL DEFAULT now(),
    resolved_at  timestamptz
);
CREATE UNIQUE INDEX alerts_one_active_per_rule ON alerts (rule_id) WHERE resolved_at IS NULL;
CREATE INDEX alerts_resolved_idx ON alerts (resolved_at);
