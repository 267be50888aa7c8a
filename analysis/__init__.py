"""Pure analysis of survey responses: DataFrame in, table, figure or file out.

Imports neither flask nor surveyapp, so a notebook can use it on a response file::

    from analysis.responses import read_responses
    from analysis.frames import valid_only
    from analysis.tables import all_tables
"""
