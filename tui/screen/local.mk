# tui/screen/: the ncurses screens (may include tui/, never tui/cli/).
# Included by the top Makefile.am; %reldir% is this folder.
cairn_SOURCES += \
	%reldir%/app.c \
	%reldir%/keys.c \
	%reldir%/lines.c \
	%reldir%/rows.c \
	%reldir%/tui.h \
	%reldir%/view_conflicts.c \
	%reldir%/view_dashboard.c \
	%reldir%/view_history.c \
	%reldir%/view_record.c \
	%reldir%/view_table.c
