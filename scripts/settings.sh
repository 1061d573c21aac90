#!/bin/sh
# Copyright (C) 2026 The strongswan-vti authors
# SPDX-License-Identifier: GPL-2.0-or-later
# Writes, from plugin/vti.opt (the one description of charon.plugins.vti),
# the snippet plugin/vti.conf, the man page man/strongswan-vti.5 and the
# section of README between its two marker lines:
#   [settings: generated from plugin/vti.opt by scripts/settings.sh, do not edit]
#   [settings: end]
#
#   scripts/settings.sh          rewrites them in the source tree
#   scripts/settings.sh DIR      writes vti.conf, strongswan-vti.5 and
#                                README into DIR instead (for the check)
#   scripts/settings.sh --keys   prints the keys: SCOPE KEY [loader], SCOPE
#                                global, connection or both
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
opt=$top/plugin/vti.opt
begin='[settings: generated from plugin/vti.opt by scripts/settings.sh, do not edit]'
end='[settings: end]'

# The awk program: reads vti.opt, prints the format named by mode (conf,
# man, readme or keys).
program()
{
	cat <<'EOF'
function fail(msg)
{
	printf "%s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"
	failed = 1
	exit 1
}

# a new entry from its header line
function header(line,   op)
{
	n++
	np[n] = 0
	nex[n] = 0
	para = 0
	attrs_done = 0
	if (line ~ / \{\}$/)
	{
		sect[n] = 1
		name[n] = substr(line, 1, length(line) - 3)
		return
	}
	if (!match(line, / :?=( |$)/))
	{
		fail("expected NAME = DEFAULT or NAME {}")
	}
	name[n] = substr(line, 1, RSTART - 1)
	op = substr(line, RSTART, RLENGTH)
	set[n] = op ~ /:=/
	def[n] = substr(line, RSTART + RLENGTH)
	if (name[n] !~ /^charon\.plugins\.vti\.[a-z_]+$/ &&
		name[n] !~ /^charon\.plugins\.vti\.connections\.<conn>\.[a-z_]+$/)
	{
		fail("not a key of charon.plugins.vti: " name[n])
	}
}

function attribute(word, value)
{
	if (word == "@connection") conn[n] = 1
	else if (word == "@loader") loader[n] = 1
	else if (word == "@bool") isbool[n] = 1
	else if (word == "@values") values[n] = value
	else if (word == "@range")
	{
		if (value !~ /^[0-9]+\.\.[0-9]+$/) fail("expected @range MIN..MAX")
		range[n] = value
	}
	else if (word == "@example") ex[n, ++nex[n]] = value
	else fail("unknown attribute " word)
}

# a line of description: text (t) or verbatim (v), "" ends a paragraph
function body(kind, text)
{
	if (kind == "")
	{
		para = 0
		return
	}
	if (para && ptype[n, np[n]] != kind)
	{
		para = 0
	}
	if (!para)
	{
		np[n]++
		ptype[n, np[n]] = kind
		ptext[n, np[n]] = text
		para = 1
		return
	}
	ptext[n, np[n]] = ptext[n, np[n]] (kind == "v" ? "\n" : " ") text
}

# the key's name under charon.plugins.vti
function key(i,   k)
{
	k = name[i]
	sub(/^charon\.plugins\.vti\./, "", k)
	return k
}

# the key's last name
function leaf(i,   k)
{
	k = name[i]
	sub(/.*\./, "", k)
	return k
}

function conn_only(i)
{
	return name[i] ~ /\.connections\.<conn>\./
}

function wrap(text, width, prefix,   words, count, i, line, out)
{
	count = split(text, words, /[ \t\n]+/)
	line = ""
	out = ""
	for (i = 1; i <= count; i++)
	{
		if (words[i] == "")
		{
			continue
		}
		if (line == "")
		{
			line = words[i]
		}
		else if (length(prefix line " " words[i]) <= width)
		{
			line = line " " words[i]
		}
		else
		{
			out = out prefix line "\n"
			line = words[i]
		}
	}
	if (line != "")
	{
		out = out prefix line "\n"
	}
	gsub(/\001/, " ", out)
	return out
}

function indent(text, prefix,   lines, count, i, out)
{
	count = split(text, lines, "\n")
	out = ""
	for (i = 1; i <= count; i++)
	{
		out = out (lines[i] == "" ? "" : prefix lines[i]) "\n"
	}
	return out
}

# "a, b or c"
function either(list,   names, count, i, out)
{
	count = split(list, names, "|")
	out = names[1]
	for (i = 2; i <= count; i++)
	{
		out = out (i == count ? " or " : ", ") names[i]
	}
	return out
}

# values, range, where, examples: one sentence each
function facts(i,   vals, r, out, j, example)
{
	out = ""
	if (loader[i])
	{
		out = "Read by strongSwan's plugin loader."
	}
	vals = isbool[i] ? "yes or no" : values[i] != "" ? either(values[i]) : ""
	if (range[i] != "")
	{
		r = range[i]
		sub(/\.\./, " to ", r)
		vals = vals == "" ? r : vals ", or " r
	}
	if (vals != "")
	{
		out = out " Values: " vals "."
	}
	if (conn_only(i))
	{
		out = out " Per connection only."
	}
	else if (conn[i])
	{
		out = out " Global, and per connection."
	}
	else if (!loader[i])
	{
		out = out " Global only."
	}
	for (j = 1; j <= nex[i]; j++)
	{
		# one unit for wrap(): \001 is a space it keeps
		example = leaf(i) " = " ex[i, j]
		gsub(/ /, "\001", example)
		out = out (j == 1 ? (nex[i] > 1 ? " Examples: " : " Example: ") : \
				   "; ") example
	}
	sub(/^ /, "", out)
	return out
}

# the long description: all paragraphs but the first, or the first alone
function first_long(i)
{
	return np[i] > 1 ? 2 : 1
}

function readme_paragraphs(i, from, width, prefix,   k, out)
{
	out = ""
	for (k = from; k <= np[i]; k++)
	{
		out = out (k > from ? "\n" : "")
		if (ptype[i, k] == "v")
		{
			out = out indent(ptext[i, k], prefix "    ")
		}
		else
		{
			out = out wrap(ptext[i, k], width, prefix)
		}
	}
	return out
}

# the first sentence of a text
function first_sentence(text)
{
	return match(text, /\. /) ? substr(text, 1, RSTART) : text
}

# where a key may be set
function where_set(i)
{
	return loader[i] ? "read by the plugin loader" : conn_only(i) ? \
		   "per connection only" : conn[i] ? "global, and per connection" : \
		   "global only"
}

# the values a key takes, "" if the text says
function values_of(i,   vals, r)
{
	vals = isbool[i] ? "yes or no" : values[i] != "" ? either(values[i]) : ""
	if (range[i] != "")
	{
		r = range[i]
		sub(/\.\./, " to ", r)
		vals = vals == "" ? r : vals ", or " r
	}
	return vals
}

# short: the paragraph after the section's example, then a key a few
# lines; the man page has them in full (and checking and reloading, which
# README says in "Operating it")
function readme(   i, k, after, title, text)
{
	after = 0
	for (k = 1; k <= np[1]; k++)
	{
		if (ptype[1, k] == "v")
		{
			after = 1
		}
		else if (after == 1)
		{
			printf "%s", wrap(ptext[1, k], 76, "")
			after = 2
		}
	}
	printf "\nEvery key in full, with its ranges and examples: strongswan-vti(5)\n"
	printf "(man/strongswan-vti.5).\n"
	for (i = 2; i <= n; i++)
	{
		if (sect[i])
		{
			continue
		}
		title = key(i) " =" (def[i] == "" ? "" : " " def[i])
		printf "\n    %-34s %s\n", title, where_set(i)
		text = first_sentence(ptext[i, 1])
		if (values_of(i) != "")
		{
			text = text " Values: " values_of(i) "."
		}
		printf "%s", wrap(text, 76, "        ")
	}
}

function conf_option(i, prefix)
{
	printf "%s", wrap(ptext[i, 1], 76, prefix "# ")
	printf "%s", wrap(facts(i), 76, prefix "# ")
	printf "%s%s%s %s%s\n\n", prefix, set[i] ? "" : "# ", leaf(i),
		   "=", def[i] == "" ? "" : " " def[i]
}

function conf(   i, also)
{
	printf "vti {\n\n"
	printf "%s\n", wrap(ptext[1, 1], 76, "    # ")
	also = ""
	for (i = 2; i <= n; i++)
	{
		if (!sect[i] && !conn_only(i))
		{
			conf_option(i, "    ")
			if (conn[i])
			{
				also = also (also == "" ? "" : ", ") leaf(i)
			}
		}
	}
	for (i = 2; i <= n; i++)
	{
		if (sect[i])
		{
			printf "%s", wrap(ptext[i, 1], 76, "    # ")
			printf "    connections {\n\n        # <conn> {\n\n"
		}
	}
	for (i = 2; i <= n; i++)
	{
		if (!sect[i] && conn_only(i))
		{
			conf_option(i, "            ")
		}
	}
	printf "%s", wrap("And, for this connection: " also ".", 76,
					  "            # ")
	printf "\n        # }\n\n    }\n\n}\n"
}

# a line of text for groff: backslashes, minus signs, leading dots
function roff(line)
{
	gsub(/\\/, "\\e", line)
	gsub(/-/, "\\-", line)
	if (line ~ /^[.']/)
	{
		line = "\\&" line
	}
	return line
}

function roff_text(text,   lines, count, i, out)
{
	sub(/\n$/, "", text)
	count = split(text, lines, "\n")
	out = ""
	for (i = 1; i <= count; i++)
	{
		out = out roff(lines[i]) "\n"
	}
	return out
}

function man_paragraphs(i, from,   k)
{
	for (k = from; k <= np[i]; k++)
	{
		if (k > from)
		{
			print (i == 1 ? ".PP" : ".IP")
		}
		if (ptype[i, k] == "v")
		{
			printf ".RS 4\n.nf\n%s.fi\n.RE\n", roff_text(ptext[i, k])
		}
		else
		{
			printf "%s", roff_text(wrap(ptext[i, k], 76, ""))
		}
	}
}

function man(   i)
{
	print ".\\\" generated from plugin/vti.opt by scripts/settings.sh, do not edit"
	print ".TH STRONGSWAN\\-VTI 5 \"\" \"strongswan\\-vti\" \"strongSwan\""
	print ".SH NAME"
	print "strongswan\\-vti \\- settings of the vti plugin of strongSwan's charon"
	print ".SH SYNOPSIS"
	print ".B /etc/strongswan.d/charon/vti.conf"
	print ".SH DESCRIPTION"
	man_paragraphs(1, first_long(1))
	print ".SH SETTINGS"
	for (i = 2; i <= n; i++)
	{
		print ".TP"
		printf "\\fB%s\\fR%s\n", roff(name[i]),
			   sect[i] ? "" : " [" roff(def[i]) "]"
		man_paragraphs(i, first_long(i))
		if (!sect[i])
		{
			printf ".IP\n%s", roff_text(wrap(facts(i), 76, ""))
		}
	}
	print ".SH FILES"
	print ".TP"
	print ".B /etc/strongswan.d/charon/vti.conf"
	print "The plugin's settings, read inside charon { plugins { } }."
	print ".SH SEE ALSO"
	print ".BR strongswan.conf (5),"
	print ".BR swanctl.conf (5),"
	print ".BR ip\\-link (8)"
}

function keys(   i, scope)
{
	for (i = 2; i <= n; i++)
	{
		if (sect[i])
		{
			continue
		}
		scope = conn_only(i) ? "connection" : conn[i] ? "both" : "global"
		printf "%s %s%s\n", scope, leaf(i), loader[i] ? " loader" : ""
	}
}

/^#/ { next }
/^[^ \t]/ { header($0); next }
/^\t\t/ { body("v", substr($0, 3)); attrs_done = 1; next }
/^\t@/ {
	if (attrs_done || !n) fail("an attribute after the description")
	body_word = $1
	body_value = $0
	sub(/^\t@[a-z]+ ?/, "", body_value)
	attribute(body_word, body_value)
	next
}
/^\t/ { body("t", substr($0, 2)); attrs_done = 1; next }
/^[ \t]*$/ { if (n) body("", ""); next }
{ fail("unexpected line") }

END {
	if (failed)
	{
		exit 1
	}
	if (!sect[1] || name[1] != "charon.plugins.vti")
	{
		print "vti.opt: the first entry must be charon.plugins.vti {}" \
			> "/dev/stderr"
		exit 1
	}
	if (mode == "conf") conf()
	else if (mode == "man") man()
	else if (mode == "readme") readme()
	else if (mode == "keys") keys()
}
EOF
}

gen()
{
	awk -v mode="$1" "$(program)" "$opt"
}

# README with the section between the markers replaced by the file $1
splice_readme()
{
	awk -v begin="$begin" -v end="$end" -v section="$1" '
		$0 == begin {
			if (state) { bad = "a second begin marker"; exit 1 }
			print; print ""
			while ((getline line < section) > 0) print line
			print ""; state = 1; next
		}
		$0 == end {
			if (state != 1) { bad = "an end marker before the begin"; exit 1 }
			state = 2
		}
		state != 1 { print }
		END {
			if (bad == "" && state == 1) bad = "no end marker"
			if (bad == "" && state != 2) bad = "no marker lines"
			if (bad != "")
			{
				printf "README: %s (%s ... %s)\n", bad, begin, end \
					> "/dev/stderr"
				exit 1
			}
		}' "$top/README"
}

# writes the three files into the directory $1
write_all()
{
	# (set -e does not stop a function called as a condition)
	gen readme > "$1/section" || return 1
	gen conf > "$1/vti.conf" || return 1
	gen man > "$1/strongswan-vti.5" || return 1
	splice_readme "$1/section" > "$1/README" || return 1
	rm "$1/section"
}

case ${1:-} in
--keys)
	gen keys
	;;
"")
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	write_all "$tmp"
	mkdir -p "$top/man"
	mv "$tmp/vti.conf" "$top/plugin/vti.conf"
	mv "$tmp/strongswan-vti.5" "$top/man/strongswan-vti.5"
	mv "$tmp/README" "$top/README"
	;;
*)
	write_all "$1"
	;;
esac
