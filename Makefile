# The two commands of README.md: `make run` and `make test`. Both set up what is missing first.
PY := .venv/bin/python
RASA := .venv/bin/rasa

.PHONY: setup run test test-fast train clean

setup:
	@./scripts/setup.sh

run: setup
	@$(PY) -m bot.local.stack

test: setup
	$(RASA) data validate --config dialogue/config.yml --domain dialogue/domain.yml --data nlu_data dialogue/data
	$(PY) -m pytest

# Unit and channel tests only, without the full stack or the model: seconds, not minutes.
test-fast: setup
	$(PY) -m pytest -m "not stack and not model"

train:
	@$(PY) -m bot.local.train --force

clean:
	rm -rf run/ models/ .rasa/ .pytest_cache/
