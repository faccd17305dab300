"""Running a training: the dataset group's snapshot, AWS's minimums, tuning, offline metrics."""
