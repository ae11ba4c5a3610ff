"""The untrusted side of grading: what runs inside the graded process. Imports nothing else of the grader."""
