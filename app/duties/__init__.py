"""Platform duties on the record (issue #20): a checklist of what the AI provider had to do.

Qt-free. :mod:`app.duties.pages` reads page text from captures (links, visible labels,
warnings); :mod:`app.duties.refusals` recognises refusal responses in captures and campaign
tries; :mod:`app.duties.checks` computes the findings per platform and per check round and
records checks and operator findings; :mod:`app.duties.commands` is ``proofshot duties``.
"""
