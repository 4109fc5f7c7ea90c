"""Evaluations: the seed gold set, the external QA sets, the quotation set."""
