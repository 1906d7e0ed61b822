# SPDX-License-Identifier: GPL-2.0
#
# nat64: build the module and nat64ctl, run the tests.
#
#   make                 kernel/nat64.ko and kernel/xt_NAT64.ko (the
#                        xtables target; against KDIR), usr/nat64ctl and
#                        usr/libxt_NAT64.so (the iptables extension)
#   make check           userspace unit tests (ASan + UBSan)
#   make selftest        kselftest-style scripts in a QEMU VM, every kernel
#   make soak            soak.sh for SOAK_SECONDS (600), every kernel
#   make soak-debug      the same on the debug kernel
#   make selftest-debug  the same on a debug kernel (KASAN, kmemleak, lockdep,
#                        UBSAN, fault injection) built from linux-source
#   make test            both; ends with "N passed, N failed"
#   make demo            an IPv6-only host reaching an IPv4 host, in the VM
#   make bench           nat64 vs Jool vs forwarding, in VMs (bench/README)
#   make install         module (+ depmod), nat64ctl, libxt_NAT64.so
#   make deb             Debian packages nat64-dkms and nat64-tools in
#                        build/deb/ (packaging: scripts/debian)
#   make test-deb        deb.sh: install, use and purge them in the VM,
#                        every kernel (DKMS builds in the guest: long)
#
# KDIR defaults to the running kernel's build directory or, where it has
# none, the newest /lib/modules/*/build.

VERSION := 0.1.0
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
# iptables looks for extensions here (not under PREFIX).
XTLIBDIR ?= $(shell pkg-config --variable=xtlibdir xtables 2>/dev/null)

