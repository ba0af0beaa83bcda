-- Alerts that reach the operator (issue 15): acknowledgements, silences, and the delivery outbox that makes
-- each start, escalation, reminder and resolution reach each channel once, however many instances run.

-- "Seen, working on it": reminders stop for this episode; an escalation still goes out.
ALTER TABLE alerts ADD COLUMN acknowledged_by text, ADD COLUMN acknowledged_at timestamptz;

-- No deliveries for a rule (or a prefix ending in '*') until silenced_until. One row per rule: silencing
-- again replaces it; lifting it early keeps the row with silenced_until moved to the moment it was lifted.
CREATE TABLE alert_silences (
    rule_id         text         PRIMARY KEY,
    silenced_until  timestamptz  NOT NULL,
    silenced_by     text         NOT NULL,
    silenced_at     timestamptz  NOT NULL,
    lifted_by       text,
    lifted_at       timestamptz
);

-- One row per (alert episode, channel, event): the unique key is what makes a delivery happen once. An
-- instance claims a due row (claimed_by/claimed_until, a claim with expiry: no session lock), sends, and
-- marks it SENT; a failed attempt is rescheduled (next_attempt_at) until give_up_at, then marked FAILED.
-- A claim whose holder died expires and another instance takes the row over.
CREATE TABLE alert_deliveries (
    delivery_id      bigserial    PRIMARY KEY,
    alert_id         bigint       NOT NULL REFERENCES alerts (alert_id) ON DELETE CASCADE,
    channel          text         NOT NULL,
    event            text         NOT NULL,          -- 'start', 'escalation:CRITICAL', 'reminder:3', 'resolution'
    kind             text         NOT NULL CHECK (kind IN ('START', 'ESCALATION', 'REMINDER', 'RESOLUTION')),
    rule_id          text         NOT NULL,
    severity         text         NOT NULL CHECK (severity IN ('INFO', 'WARNING', 'CRITICAL')),
    message          text         NOT NULL,
    hint             text,
    state            text         NOT NULL DEFAULT 'PENDING' CHECK (state IN ('PENDING', 'SENT', 'FAILED')),
    created_at       timestamptz  NOT NULL DEFAULT now(),
    attempts         integer      NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz  NOT NULL DEFAULT now(),
    give_up_at       timestamptz  NOT NULL,
    claimed_by       text,
    claimed_until    timestamptz,
    done_at          timestamptz,
    sent_by          text,
    last_error       text,
    UNIQUE (alert_id, channel, event)
);
CREATE INDEX alert_deliveries_pending_idx ON alert_deliveries (next_attempt_at) WHERE state = 'PENDING';
CREATE INDEX alert_deliveries_done_idx ON alert_deliveries (done_at);
