"""What a run and its history tell a user: the run summary, health across runs, progress."""
