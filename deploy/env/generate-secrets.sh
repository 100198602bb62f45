#!/bin/sh
# Write deploy/env/secrets.env (or the file named as argument) from secrets.env.example, with
# a fresh random value for every variable the example leaves empty. Never overwrites a file.
#     sh deploy/env/generate-secrets.sh [TARGET]
set -eu

here=$(cd "$(dirname "$0")" && pwd)
example="$here/secrets.env.example"
target="${1:-$here/secrets.env}"

if [ -e "$target" ]; then
    echo "$target exists; not overwriting it (move it away first to make new secrets)." >&2
    exit 1
fi

# "s" + 64 hex digits (256 random bits): letters and digits, starting with a letter.
random_value() {
    printf 's%s' "$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')"
}

umask 077
tmp="$target.tmp.$$"
trap 'rm -f "$tmp"' EXIT
while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
        [A-Z]*=) printf '%s%s\n' "$line" "$(random_value)" ;;
        *) printf '%s\n' "$line" ;;
    esac
done < "$example" > "$tmp"
mv "$tmp" "$target"
trap - EXIT
echo "wrote $target (readable by you only); keep it out of version control and back it up safely"
