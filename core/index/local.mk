# core/index/: the only folder that includes <sqlite3.h> (includes base and model).
# Included by the top Makefile.am; %reldir% is this folder.
libcairn_a_SOURCES += \
	%reldir%/history.c \
	%reldir%/index.h \
	%reldir%/index_internal.h \
	%reldir%/query.c \
	%reldir%/records.c \
	%reldir%/schema.c \
	%reldir%/tx.c
