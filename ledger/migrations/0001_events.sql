-- The billing record: every event a tcredit client records, once.
CREATE TABLE tcredit_billing_events (
	id          bigserial PRIMARY KEY,
	attempt     text NOT NULL DEFAULT '',
	kind        text NOT NULL CHECK (kind IN ('attempt', 'created', 'unknown', 'refused', 'succeeded', 'failed')),
	app_id      text NOT NULL DEFAULT '',
	area_code   text NOT NULL DEFAULT '',
	tid         text NOT NULL DEFAULT '',
	seq_num     text NOT NULL DEFAULT '',
	code        integer NOT NULL DEFAULT 0,
	at          timestamptz NOT NULL,
	day         date NOT NULL, -- the China-time (+08:00) day of at
	recorded_at timestamptz NOT NULL DEFAULT now()
);

-- A create's events are one per attempt and kind; a task's end is one per tid and kind.
CREATE UNIQUE INDEX tcredit_billing_events_create ON tcredit_billing_events (attempt, kind)
	WHERE kind IN ('attempt', 'created', 'unknown', 'refused');
CREATE UNIQUE INDEX tcredit_billing_events_end ON tcredit_billing_events (tid, kind)
	WHERE kind IN ('succeeded', 'failed');
CREATE INDEX tcredit_billing_events_tid ON tcredit_billing_events (tid) WHERE tid <> '';
CREATE INDEX tcredit_billing_events_day ON tcredit_billing_events (day) WHERE kind = 'attempt';

-- One row per attempt: its outcome, its task and the task's end. An attempt without a
-- recorded outcome is unknown (the process may have stopped after sending it), unless
-- an end names it, which makes it created.
CREATE VIEW tcredit_billing_attempts AS
SELECT a.attempt, a.app_id, a.area_code, a.at, a.day,
	coalesce(o.kind, CASE WHEN n.tid IS NULL THEN 'unknown' ELSE 'created' END) AS outcome,
	coalesce(nullif(o.tid, ''), n.tid, '') AS tid,
	coalesce(o.seq_num, '') AS seq_num,
	e.kind AS end_kind,
	e.code AS end_code
FROM tcredit_billing_events a
LEFT JOIN LATERAL (
	SELECT o.kind, o.tid, o.seq_num FROM tcredit_billing_events o
	WHERE o.attempt = a.attempt AND o.kind IN ('created', 'unknown', 'refused')
	ORDER BY o.kind = 'created' DESC, o.id LIMIT 1
) o ON true
LEFT JOIN LATERAL (
	SELECT n.tid FROM tcredit_billing_events n
	WHERE n.attempt = a.attempt AND n.kind IN ('succeeded', 'failed') ORDER BY n.id LIMIT 1
) n ON true
LEFT JOIN LATERAL (
	SELECT e.kind, e.code FROM tcredit_billing_events e
	WHERE e.tid = coalesce(nullif(o.tid, ''), n.tid) AND e.kind IN ('succeeded', 'failed')
	ORDER BY e.id LIMIT 1
) e ON true
WHERE a.kind = 'attempt';

-- The attempts of each China-time day, counted as they are inserted: the daily limit
-- reads and locks the day's row, so that processes sharing the database count as one.
CREATE TABLE tcredit_billing_days (
	day      date PRIMARY KEY,
	attempts bigint NOT NULL DEFAULT 0
);

CREATE FUNCTION tcredit_billing_count_attempt() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO tcredit_billing_days (day, attempts) VALUES (NEW.day, 1)
	ON CONFLICT (day) DO UPDATE SET attempts = tcredit_billing_days.attempts + 1;
	RETURN NULL;
END
$$;

CREATE TRIGGER tcredit_billing_count_attempt AFTER INSERT ON tcredit_billing_events
	FOR EACH ROW WHEN (NEW.kind = 'attempt') EXECUTE FUNCTION tcredit_billing_count_attempt();
