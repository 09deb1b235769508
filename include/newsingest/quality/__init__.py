"""The run's quality: figures per source, the gate's decision, the day reconciliation and the run report.

- :mod:`.figures`: figures per source from the stage summaries and output files.
- :mod:`.thresholds`: the bounds per figure and the findings that break them.
- :mod:`.gate`: :func:`~.gate.decide_run`, what the DAG's ``quality_gate`` task runs.
- :mod:`.reconcile`: every article the run produced is in the index as produced.
- :mod:`.report`: the gate's record (``quality.json``) and publishing the run report;
  :mod:`.render_md` and :mod:`.render_html` render it, :mod:`.runs_index` indexes it.
"""
