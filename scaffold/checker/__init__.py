"""`scaffold check`: users' layers against the Keras 3 contract (scaffold/checker/contract.py).

The user's code runs in one child Python process per run, so that a module
that loops, exits, crashes or prints cannot take the command down with it:

  request.py   the options, parsed and validated in the parent (no Keras)
  runner.py    the child process: backend, time limits, the results channel
  child.py     inside the child: find the layers, infer what was not given,
  infer.py     run the contract, send one event per finding
  report.py    text and JSON output, exit codes
"""
