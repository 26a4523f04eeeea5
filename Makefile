# Switchboard: the two commands a fresh Debian machine with the Swift toolchain needs.
#   make run    installs what is missing, builds, regenerates Generated/, and runs the event-booking
#               example: nats-server, redis-server, the auth/events/bookings services and the gateway
#   make test   installs what is missing, builds, checks Generated/ is fresh, runs every test
SHELL := /bin/bash
.DEFAULT_GOAL := help

SWIFT ?= swift
PYTHON ?= python3
APT_PACKAGES := libyaml-dev pkg-config nats-server redis-server libhiredis-dev libsqlite3-dev
# The tests check the exported OpenAPI document with the OpenAPI Initiative's validator, and
# fuzz the running gateway against it with schemathesis.
TEST_PIP_PACKAGES := openapi_spec_validator:openapi-spec-validator schemathesis:schemathesis
# make bench also runs the peers' nats.go and nats-py programs, their Go and FastAPI gateways under wrk,
# and reads peak RSS with GNU time.
BENCH_APT_PACKAGES := golang-go golang-github-nats-io-go-nats-dev time gcc wrk curl
BENCH_PIP_PACKAGES := nats:nats-py pydantic:pydantic redis:redis fastapi:fastapi uvicorn:uvicorn
BIN = $(shell $(SWIFT) build --show-bin-path 2>/dev/null)/switchboard
# Suites that load both cores for a while (a fuzzer, load tests, 64 MiB payloads): run after the others,
# one at a time, so that their load does not make the timeouts of the parallel suites or of each other.
SOLO_TESTS := SchemathesisTests|ShutdownUnderLoadTests|NATSLameDuckLoadTests|NATSLargePayloadTests

.PHONY: help deps bench-deps build generate check-generated run test bench clean

help:
	@echo "make run     install missing packages, build, generate, run nats-server, redis-server and the example services behind the gateway on :8080"
	@echo "make test    install missing packages, build, check Generated/ is fresh, run all tests"
	@echo "make bench   validators, generator, NATS and Redis clients, HTTP gateway beside their peers (release"
	@echo "             build; ONLY=\"validation generator nats redis gateway\" picks parts, RUNS=3, DUR=10)"

deps:
	@scripts/install-deps.sh $(APT_PACKAGES) $(addprefix --pip=,$(TEST_PIP_PACKAGES))

bench-deps: deps
	@scripts/install-deps.sh $(BENCH_APT_PACKAGES) $(addprefix --pip=,$(BENCH_PIP_PACKAGES))

build: deps
	$(SWIFT) build --product switchboard

generate: build
	$(BIN) generate

check-generated: build
	$(BIN) generate --check

run: generate
	$(SWIFT) build
	BIN="$$($(SWIFT) build --show-bin-path)" scripts/run.sh

test: check-generated
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --parallel --skip '$(SOLO_TESTS)' 2>&1 | tee .build/test.log; \
	status=$${PIPESTATUS[0]}; \
	$(SWIFT) test --skip-build --no-parallel --filter '$(SOLO_TESTS)' 2>&1 | tee -a .build/test.log; \
	exit $$(( status || $${PIPESTATUS[0]} ))

bench: bench-deps
	scripts/bench.sh

clean:
	rm -rf .build Benchmarks/.build
