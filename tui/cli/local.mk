# tui/cli/: the command-line verbs (may include tui/ and tui/screen/).
# Included by the top Makefile.am; %reldir% is this folder.
cairn_SOURCES += \
	%reldir%/cli.c \
	%reldir%/cli.h \
	%reldir%/cmd_compare.c \
	%reldir%/cmd_edit.c \
	%reldir%/cmd_export.c \
	%reldir%/cmd_guard.c \
	%reldir%/cmd_history.c \
	%reldir%/cmd_hook.c \
	%reldir%/cmd_import_csv.c \
	%reldir%/cmd_init.c \
	%reldir%/cmd_query.c \
	%reldir%/cmd_report.c \
	%reldir%/cmd_doctor.c \
	%reldir%/cmd_sync.c \
	%reldir%/cmd_workflow.c \
	%reldir%/pager.c \
	%reldir%/report_fmt.h \
	%reldir%/report_html.c \
	%reldir%/report_md.c
