# core/model/: records and their rules, no I/O (includes base).
# Included by the top Makefile.am; %reldir% is this folder.
libcairn_a_SOURCES += \
	%reldir%/csv.c \
	%reldir%/derive.c \
	%reldir%/expr.c \
	%reldir%/kinds.c \
	%reldir%/layout.c \
	%reldir%/merge.c \
	%reldir%/record.c \
	%reldir%/roles.c \
	%reldir%/rules.c \
	%reldir%/rules.h \
	%reldir%/schema.c \
	%reldir%/schema_builtin.c \
	%reldir%/template.c \
	%reldir%/template_order.c \
	%reldir%/validate.c \
	%reldir%/value.h
