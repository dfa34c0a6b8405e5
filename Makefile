# filet - build, run and test. Plain make + pkg-config.
#
#   make run     install what is missing, build, create a demo database, serve
#   make test    install what is missing, build, run every suite (also under ASan+UBSan)
#   make         build build/filet
#   make asan    build build-asan/filet (AddressSanitizer + UBSan)
#   make lint    banned functions + cppcheck
#   make fuzz    each libFuzzer target for FUZZ_SECONDS (default 60)
#   make bench   wrk against filet and a bare libmicrohttpd page
#
# Sources are discovered: every src/**/*.c goes into libfilet.a (src/main.c into
# the binary), every tests/unit/test_*.c is a cmocka program, every
# tests/fuzz/fuzz_*.c a libFuzzer target.

BUILD    ?= build
SANITIZE ?=
CC       ?= cc
PREFIX   ?= /usr/local
PKGS     := libmicrohttpd sqlite3 libsodium jansson libcmark liboath libqrencode libcurl
VERSION  := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
SHAREDIR ?= $(CURDIR)

WARN   := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
          -Wformat=2 -Wvla -Wno-unused-parameter
HARDEN := -fstack-protector-strong -fPIE
ifeq ($(SANITIZE),1)
OPT    := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
LDSAN  := -fsanitize=address,undefined
else
OPT    := -O2 -g -D_FORTIFY_SOURCE=2
LDSAN  :=
endif
CPPFLAGS += -D_GNU_SOURCE -Isrc -I$(BUILD)/gen -DFILET_VERSION='"$(VERSION)"' \
            -DFILET_SHAREDIR='"$(SHAREDIR)"'
CFLAGS   += -std=c11 $(OPT) $(WARN) $(HARDEN) $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDFLAGS  += $(LDSAN) -pie -Wl,-z,relro,-z,now
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm

SRC_ALL  := $(shell find src -name '*.c' | sort)
LIB_SRC  := $(filter-out src/main.c,$(SRC_ALL))
MIGRATIONS := $(sort $(wildcard src/store/migrations/*.sql))
GEN_SRC  := $(BUILD)/gen/migrations.c
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/migrations.o
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
PO       := $(wildcard po/*.po)
MO       := $(PO:po/%.po=$(BUILD)/locale/%/LC_MESSAGES/filet.mo)

.PHONY: all run test asan lint fuzz fuzz-smoke bench setup unit http browser \
        asan-test clean po-check vendor
all: $(BUILD)/filet $(MO) vendor

$(BUILD)/filet: $(BUILD)/obj/src/main.o $(BUILD)/libfilet.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libfilet.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "CC $<"
	@$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/obj/gen/migrations.o: $(GEN_SRC)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# Migrations are compiled into the binary so it knows the newest schema it
# understands and refuses a database newer than itself.
$(GEN_SRC): $(MIGRATIONS) scripts/embed.sh
	@mkdir -p $(dir $@)
	sh scripts/embed.sh store_migrations $(MIGRATIONS) > $@.tmp && mv $@.tmp $@

$(BUILD)/locale/%/LC_MESSAGES/filet.mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

# Pico CSS and htmx come pinned from npm (package.json) and are copied here.
vendor: web/static/vendor/pico.min.css web/static/vendor/htmx.min.js
web/static/vendor/pico.min.css: node_modules/@picocss/pico/css/pico.min.css
	@mkdir -p $(dir $@)
	cp $< $@
web/static/vendor/htmx.min.js: node_modules/htmx.org/dist/htmx.min.js
	@mkdir -p $(dir $@)
	cp $< $@
node_modules/%:
	@echo "missing $@: run scripts/setup.sh (make run / make test do)" >&2; exit 1

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libfilet.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Wno-missing-prototypes $(shell pkg-config --cflags cmocka) \
	    $(LDFLAGS) -o $@ $< $(BUILD)/libfilet.a $(shell pkg-config --libs cmocka) $(LDLIBS)

setup:
	sh scripts/setup.sh

run: setup
	$(MAKE) all
	sh scripts/run.sh

test: setup
	bash scripts/test.sh

unit: $(UNIT_BIN) $(MO)
	sh scripts/run-unit.sh $(BUILD)

http: all
	FILET_BIN=$(BUILD)/filet sh scripts/run-node.sh tests/http

browser: all
	FILET_BIN=$(BUILD)/filet sh scripts/run-node.sh tests/browser

asan:
	$(MAKE) BUILD=build-asan SANITIZE=1 all

asan-test:
	$(MAKE) BUILD=build-asan SANITIZE=1 unit http

lint:
	sh scripts/lint.sh

po-check: $(MO)
	sh scripts/po-check.sh

FUZZ_SECONDS ?= 60
fuzz:
	sh scripts/fuzz.sh $(FUZZ_SECONDS)
fuzz-smoke:
	sh scripts/fuzz.sh 10

bench: all
	sh scripts/bench.sh

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
