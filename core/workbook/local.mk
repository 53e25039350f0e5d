# core/workbook/: what a member does, built on model, git and index.
# Included by the top Makefile.am; %reldir% is this folder.
libcairn_a_SOURCES += \
	%reldir%/commit_files.c \
	%reldir%/compare.c \
	%reldir%/conflicts.c \
	%reldir%/distribute.c \
	%reldir%/drafts.c \
	%reldir%/follow.c \
	%reldir%/githook.c \
	%reldir%/guard.c \
	%reldir%/guard_first.c \
	%reldir%/guard_internal.h \
	%reldir%/hand_edits.c \
	%reldir%/handle.c \
	%reldir%/history.c \
	%reldir%/history_lines.c \
	%reldir%/import.c \
	%reldir%/inclusion.c \
	%reldir%/load.c \
	%reldir%/lookup.c \
	%reldir%/open.c \
	%reldir%/permit.c \
	%reldir%/report.c \
	%reldir%/resolve.c \
	%reldir%/save.c \
	%reldir%/schema.c \
	%reldir%/sync.c \
	%reldir%/takeover.c \
	%reldir%/wb_internal.h \
	%reldir%/workflow.c
