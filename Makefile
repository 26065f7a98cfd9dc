# The two commands of README.md: `make run` and `make test`. Both set up what is missing first.
PY := .venv/bin/python
RASA := .venv/bin/rasa

.PHONY: setup run test test-fast test-topology lint nlu-eval train clean

setup:
	@./scripts/setup.sh

run: setup
	@$(PY) -m bot.local.stack

test:
	@./scripts/setup.sh --test
	@$(MAKE) --no-print-directory lint
	$(RASA) data validate --config dialogue/config.yml --domain dialogue/domain.yml --data nlu_data dialogue/data
	$(PY) -m pytest -m "not topology"
	$(PY) -m pytest -m topology tests/topology

# Only the topology's tests: two of every service behind HAProxy, one of each tier killed in turn under load
# (tests/topology/test_kill.py), about 3 minutes. `make test` runs them last, in a pytest run of their own
# (their stack of two of each would otherwise run beside the session's stack).
test-topology:
	@./scripts/setup.sh --test
	$(PY) -m pytest -m topology tests/topology

# Unit and channel tests only, without the full stack or the model: seconds, not minutes.
test-fast: setup
	$(PY) -m pytest -m "not stack and not model"

# ruff: lint and formatting (pyproject.toml, line length 110); `make test` runs it first.
lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

# Intent accuracy of the trained model on the held-out NLU files.
nlu-eval: setup
	$(PY) -m bot.local.nlu_eval

train:
	@$(PY) -m bot.local.train --force

clean:
	rm -rf run/ models/ .rasa/ .pytest_cache/
