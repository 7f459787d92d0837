-- One row per error of a correction that was answered. Several replicas insert at once: the
-- identity's sequence orders the errors of each learner closely enough for "most recent".
CREATE TABLE learner_error (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    learner_id  VARCHAR(128) NOT NULL,
    answer_id   VARCHAR(36)  NOT NULL,
    error_type  VARCHAR(32)  NOT NULL,
    recorded_at TIMESTAMPTZ  NOT NULL DEFAULT now()
);

-- Every query reads one learner's newest rows.
CREATE INDEX learner_error_by_learner ON learner_error (learner_id, id);
