"""Answering as a pipeline: a question becomes one `QueryPlan` (rag.answer.plan), then an ordered list of
strategies (rag.answer.engine.AnswerEngine.strategies) is tried; the first that answers wins.

Modules: `plan` (validation, follow-up rewrite, route: computed once), `base` (Event, the Strategy protocol, the
composed-answer adapter), `sources` (numbered evidence quoted for prompts), `search` (retrieval with query
understanding), one module per answer mode (`guards`, `tasks`, `metadata`, `directive`, `cross_plan`,
`generated`) and `engine` (wiring and order).
"""
