"""Small infrastructure shared by stages: SQLite access, atomic files, subprocesses."""
