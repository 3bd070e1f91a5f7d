"""The SQLite schema, created idempotently by every process that starts."""

import sqlite3

#: Bumped when the schema changes; stored in ``PRAGMA user_version``.
VERSION = 3

# ``seq`` is AUTOINCREMENT so that a sequence number is never reused after
# the newest message is deleted: markers (``seq`` as text) stay valid.
# Times are clock seconds (REAL). ``expires = created + ttl`` and
# ``visible = created + delay`` are stored so that the hot filters compare
# columns with one bound ``now``. ``claim_expires`` is 0 for a message no
# claim ever held, so "free" is simply ``claim_expires <= now``.
#
# Every index costs each post and delete a page write (about 10 us per
# batch): each one here serves a query the driver runs. Version 2 had a
# (project, queue) index for listing in plain FIFO order; listings walk
# messages_free instead (see rows.queue_seqs).
STATEMENTS = (
    """CREATE TABLE IF NOT EXISTS queues (
        project TEXT NOT NULL,
        name TEXT NOT NULL,
        metadata TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (project, name)
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS messages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL,
        project TEXT NOT NULL,
        queue TEXT NOT NULL,
        client_id TEXT NOT NULL,
        body TEXT NOT NULL,
        ttl INTEGER NOT NULL,
        created REAL NOT NULL,
        expires REAL NOT NULL,
        visible REAL NOT NULL,
        claim_id TEXT,
        claim_expires REAL NOT NULL DEFAULT 0,
        claim_count INTEGER NOT NULL DEFAULT 0
    )""",
    'CREATE UNIQUE INDEX IF NOT EXISTS messages_id ON messages (id)',
    'DROP INDEX IF EXISTS messages_queue',
    # The opportunistic clean-up finds expired messages with it.
    'CREATE INDEX IF NOT EXISTS messages_expires ON messages (expires)',
    # Claims, pops and listings walk the never-claimed (claim_expires =
    # 0, in seq order) and the claimed ranges of this index: claims and
    # pops never scan messages held by live claims, however many.
    """CREATE INDEX IF NOT EXISTS messages_free
        ON messages (project, queue, claim_expires)""",
    # Partial: posts never touch it, only claimed messages are in it.
    """CREATE INDEX IF NOT EXISTS messages_claim ON messages (claim_id)
        WHERE claim_id IS NOT NULL""",
    """CREATE TABLE IF NOT EXISTS claims (
        id TEXT PRIMARY KEY,
        project TEXT NOT NULL,
        queue TEXT NOT NULL,
        ttl INTEGER NOT NULL,
        grace INTEGER NOT NULL,
        updated REAL NOT NULL,
        expires REAL NOT NULL
    ) WITHOUT ROWID""",
    'CREATE INDEX IF NOT EXISTS claims_queue ON claims (project, queue)',
    'CREATE INDEX IF NOT EXISTS claims_expires ON claims (expires)',
)


def create(conn: sqlite3.Connection) -> None:
    """Create any missing table or index in one write transaction.

    ``BEGIN IMMEDIATE`` serialises processes that start at the same time
    on one file; ``IF NOT EXISTS`` makes the losers' work a no-op.
    """
    conn.execute('BEGIN IMMEDIATE')
    try:
        if conn.execute('PRAGMA user_version').fetchone()[0] < VERSION:
            for statement in STATEMENTS:
                conn.execute(statement)
            conn.execute('PRAGMA user_version = %d' % VERSION)
        conn.execute('COMMIT')
    except BaseException:
        if conn.in_transaction:
            conn.execute('ROLLBACK')
        raise
