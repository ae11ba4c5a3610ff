"""The trusted side of grading: the judge runs the kata's tests and watches the host from outside."""
