# core/git/: the only folder that includes <git2.h> (includes base and model).
# Included by the top Makefile.am; %reldir% is this folder.
libcairn_a_SOURCES += \
	%reldir%/blame.c \
	%reldir%/commit.c \
	%reldir%/doctor.c \
	%reldir%/git_internal.h \
	%reldir%/gitindex.c \
	%reldir%/gitindex_file.c \
	%reldir%/gitindex_file.h \
	%reldir%/incoming.c \
	%reldir%/incoming.h \
	%reldir%/incoming_tree.c \
	%reldir%/incoming_tree.h \
	%reldir%/knownhosts.c \
	%reldir%/log.c \
	%reldir%/log_diff.c \
	%reldir%/log.h \
	%reldir%/loose.c \
	%reldir%/loose.h \
	%reldir%/merge_state.c \
	%reldir%/merge_state.h \
	%reldir%/oidmap.c \
	%reldir%/oidmap.h \
	%reldir%/pack.c \
	%reldir%/pack.h \
	%reldir%/precommit.c \
	%reldir%/precommit.h \
	%reldir%/refs.c \
	%reldir%/remote.c \
	%reldir%/remote.h \
	%reldir%/repack.c \
	%reldir%/repo.c \
	%reldir%/shared.c \
	%reldir%/sshconfig.c \
	%reldir%/sshconfig.h \
	%reldir%/shared.h \
	%reldir%/status.c \
	%reldir%/transfer.c \
	%reldir%/transfer.h \
	%reldir%/xfer_callbacks.c \
	%reldir%/xfer_fail.c \
	%reldir%/xfer_folder.c \
	%reldir%/xfer_https.c \
	%reldir%/xfer_ssh.c \
	%reldir%/tree.c \
	%reldir%/unshallow.c
