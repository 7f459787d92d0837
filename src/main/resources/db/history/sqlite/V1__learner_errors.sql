-- One row per error of a correction that was answered. INTEGER PRIMARY KEY is SQLite's rowid:
-- each insert takes the largest id plus one, so ids give the order the errors were recorded in.
CREATE TABLE learner_error (
    id          INTEGER PRIMARY KEY,
    learner_id  VARCHAR(128) NOT NULL,
    answer_id   VARCHAR(36)  NOT NULL,
    error_type  VARCHAR(32)  NOT NULL,
    recorded_at TIMESTAMP    NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- Every query reads one learner's newest rows.
CREATE INDEX learner_error_by_learner ON learner_error (learner_id, id);
