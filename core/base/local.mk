# core/base/: the base layer: errors, buffers, files, text, dates, config (includes no other layer).
# Included by the top Makefile.am; %reldir% is this folder.
libcairn_a_SOURCES += \
	%reldir%/buf.c \
	%reldir%/config.c \
	%reldir%/date.c \
	%reldir%/error.c \
	%reldir%/fs.c \
	%reldir%/json.c \
	%reldir%/sanitize.c \
	%reldir%/sha1.c \
	%reldir%/textdiff.c \
	%reldir%/utf8.c
