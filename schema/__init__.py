"""Schema operations the apps' migrations share; imports no app."""
