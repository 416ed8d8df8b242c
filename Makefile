# Twofold: the README's commands. Every target sets up what it needs first
# (scripts/bootstrap is idempotent and quick when nothing is missing).
.PHONY: run test bench fuzz sandbox bootstrap bindings bundle icons

bootstrap:
	@scripts/bootstrap

run: bootstrap
	@scripts/run

test: bootstrap
	@scripts/test

bench: bootstrap
	@scripts/bench

fuzz: bootstrap
	@scripts/fuzz

sandbox: bootstrap
	cargo run --release -p twofold-sandbox -- $(ARGS)

bindings: bootstrap
	@scripts/bindings

bundle: bootstrap
	@scripts/bundle

icons: bootstrap
	@scripts/icons
