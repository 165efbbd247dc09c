"""Answering as a pipeline: a question becomes one `QueryPlan` (rag.answer.plan), then an ordered list of
strategies (rag.answer.engine.AnswerEngine.strategies) is tried; the first that answers wins.

Modules: `plan` (validation, follow-up rewrite, route: computed once), `base` (the Strategy protocol, the
composed-answer adapter), `ports` (what strategies need from the retriever), `sources` (numbered evidence quoted
for prompts), `search` (retrieval with query understanding), one module per answer mode (`guards`, `tasks`,
`section`, `metadata`, `directive`, `cross_plan`, `generated`, with `linked` for extractive-first facts) and
`engine` (wiring and order).

A new strategy is one line in `AnswerEngine.__init__`'s list; a function shaped like
`rag.tasks_answer.tasks_composed` plugs in through `rag.answer.base.FunctionStrategy`.
"""
