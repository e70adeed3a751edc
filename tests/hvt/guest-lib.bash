# tests/hvt/guest-lib.bash: builds the hvt test guests for tests/hvt/*.sh (sourced,
# after tests/lib.sh). Not executable: scripts/test runs only the *.sh tests.
#
#   img=$(hvt_build DIR) || fail ...     builds DIR (a .c and a kiln.conf); prints the image
#
# With build/bin/kiln present it runs `kiln build -t hvt DIR`, as an appliance
# developer would; without it (the tool is optional for these tests) it builds
# the hvt archives and links DIR with mk/appliance.mk itself, generating the
# manifest from kiln.conf's `name`, `net` and `block` lines.

GUESTS=$KILN_ROOT/tests/hvt/guests

hvt_build() {
	local dir=$1 out
	if [ -x "$KILN" ]; then
		out=$("$KILN" build -t hvt "$dir" 2>&1) || { echo "$out" | tail -n 3 >&2; return 1; }
		echo "$out" | tail -n 1
		return 0
	fi
	local name devs=() n=0 o=$dir/_build/hvt
	name=$(sed -n 's/^name *= *\([A-Za-z0-9]*\) *$/\1/p' "$dir/kiln.conf")
	while read -r key _ value; do
		case $key in
		net) devs+=("KILN_NET(\"$value\")"); n=$((n + 1)) ;;
		block) devs+=("KILN_BLOCK(\"$value\")"); n=$((n + 1)) ;;
		esac
	done <"$dir/kiln.conf"
	mkdir -p "$o"
	{
		echo "#include <kiln/manifest.h>"
		printf 'KILN_MANIFEST(%d' "$n"
		for d in "${devs[@]}"; do printf ', %s' "$d"; done
		echo ");"
	} >"$o/manifest.c"
	echo "const char kiln_appliance_name[] = \"$name\";" >"$o/appliance.c"
	make -s -C "$KILN_ROOT" -f mk/target.mk KILN_ROOT="$KILN_ROOT" TARGET=hvt LIBS= >&2 || return 1
	make -s -C "$KILN_ROOT" -f mk/appliance.mk KILN_ROOT="$KILN_ROOT" TARGET=hvt \
		APP_DIR="$dir" OUT_DIR="$o" NAME="$name" LIBS= \
		GEN_SRCS="$o/manifest.c $o/appliance.c" >&2 || return 1
	echo "$o/$name.hvt"
}

# hvt_run IMAGE ARGS...: boots IMAGE on the tender with a time limit; output
# in $RUN_OUT, exit status in $RUN_STATUS. $HVT_TENDER_OPTS (unset normally)
# adds tender options when debugging, e.g. --x-no-seccomp.
hvt_run() {
	RUN_OUT=$(timeout 60 "$TENDER" --mem=128 ${HVT_TENDER_OPTS:-} "$@" 2>&1)
	RUN_STATUS=$?
}
