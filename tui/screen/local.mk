# tui/screen/: the ncurses screens (may include tui/, never tui/cli/).
# Included by the top Makefile.am; %reldir% is this folder.
cairn_SOURCES += \
	%reldir%/actions.c \
	%reldir%/app.c \
	%reldir%/app_internal.h \
	%reldir%/draw.c \
	%reldir%/keys.c \
	%reldir%/lines.c \
	%reldir%/loop.c \
	%reldir%/outside.c \
	%reldir%/prompt.c \
	%reldir%/rows.c \
	%reldir%/tui.h \
	%reldir%/view_compare.c \
	%reldir%/view_conflicts.c \
	%reldir%/view_dashboard.c \
	%reldir%/view_help.c \
	%reldir%/view_mine.c \
	%reldir%/view_history.c \
	%reldir%/view_record.c \
	%reldir%/view_schema.c \
	%reldir%/view_table.c
