"""An interviewee's approval of an interview before it is published."""
