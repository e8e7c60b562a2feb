# bib — build, test and tooling for the PostgreSQL extension, the SQLite
# extension and the shared crypto core.
#
#   make            core library, PostgreSQL module (PGXS), SQLite module
#   make install    install the PostgreSQL extension
#   make test       install missing packages, build, install, run every test
#   make demo       install missing packages, build, show bib on SQLite and PostgreSQL
#   make test-asan  core and SQLite tests under ASan+UBSan
#   make fuzz       libFuzzer harnesses, FUZZ_SECONDS each
#   make bench      benchmarks against pgcrypto and plain PostgreSQL
#   make format / make lint
#
# The PGXS part is included only when pg_config and the server headers are
# present, so that `make deps` can run on a machine that has neither yet.

# BUILD and SQLITE_SO move every non-PGXS artefact, so that the sanitizer
# build (build/asan) lives beside the normal one.
BUILD ?= build
SQLITE_SO ?= sqlite_ext/bib.so
CORE_LIB = $(BUILD)/libbibcore.a

EXTENSION  = bib
EXTVERSION = 0.1.0

# ---- PostgreSQL module (PGXS) ---------------------------------------------
MODULE_big = bib
OBJS = $(patsubst %.c,%.o,$(sort $(wildcard pg_ext/*.c)))
# The install script is assembled from its parts, one per feature.
DATA_built = sql/bib--$(EXTVERSION).sql
PGFILEDESC = "bib - storage security: encryption, audit, roles"

# One pg_regress suite per tests/pg/sql/*.sql.
REGRESS = $(sort $(basename $(notdir $(wildcard tests/pg/sql/*.sql))))
REGRESS_OPTS = --inputdir=tests/pg --outputdir=build/pg_regress --load-extension=bib

PG_CPPFLAGS = -I$(CURDIR)/shared
SHLIB_LINK = $(CURDIR)/build/libbibcore.a -lsodium -lpthread
EXTRA_CLEAN = build sqlite_ext/bib.so

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
ifneq ($(wildcard $(PGXS)),)
include $(PGXS)
$(shlib): $(CORE_LIB)
# PGXS tracks no header dependencies: a changed struct must rebuild every user.
$(OBJS): $(wildcard pg_ext/*.h) $(CORE_HDR)
all: $(SQLITE_SO)
else
all: $(CORE_LIB) $(SQLITE_SO)
endif

sql/bib--$(EXTVERSION).sql: $(sort $(wildcard sql/src/*.sql))
	cat $^ > $@

# ---- the core: libsodium and libc only --------------------------------------
VECTORS ?= $(abspath ../shared/vectors)
CORE_SRC = $(wildcard shared/*.c)
CORE_HDR = $(wildcard shared/*.h)
BIB_CC ?= cc
BIB_CFLAGS = -std=c11 -D_GNU_SOURCE -O2 -g -fPIC -Wall -Wextra -Wpedantic -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Werror=implicit-function-declaration -Werror=vla \
	-fstack-protector-strong -D_FORTIFY_SOURCE=2

$(BUILD)/core/%.o: shared/%.c $(CORE_HDR)
	@mkdir -p $(dir $@)
	$(BIB_CC) $(BIB_CFLAGS) -Ishared -c $< -o $@

$(CORE_LIB): $(patsubst shared/%.c,$(BUILD)/core/%.o,$(CORE_SRC))
	rm -f $@
	ar rcs $@ $^

# ---- SQLite module ----------------------------------------------------------
SQLITE_SRC = $(wildcard sqlite_ext/*.c)
$(SQLITE_SO): $(SQLITE_SRC) $(wildcard sqlite_ext/*.h) $(CORE_LIB)
	$(BIB_CC) $(BIB_CFLAGS) -shared -Ishared -o $@ $(SQLITE_SRC) $(CORE_LIB) -lsodium -lpthread

# ---- unit tests (cmocka) ----------------------------------------------------
UNIT_TESTS = $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/test_*.c))
UNIT_SUPPORT = $(filter-out tests/unit/test_%.c,$(wildcard tests/unit/*.c))

$(BUILD)/unit/%: tests/unit/%.c $(UNIT_SUPPORT) $(wildcard tests/unit/*.h) $(CORE_LIB)
	@mkdir -p $(dir $@)
	$(BIB_CC) $(BIB_CFLAGS) -Ishared -Itests/unit -o $@ $< $(UNIT_SUPPORT) $(CORE_LIB) -lcmocka -lsodium -lpthread

.PHONY: deps test demo test-unit test-sqlite test-pg test-asan fuzz bench format lint check-vectors

deps:
	@sh tools/deps.sh

check-vectors:
	@test -d "$(VECTORS)/bib" || { echo "bib: test vectors not found at $(VECTORS) (set VECTORS=...)" >&2; exit 1; }

test-unit: check-vectors $(UNIT_TESTS)
	@sh tests/unit/run.sh "$(VECTORS)" $(UNIT_TESTS)

test-sqlite: check-vectors $(SQLITE_SO)
	@sh tests/sqlite/run.sh "$(VECTORS)" "$(SQLITE_SO)"

# pg_regress, then the cross-engine tests, against a throwaway cluster.
test-pg: check-vectors
	@sh tests/pg/run.sh "$(VECTORS)"

test:
	@sh tools/deps.sh --quiet
	$(MAKE) all
	$(MAKE) install
	@sh tests/run_all.sh "$(VECTORS)"

demo:
	@sh tools/deps.sh --quiet
	$(MAKE) all
	$(MAKE) install
	@sh tools/demo.sh

# ---- sanitizers, fuzzing, benchmarks, style --------------------------------
ASAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
ASAN_MAKE = $(MAKE) BUILD=build/asan SQLITE_SO=build/asan/bib.so BIB_CFLAGS="$(BIB_CFLAGS) $(ASAN_FLAGS)"
# The sqlite3 shell is not instrumented, so the runtime is preloaded into it.
test-asan: check-vectors
	@sh tools/deps.sh --quiet
	$(ASAN_MAKE) test-unit
	$(ASAN_MAKE) build/asan/bib.so
	ASAN_OPTIONS=detect_leaks=0 BIB_SQLITE_PRELOAD="$$($(BIB_CC) -print-file-name=libasan.so) $$($(BIB_CC) -print-file-name=libubsan.so)" \
		sh tests/sqlite/run.sh "$(VECTORS)" build/asan/bib.so

FUZZ_SECONDS ?= 60
fuzz: check-vectors
	@sh tests/fuzz/run.sh "$(VECTORS)" "$(FUZZ_SECONDS)"

bench:
	@sh tools/deps.sh --quiet
	$(MAKE) all
	$(MAKE) install
	@sh bench/run.sh

format:
	clang-format -i shared/*.c shared/*.h pg_ext/*.c pg_ext/*.h sqlite_ext/*.c sqlite_ext/*.h \
		tests/unit/*.c tests/unit/*.h tests/fuzz/*.c tests/fuzz/*.h bench/*.c

lint:
	cppcheck --enable=warning,style,performance,portability --error-exitcode=1 \
		--inline-suppr --suppress=missingIncludeSystem -D_GNU_SOURCE -Ishared shared/

print-regress:
	@echo $(REGRESS)