RUNNING_KDIR := /lib/modules/$(shell uname -r)/build
KDIR ?= $(if $(wildcard $(RUNNING_KDIR)/Makefile),$(RUNNING_KDIR),$(lastword $(sort $(wildcard /lib/modules/*/build))))
KVER_OF = $(notdir $(patsubst %/build,%,$(1)))

# Kernels the selftests run on: every installed 6.1 and 6.12 with headers.
KVERS ?= $(foreach d,$(sort $(wildcard /lib/modules/6.1.*/build /lib/modules/6.12.*/build)),$(call KVER_OF,$(d)))

KSRC := Kbuild $(wildcard kernel/*.c kernel/*.h) kernel/Kbuild include/uapi/nat64.h

.PHONY: all module nat64ctl modules-all modules-built demo-run check fuzz selftest selftest-fastpath selftest-debug soak soak-debug test \
	demo bench deb test-deb \
	install uninstall deps clean

all: module nat64ctl

deps:
	@scripts/deps

module: $(KSRC)
	@test -n "$(KDIR)" -a -e "$(KDIR)/Makefile" || { scripts/deps --check; \
		echo "no kernel build directory found (set KDIR=...)" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

nat64ctl:
	@pkg-config --exists libnl-genl-3.0 xtables || scripts/deps
	$(MAKE) -C usr VERSION=$(VERSION) SBINDIR=$(SBINDIR)

# One out-of-tree build per kernel, each in its own copy of the sources.
build/%/nat64.ko: $(KSRC)
	@test -e /lib/modules/$*/build/Makefile || scripts/deps
	@mkdir -p build/$*/src
	@cp -r Kbuild kernel include build/$*/src/
	$(MAKE) -C /lib/modules/$*/build M=$(CURDIR)/build/$*/src W=1 modules
	@cp build/$*/src/kernel/xt_NAT64.ko build/$*/
	@cp build/$*/src/kernel/nat64.ko $@

# Against the debug kernel's tree (scripts/debug-kernel prints its
# directory; scripts/selftest --debug-kernel passes DEBUG_KDIR=DIR/linux).
build/debug-%/nat64.ko: $(KSRC) $(wildcard $(DEBUG_KDIR)/vmlinux)
	@test -n "$(DEBUG_KDIR)" -a -e "$(DEBUG_KDIR)/Makefile" || \
		{ echo "DEBUG_KDIR: the debug kernel's tree (scripts/debug-kernel)" >&2; exit 1; }
	@mkdir -p build/debug-$*/src
	@cp -r Kbuild kernel include build/debug-$*/src/
	$(MAKE) -C $(DEBUG_KDIR) M=$(CURDIR)/build/debug-$*/src W=1 modules
	@cp build/debug-$*/src/kernel/xt_NAT64.ko build/debug-$*/
	@cp build/debug-$*/src/kernel/nat64.ko $@

# scripts/deps may install the kernels: KVERS is computed in a new make.
modules-all:
	@scripts/deps
	@$(MAKE) --no-print-directory modules-built

modules-built: $(foreach k,$(KVERS),build/$(k)/nat64.ko)

check:
	@$(MAKE) --no-print-directory -C tests/unit run

FUZZ_SECONDS ?= 600
fuzz:
	$(MAKE) -C tests/fuzz run FUZZ_SECONDS=$(FUZZ_SECONDS)

selftest: modules-all nat64ctl
	scripts/selftest $(KVERS)

# The selftests' soak.sh alone, for SOAK_SECONDS (default 600 here).
SOAK_SECONDS ?= 600
soak: modules-all nat64ctl
	SELFTESTS=soak SOAK_SECONDS=$(SOAK_SECONDS) \
		SELFTEST_TIMEOUT=$$(($(SOAK_SECONDS) + 600)) scripts/selftest $(KVERS)

# The whole suite with the fast path on the standard topology's
# translator (lib.sh's topo_up puts it on x6 and x4).
selftest-fastpath: modules-all nat64ctl
	NAT64_FASTPATH=1 scripts/selftest $(KVERS)

selftest-debug: nat64ctl
	scripts/selftest --debug-kernel

soak-debug: nat64ctl
	SELFTESTS=soak SOAK_SECONDS=$(SOAK_SECONDS) \
		SELFTEST_TIMEOUT=$$(($(SOAK_SECONDS) * 2 + 600)) scripts/selftest --debug-kernel

test:
	@scripts/test

test-deb: deb modules-all nat64ctl
	NAT64_TEST_DEB=1 SELFTESTS=deb SELFTEST_TIMEOUT=2700 scripts/selftest $(KVERS)

DEMO_KVER = $(firstword $(filter 6.1.%,$(KVERS)) $(KVERS))
demo:
	@scripts/deps
	@$(MAKE) --no-print-directory demo-run

demo-run: modules-built nat64ctl
	scripts/vm --kernel $(DEMO_KVER) \
		--env NAT64_KO=$(CURDIR)/build/$(DEMO_KVER)/nat64.ko \
		-- scripts/demo-guest

bench:
	scripts/bench $(BENCH_ARGS)

# The sources the packages are built from, copied to build/deb/nat64-VERSION
# with scripts/debian as its debian/ (build products left out), built there
# with dpkg-buildpackage; the .debs land in build/deb/, checked by lintian
# (a warning or an error fails make deb). The version is
# VERSION here, dkms.conf's and debian/changelog's: they must agree.
DEB_SRC := Makefile Kbuild dkms.conf LICENSE README include/uapi/nat64.h \
	kernel/Kbuild $(filter-out %.mod.c,$(wildcard kernel/*.c)) $(wildcard kernel/*.h) \
	usr/Makefile $(wildcard usr/*.c usr/*.h) usr/nat64.service.in usr/nat64ctl.8 \
	usr/nat64ctl.bash-completion usr/nat64-logd.service.in usr/nat64-logd.8 \
	usr/nat64-logd.conf usr/nat64-syncd.service.in usr/nat64-syncd.8 \
	usr/nat64-syncd.conf
DEB_TREE := build/deb/nat64-$(VERSION)
deb:
	@scripts/deps
	@v=$$(dpkg-parsechangelog -l scripts/debian/changelog -S Version); \
	k=$$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$$/\1/p' dkms.conf); \
	[ "$$v" = "$(VERSION)" ] && [ "$$k" = "$(VERSION)" ] || { \
		echo "make deb: versions differ: Makefile $(VERSION)," \
			"dkms.conf $$k, scripts/debian/changelog $$v" >&2; exit 1; }
	rm -rf build/deb
	mkdir -p $(DEB_TREE)
	cp --parents $(DEB_SRC) $(DEB_TREE)/
	cp -r scripts/debian $(DEB_TREE)/debian
	cd $(DEB_TREE) && dpkg-buildpackage -us -uc -b
	lintian --fail-on error,warning build/deb/nat64_$(VERSION)_*.changes
	@ls build/deb/*.deb

install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=extra modules_install
	depmod -a $(call KVER_OF,$(KDIR))
	install -D -m 0755 usr/nat64ctl $(DESTDIR)$(SBINDIR)/nat64ctl
	install -D -m 0755 usr/nat64-logd $(DESTDIR)$(SBINDIR)/nat64-logd
	install -D -m 0755 usr/nat64-syncd $(DESTDIR)$(SBINDIR)/nat64-syncd
	install -D -m 0644 usr/nat64ctl.8 $(DESTDIR)$(MANDIR)/man8/nat64ctl.8
	install -D -m 0644 usr/nat64-logd.8 $(DESTDIR)$(MANDIR)/man8/nat64-logd.8
	install -D -m 0644 usr/nat64-syncd.8 $(DESTDIR)$(MANDIR)/man8/nat64-syncd.8
	install -D -m 0644 usr/nat64-logd.service \
		$(DESTDIR)$(SYSTEMDUNITDIR)/nat64-logd.service
	install -D -m 0644 usr/nat64-syncd.service \
		$(DESTDIR)$(SYSTEMDUNITDIR)/nat64-syncd.service
	install -D -m 0644 usr/nat64ctl.bash-completion \
		$(DESTDIR)$(BASHCOMPDIR)/nat64ctl
	install -D -m 0644 usr/nat64.service \
		$(DESTDIR)$(SYSTEMDUNITDIR)/nat64.service
	install -D -m 0644 usr/libxt_NAT64.so $(DESTDIR)$(XTLIBDIR)/libxt_NAT64.so

uninstall:
	rm -f /lib/modules/$(call KVER_OF,$(KDIR))/extra/nat64.ko \
		/lib/modules/$(call KVER_OF,$(KDIR))/extra/xt_NAT64.ko
	depmod -a $(call KVER_OF,$(KDIR))
	rm -f $(DESTDIR)$(SBINDIR)/nat64ctl $(DESTDIR)$(MANDIR)/man8/nat64ctl.8 \
		$(DESTDIR)$(SBINDIR)/nat64-logd $(DESTDIR)$(MANDIR)/man8/nat64-logd.8 \
		$(DESTDIR)$(SYSTEMDUNITDIR)/nat64-logd.service \
		$(DESTDIR)$(SBINDIR)/nat64-syncd $(DESTDIR)$(MANDIR)/man8/nat64-syncd.8 \
		$(DESTDIR)$(SYSTEMDUNITDIR)/nat64-syncd.service \
		$(DESTDIR)$(BASHCOMPDIR)/nat64ctl $(DESTDIR)$(XTLIBDIR)/libxt_NAT64.so \
		$(DESTDIR)$(SYSTEMDUNITDIR)/nat64.service

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	-$(MAKE) -C usr clean
	-$(MAKE) -C tests/unit clean
	rm -rf build
