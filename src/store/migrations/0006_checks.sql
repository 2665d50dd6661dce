-- Communication checks ("ping tests"): a campaign of the secretariat, the states and points of
-- contact it reaches, the mail it sent each of them, and every response that came back.

CREATE TABLE checks (
  id TEXT PRIMARY KEY,
  organisation_id TEXT NOT NULL REFERENCES organisations (id),
  title TEXT NOT NULL,
  task TEXT NOT NULL CHECK (task IN ('acknowledge', 'answer', 'bilateral', 'channel')),
  question TEXT NOT NULL DEFAULT '',
  expected_answer TEXT NOT NULL DEFAULT '',
  announced INTEGER NOT NULL CHECK (announced IN (0, 1)),
  -- the CheckTarget as JSON: {"states": [...], "regions": [...], "levels": [...]}
  target TEXT NOT NULL,
  -- as planned; empty until launch when it starts at launch
  starts_at TEXT NOT NULL DEFAULT '',
  window_hours INTEGER NOT NULL,
  reminder_percent INTEGER NOT NULL,
  escalate INTEGER NOT NULL CHECK (escalate IN (0, 1)),
  pairing_seed TEXT NOT NULL DEFAULT '',
  pair_across_regions INTEGER NOT NULL DEFAULT 0 CHECK (pair_across_regions IN (0, 1)),
  status TEXT NOT NULL
    CHECK (status IN ('draft', 'scheduled', 'running', 'closed', 'cancelled')),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  launched_at TEXT,
  -- each step is recorded in the transaction that does it, so a restart or a second instance
  -- finds it done
  started_at TEXT,
  reminded_at TEXT,
  escalated_at TEXT,
  closed_at TEXT,
  cancelled_at TEXT
);
CREATE INDEX checks_by_organisation ON checks (organisation_id, created_at);
CREATE INDEX checks_by_status ON checks (status, starts_at);

-- A state in a check: its bilateral code and partner, and when its leg was completed.
CREATE TABLE check_states (
  check_id TEXT NOT NULL REFERENCES checks (id),
  state TEXT NOT NULL REFERENCES states (alpha2),
  region TEXT NOT NULL DEFAULT '',
  code TEXT NOT NULL DEFAULT '',
  partner TEXT NOT NULL DEFAULT '',
  leg_completed_at TEXT,
  leg_recipient_id TEXT,
  PRIMARY KEY (check_id, state)
);

-- A point of contact (or national structure) the check went to, with what it was sent and
-- how it ended. Names and addresses are copied when the check starts: the result stays what
-- it was even after the directory changes.
CREATE TABLE check_recipients (
  id TEXT PRIMARY KEY,
  check_id TEXT NOT NULL REFERENCES checks (id),
  state TEXT NOT NULL,
  entry_id TEXT NOT NULL REFERENCES entries (id),
  level TEXT NOT NULL,
  name TEXT NOT NULL,
  address TEXT NOT NULL,
  time_zone TEXT NOT NULL DEFAULT '',
  -- primary: targeted from the start; escalation: mailed when nobody of its state answered
  role TEXT NOT NULL CHECK (role IN ('primary', 'escalation')),
  escalated_from TEXT,
  -- channel: the code to be confirmed over the phone
  code TEXT NOT NULL DEFAULT '',
  invited_at TEXT NOT NULL,
  deadline TEXT NOT NULL,
  reminded_at TEXT,
  outbox_id TEXT,
  answered_at TEXT,
  answer_channel TEXT,
  answer_text TEXT,
  answer_from TEXT,
  -- answer: accepted or rejected by the secretariat or by the expected answer; bilateral and
  -- channel: the code was right or wrong
  verdict TEXT NOT NULL DEFAULT '' CHECK (verdict IN ('', 'accepted', 'rejected')),
  completed_at TEXT,
  call_recorded_by TEXT,
  call_note TEXT,
  bounced_at TEXT,
  bounce_detail TEXT,
  auto_reply_at TEXT
);
CREATE INDEX check_recipients_by_check ON check_recipients (check_id, state);
CREATE INDEX check_recipients_by_entry ON check_recipients (entry_id, invited_at);

-- Every mail a check queued (invitation, announcement, reminder, escalation): how an answer or
-- bounce that names the mail's token finds its recipient.
CREATE TABLE check_mails (
  outbox_id TEXT PRIMARY KEY REFERENCES outbox (id),
  recipient_id TEXT NOT NULL REFERENCES check_recipients (id),
  purpose TEXT NOT NULL CHECK (purpose IN ('announcement', 'invitation', 'reminder', 'escalation'))
);
CREATE INDEX check_mails_by_recipient ON check_mails (recipient_id);

-- What came back, as it came: answers by link or mail, calls the secretariat recorded,
-- auto-replies and bounces. `counted` is 0 for what never counts as the recipient's answer
-- (auto-replies, bounces, answers from addresses that are not its state's listed PoCs).
CREATE TABLE check_responses (
  id TEXT PRIMARY KEY,
  check_id TEXT NOT NULL REFERENCES checks (id),
  recipient_id TEXT NOT NULL REFERENCES check_recipients (id),
  received_at TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('link', 'mail', 'call')),
  kind TEXT NOT NULL CHECK (kind IN ('answer', 'auto_reply', 'bounce')),
  from_address TEXT NOT NULL DEFAULT '',
  text TEXT NOT NULL DEFAULT '',
  counted INTEGER NOT NULL CHECK (counted IN (0, 1)),
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX check_responses_by_check ON check_responses (check_id, received_at);
