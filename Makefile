# `make run` starts the whole system; `make test` installs what the tests need and runs them;
# `make bench` runs every benchmark.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
RANGE_STORE := $(VENV)/share/custodian/pwned-ranges.sqlite
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard web/translations/*/LC_MESSAGES/messages.po))

.PHONY: run test test-db bench screenshots videos guide-screenshots install chromium ffmpeg extract-messages clean

run: install
	$(PY) -m embedded

test: install chromium
	$(PY) -m pytest $(PYTEST_ARGS)

# The database-touching tests again, on PostgreSQL (TEST_DATABASE_URL must be set).
test-db: install
	$(PY) -m pytest -m "not browser and not unit and not no_database" $(PYTEST_ARGS)

# Every benchmark in bench/ (each module but the package and its timing helper), one after the
# other so none slows another down: each one's summary line here, its whole output in var/bench/.
BENCHES := $(filter-out __init__ measure,$(basename $(notdir $(wildcard bench/*.py))))

bench: install
	@mkdir -p var/bench; failed=0; \
	for name in $(BENCHES); do \
		if $(PY) -m bench.$$name >var/bench/$$name.log 2>&1; then tail -n 1 var/bench/$$name.log; \
		else failed=1; echo "$$name: FAILED, see var/bench/$$name.log:"; tail -n 5 var/bench/$$name.log; fi; \
	done; exit $$failed

# Every page of the portal at 1366 and 390 px, in English and French, into var/screenshots/ (tests/screenshots.py).
screenshots: install chromium
	$(PY) -m tests.screenshots

# The training videos of the real portal (WebM, English and French WebVTT captions, posters, manifest)
# into web/static/training/videos/ (media/videos.py); `make videos ONLY=use-send` redoes one.
videos: install chromium ffmpeg
	$(PY) -m media.videos $(if $(ONLY),--only $(ONLY))

# The registration guide's screenshots, in English and French, into web/static/training/registration/
# (media/guide_screenshots.py).
guide-screenshots: install chromium
	$(PY) -m media.guide_screenshots

install: $(STAMP) $(CATALOGUES) $(RANGE_STORE)

# The exposed-passwords report's local range store (PWNED_RANGE_SOURCE=local, the default): zxcvbn's
# ranked common passwords as SHA-1 prefixes and suffixes, one SQLite file in the virtualenv.
$(RANGE_STORE): $(STAMP) gateway/health/range_store.py
	$(PY) -m gateway.health.range_store $@

$(STAMP): requirements.txt requirements-test.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-test.txt
	touch $(STAMP)

%.mo: %.po $(STAMP)
	$(VENV)/bin/pybabel compile --use-fuzzy -d web/translations -f >/dev/null

# Debian's Chromium, for the browser tests (Playwright drives it; it never downloads a browser).
chromium:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

# Debian's ffmpeg, which encodes the training videos' frames as WebM (VP9).
ffmpeg:
	@command -v ffmpeg >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg >/dev/null)

# Services' refusals are shown to people too: their messages are extracted from the error classes.
ERROR_KEYWORDS := Invalid NotFound Conflict Forbidden Unauthenticated ClientNameTaken SeatsBelowUsed EmailTaken ImportRefused __init__
extract-messages: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l $(foreach k,$(ERROR_KEYWORDS),-k $(k)) --no-location --sort-output -o web/translations/messages.pot .
	$(VENV)/bin/pybabel update -i web/translations/messages.pot -d web/translations

clean:
	rm -rf $(VENV) var
