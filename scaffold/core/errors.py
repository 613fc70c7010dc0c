"""The two ways a run can fail, mapped by the CLI to exit codes 2 and 1."""


class ScaffoldError(Exception):
    """A refused or failed generation (exit code 1): nothing was written."""

    exit_code = 1


class UsageProblem(ScaffoldError):
    """Bad input: a name, an option or a combination of options (exit code 2)."""

    exit_code = 2
